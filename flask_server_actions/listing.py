"""Finding every server action of an app, for ``flask actions list``."""

from __future__ import annotations

import inspect
import sys
import types
import typing as t

from .marking import is_marked_function
from .marking import nested_actions

if t.TYPE_CHECKING:
    from flask import Flask


def _module_actions() -> t.Iterator[tuple[str, str, str]]:
    for module in list(sys.modules.values()):
        members = getattr(module, "__dict__", None)
        if not isinstance(members, dict):
            continue
        for name, value in list(members.items()):
            if (isinstance(value, types.FunctionType) and value.__module__ == module.__name__
                    and value.__name__ == name and is_marked_function(value, module)):
                yield f"{module.__name__}:{value.__qualname__}", "module", module.__name__


def _view_functions(view: t.Callable[..., t.Any]) -> t.Iterator[types.FunctionType]:
    """The functions that serve a view: the function itself, or the methods
    of a class-based view (``View.as_view`` keeps the class as ``view_class``)."""
    view_class = getattr(view, "view_class", None)
    if isinstance(view_class, type):
        for member in vars(view_class).values():
            if isinstance(member, types.FunctionType):
                yield member
        return
    function = inspect.unwrap(view)
    if isinstance(function, types.FunctionType):
        yield function


def list_actions(app: Flask) -> list[tuple[str, str, str]]:
    """Rows of ``(reference, kind, where)``, sorted by reference.

    Module-level actions are found in every imported module; inline actions
    by scanning the code objects of the app's view functions.
    """
    rows = set(_module_actions())
    for endpoint, view in app.view_functions.items():
        for function in _view_functions(view):
            for qualname, _code in nested_actions(function.__code__, function.__qualname__):
                rows.add((f"{function.__module__}:{qualname}", "inline", f"view {endpoint}"))
    return sorted(rows)
