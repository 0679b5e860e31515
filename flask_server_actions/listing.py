"""Finding every server action of an app, for ``flask actions list``."""

from __future__ import annotations

import inspect
import sys
import types
import typing as t

from .marking import is_marked_code
from .marking import is_marked_function

if t.TYPE_CHECKING:
    from flask import Flask

Row = tuple[str, str, str]


def _module_actions() -> t.Iterator[Row]:
    for module in list(sys.modules.values()):
        members = getattr(module, "__dict__", None)
        if not isinstance(members, dict):
            continue
        for name, value in list(members.items()):
            if (isinstance(value, types.FunctionType) and value.__module__ == module.__name__
                    and value.__name__ == name and is_marked_function(value, module)):
                yield f"{module.__name__}:{value.__qualname__}", "module", module.__name__


def _inline_actions(code: types.CodeType, qualname: str) -> t.Iterator[str]:
    """Qualified names of the actions defined (at any depth) inside ``code``.

    Python 3.10's code objects have no ``co_qualname``: there the name is
    built while walking down (right for functions inside functions).
    """
    for const in code.co_consts:
        if isinstance(const, types.CodeType):
            inside = getattr(const, "co_qualname", f"{qualname}.<locals>.{const.co_name}")
            if is_marked_code(const, code):
                yield inside
            yield from _inline_actions(const, inside)


def _view_functions(view: t.Callable[..., t.Any]) -> t.Iterator[types.FunctionType]:
    """The functions whose code a view runs: the view itself, or the
    methods of a class-based view (``View.as_view``)."""
    cls = getattr(view, "view_class", None)
    if isinstance(cls, type):
        for member in vars(cls).values():
            if isinstance(member, types.FunctionType):
                yield member
        return
    function = inspect.unwrap(view)
    if isinstance(function, types.FunctionType):
        yield function


def list_actions(app: Flask) -> list[Row]:
    """Rows of ``(reference, kind, where)``, sorted by reference.

    Module-level actions are found in every imported module; inline actions
    by scanning the code objects of the app's view functions.
    """
    rows = set(_module_actions())
    for endpoint, view in app.view_functions.items():
        for function in _view_functions(view):
            for qualname in _inline_actions(function.__code__, function.__qualname__):
                rows.add((f"{function.__module__}:{qualname}", "inline", f"view {endpoint}"))
    return sorted(rows)
