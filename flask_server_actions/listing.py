"""Finding every server action of an app, for ``flask actions list``: where
it is, its options, and the guards in front of it, in the order they run."""

from __future__ import annotations

import ast
import inspect
import sys
import textwrap
import types
import typing as t

from wtforms import Form

from .forms import form_class_of
from .marking import is_marked_function
from .marking import nested_actions
from .marking import options_of

if t.TYPE_CHECKING:
    from flask import Flask

#: A row: ``(reference, kind, where, options, guards)``.
Row = tuple[str, str, str, str, str]
#: The columns of a row, as ``flask actions list`` heads them.
HEADERS = ("Action", "Kind", "Where", "Options", "Guards")
#: Where a module-level page action's page guards come in the list.
PAGE_GUARDS = "(the page's hooks and decorators)"


#: The options shown as ``name=value``, in the order they are shown.
_SHOWN = ("form", "require", "limit", "key", "setup", "scope")


def _describe(options: t.Mapping[str, str | None], once: bool) -> str:
    """``form=NoteForm once require=is_admin limit=5/minute key=user
    setup=team_choices scope=app``: the options given, ``-`` for none."""
    parts = [f"form={options['form']}"] if options.get("form") else []
    if once:
        parts.append("once")
    parts += [f"{name}={options[name]}" for name in _SHOWN[1:] if options.get(name)]
    return " ".join(parts) or "-"


def _option_name(value: object) -> str | None:
    """How the listing shows an option's value: a function by its name."""
    if value is None or isinstance(value, str):
        return value
    return _name(value)


def _name(fn: object) -> str:
    return str(getattr(fn, "__name__", None) or fn)


def _decorators(view: t.Callable[..., t.Any]) -> t.Iterator[str]:
    """The names of the decorators of ``view``, outermost first (those that
    use :func:`functools.wraps`, as those that guard actions must)."""
    function: t.Any = view
    while hasattr(function, "__wrapped__"):
        yield "@" + _decorator_name(function)
        function = function.__wrapped__


def _decorator_name(wrapper: t.Any) -> str:
    """The decorator that made ``wrapper``: the function of its module whose
    code defines the wrapper's (functools.wraps gave the wrapper the view's
    own names)."""
    code = getattr(wrapper, "__code__", None)
    if code is None:  # a callable object
        return str(type(wrapper).__qualname__)
    for value in list(getattr(wrapper, "__globals__", {}).values()):
        # Functions only: a module's proxies (current_user) raise outside a request.
        if isinstance(value, types.FunctionType) and code in value.__code__.co_consts:
            return value.__name__
    return str(code.co_name)


def _guards(app: Flask, endpoint: str | None, view: t.Callable[..., t.Any] | None) -> str:
    """What runs before an action, in order: the app's ``before_request``
    hooks; for a page, its blueprints' (outer first) and its view's
    decorators (``endpoint`` ``None``: a module-level page action, shown on
    pages unknown here); the ``before_action`` checks."""
    hooks = app.before_request_funcs
    parts = [f"app:{_name(hook)}" for hook in hooks.get(None, ())]
    if view is None and endpoint is None:
        parts.append(PAGE_GUARDS)
    elif endpoint is not None and view is not None:
        names = endpoint.split(".")[:-1]
        for depth in range(1, len(names) + 1):
            blueprint = ".".join(names[:depth])
            parts += [f"{blueprint}:{_name(hook)}" for hook in hooks.get(blueprint, ())]
        parts += list(_decorators(view))
    ext = app.extensions["server_actions"]
    parts += [f"before_action:{_name(check)}" for check in ext.checks(app)]
    return ", ".join(parts) or "-"


def _module_form(fn: types.FunctionType) -> str | None:
    """The form class a module-level action takes, given or annotated."""
    for bound in range(fn.__code__.co_argcount or 1):
        form = form_class_of(fn, bound)
        if form is not None:
            return form.__name__
    return None


def _module_actions(app: Flask) -> t.Iterator[Row]:
    for module in list(sys.modules.values()):
        members = getattr(module, "__dict__", None)
        if not isinstance(members, dict):
            continue
        for name, value in list(members.items()):
            if (isinstance(value, types.FunctionType) and value.__module__ == module.__name__
                    and value.__name__ == name and is_marked_function(value, module)):
                options = options_of(value)
                for_app = options is not None and options.scope == "app"
                shown = {"form": _module_form(value)}
                if options is not None:
                    shown.update({name: _option_name(getattr(options, name))
                                  for name in _SHOWN[1:]})
                    shown["scope"] = "app" if for_app else None
                described = _describe(shown, bool(options and options.once))
                yield (f"{module.__name__}:{value.__qualname__}", "module", module.__name__,
                       described, _guards(app, "" if for_app else None, None))


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
    shown: dict[str, str | None] = {name: _source_value(keywords[name]) for name in _SHOWN
                                    if name in keywords}
    if shown.get("scope") == "page":
        del shown["scope"]
    shown["form"] = shown.get("form") or _annotated(function, node)
    return _describe(shown, isinstance(once, ast.Constant) and once.value is True)


def _source_value(node: ast.expr) -> str:
    """An option's value as the source writes it, a string without quotes."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value
    return ast.unparse(node)


def _annotated(function: types.FunctionType, node: ast.AST) -> str | None:
    """The name of the form class an inline action's parameter is annotated
    with (looked up among its view's globals), if any."""
    arguments = getattr(node, "args", None)
    for argument in arguments.args if isinstance(arguments, ast.arguments) else ():
        hint = argument.annotation
        name = hint.id if isinstance(hint, ast.Name) else (
            hint.value if isinstance(hint, ast.Constant) and isinstance(hint.value, str) else "")
        found = function.__globals__.get(name)
        if isinstance(found, type) and issubclass(found, Form):
            return found.__name__
    return None


def list_actions(app: Flask) -> list[Row]:
    """Rows of ``(reference, kind, where, options, guards)``, sorted by
    reference.

    Module-level actions are found in every imported module; inline actions
    by scanning the code objects of the app's view functions. ``options``
    lists what was given to :func:`~flask_server_actions.server_action`
    (``form=NoteForm once require=is_admin limit=5/minute key=user
    setup=team_choices scope=app``; the form also when annotated), or
    ``-``; ``guards`` what runs before the action, in order
    (``app:hook, blueprint:hook, @decorator, before_action:check``), or
    ``-``.

    .. versionchanged:: 0.3.0
        The guards, annotated forms, ``limit=``, ``key=``, ``setup=`` and
        scope.
    """
    rows = set(_module_actions(app))
    for endpoint, view in app.view_functions.items():
        for function in _view_functions(view):
            for qualname, _code in nested_actions(function.__code__, function.__qualname__):
                rows.add((f"{function.__module__}:{qualname}", "inline", f"view {endpoint}",
                          _inline_options(function, qualname), _guards(app, endpoint, view)))
    return sorted(rows)
