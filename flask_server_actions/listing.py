"""Finding every server action of an app, for ``flask actions list``."""

from __future__ import annotations

import ast
import inspect
import sys
import textwrap
import types
import typing as t

from .marking import is_marked_function
from .marking import nested_actions
from .marking import options_of

if t.TYPE_CHECKING:
    from flask import Flask

#: A row: ``(reference, kind, where, options)``.
Row = tuple[str, str, str, str]


def _describe(form: str | None, once: bool, require: str | None) -> str:
    parts = [f"form={form}"] if form else []
    if once:
        parts.append("once")
    if require:
        parts.append(f"require={require}")
    return " ".join(parts) or "-"


def _module_actions() -> t.Iterator[Row]:
    for module in list(sys.modules.values()):
        members = getattr(module, "__dict__", None)
        if not isinstance(members, dict):
            continue
        for name, value in list(members.items()):
            if (isinstance(value, types.FunctionType) and value.__module__ == module.__name__
                    and value.__name__ == name and is_marked_function(value, module)):
                options = options_of(value)
                described = _describe(
                    options.form.__name__ if options and options.form else None,
                    bool(options and options.once),
                    getattr(options.require, "__name__", None) if options else None)
                yield (f"{module.__name__}:{value.__qualname__}", "module", module.__name__,
                       described)


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


def _inline_options(function: types.FunctionType, qualname: str) -> str:
    """The options given to ``server_action`` on the inline action
    ``qualname``, read from the view's source (they exist only while the
    view runs); ``?`` when the source cannot be read."""
    try:
        tree = ast.parse(textwrap.dedent(inspect.getsource(function)))
    except (OSError, TypeError, SyntaxError):
        return "?"
    node: ast.AST = tree
    path = qualname[len(function.__qualname__):].replace("<locals>.", "").split(".")[1:]
    for name in path:
        # A source edited since it was imported may lack the name: list no options.
        node = next((child for child in ast.walk(node) if child is not node
                     and isinstance(child, (ast.FunctionDef, ast.AsyncFunctionDef,
                                            ast.ClassDef)) and child.name == name), ast.Pass())
    decorators = getattr(node, "decorator_list", [])
    keywords = {keyword.arg: keyword.value for decorator in decorators
                if isinstance(decorator, ast.Call) for keyword in decorator.keywords}
    once = keywords.get("once")
    form, require = keywords.get("form"), keywords.get("require")
    return _describe(ast.unparse(form) if form else None,
                     isinstance(once, ast.Constant) and once.value is True,
                     ast.unparse(require) if require else None)


def list_actions(app: Flask) -> list[Row]:
    """Rows of ``(reference, kind, where, options)``, sorted by reference.

    Module-level actions are found in every imported module; inline actions
    by scanning the code objects of the app's view functions. ``options``
    lists what was given to :func:`~flask_server_actions.server_action`
    (``form=NoteForm once require=is_admin``), or ``-``.
    """
    rows = set(_module_actions())
    for endpoint, view in app.view_functions.items():
        for function in _view_functions(view):
            for qualname, _code in nested_actions(function.__code__, function.__qualname__):
                rows.add((f"{function.__module__}:{qualname}", "inline", f"view {endpoint}",
                          _inline_options(function, qualname)))
    return sorted(rows)
