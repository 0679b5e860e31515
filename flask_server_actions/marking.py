"""What makes a function a server action.

A function is an action when one of these holds:

* its docstring is ``"use server"`` (the first line of it, so a longer
  docstring may follow on the next lines);
* it is decorated with :func:`server_action`;
* it is a public function of a module whose docstring is ``"use server"``.

For a function defined inside a view the check must also work in a worker
that never ran the view, from the code object alone: a docstring is a
constant of the code object, and a decorator is found in the enclosing
function's bytecode (``@server_action`` or ``@server_action(...)``, written
with any module prefix, directly above the ``def``).
"""

from __future__ import annotations

import dis
import inspect
import sys
import types
import typing as t
from dataclasses import dataclass

from wtforms import Form

from .post.limits import check_key
from .post.limits import parse_limit

MARK = "use server"
#: ``True`` under ``python -OO``, where docstrings and so ``"use server"`` vanish.
DOCSTRINGS_STRIPPED = sys.flags.optimize >= 2
_CO_HAS_DOCSTRING = 0x4000000  # Python 3.14+
_DECORATOR_NAME = "server_action"
_NAME_LOADS = frozenset({"LOAD_GLOBAL", "LOAD_NAME", "LOAD_DEREF", "LOAD_FAST", "LOAD_ATTR",
                         "LOAD_CLASSDEREF", "LOAD_FROM_DICT_OR_DEREF", "LOAD_FAST_BORROW"})

F = t.TypeVar("F", bound=t.Callable[..., t.Any])


@dataclass(frozen=True)
class ActionOptions:
    """What :func:`server_action` was told about one action."""

    #: A WTForms form class to build and validate from the submission.
    form: type[Form] | None = None
    #: Whether a rendered form may submit this action only once.
    once: bool = False
    #: A check called with the :class:`~flask_server_actions.ActionCall`
    #: before the action runs, like the hooks of
    #: :meth:`~flask_server_actions.ServerActions.before_action`.
    require: t.Callable[..., t.Any] | None = None
    #: How often the action may be posted, such as ``"5/minute"``.
    limit: str | None = None
    #: How often the action may be validated live (validate requests are
    #: counted apart from posts), such as ``"60/minute"``.
    validate_limit: str | None = None
    #: What posts are counted by for :attr:`limit`: ``"address"``,
    #: ``"user"`` or a function of the :class:`~flask_server_actions.ActionCall`.
    key: str | t.Callable[..., t.Any] | None = None
    #: Called with the form (bound to the submission) before it is
    #: validated, to set it up as the view does at render (choices).
    setup: t.Callable[[t.Any], t.Any] | None = None
    #: ``"page"``: a request of the page that shows it, under its guards;
    #: ``"app"``: for every page, posted to the extension's URL.
    scope: t.Literal["page", "app"] = "page"


def is_mark(doc: str | None) -> bool:
    """Whether a docstring marks its function or module as server-side."""
    if not doc:
        return False
    return doc.strip().split("\n", 1)[0].strip().rstrip(".") == MARK


def code_docstring(code: types.CodeType) -> str | None:
    """The docstring stored in a function's code object, if any."""
    consts = code.co_consts
    if sys.version_info >= (3, 14):  # pragma: no cover - flag added in 3.14
        has_doc = bool(code.co_flags & _CO_HAS_DOCSTRING)
    else:  # up to 3.13 the first constant is the docstring or None
        has_doc = bool(consts) and isinstance(consts[0], str)
    return consts[0] if has_doc else None


def decorated_in(parent: types.CodeType, code: types.CodeType) -> bool:
    """Whether ``parent`` applies ``@server_action`` to the function ``code``.

    The decorator is evaluated just before the nested code object is loaded,
    within the same statement: scan back from that load to the previous
    store, looking for a load of the name ``server_action``.
    """
    instructions = list(dis.get_instructions(parent))
    for index, instruction in enumerate(instructions):
        if instruction.opname == "LOAD_CONST" and instruction.argval is code:
            for earlier in reversed(instructions[:index]):
                if earlier.opname.startswith("STORE_") or earlier.opname == "POP_TOP":
                    break
                if earlier.opname in _NAME_LOADS and earlier.argval == _DECORATOR_NAME:
                    return True
    return False


def options_of(fn: object) -> ActionOptions | None:
    """The options :func:`server_action` attached to ``fn``, or ``None``."""
    return t.cast("ActionOptions | None", getattr(fn, "__server_action__", None))


@t.overload
def server_action(fn: F, /) -> F: ...


@t.overload
def server_action(*, form: type[Form] | None = None, once: bool = False,
                  require: t.Callable[..., t.Any] | None = None, limit: str | None = None,
                  key: str | t.Callable[..., t.Any] | None = None,
                  setup: t.Callable[[t.Any], t.Any] | None = None,
                  scope: t.Literal["page", "app"] = "page",
                  validate_limit: str | None = None) -> t.Callable[[F], F]: ...


def server_action(fn: F | None = None, /, *, form: type[Form] | None = None,
                  once: bool = False, require: t.Callable[..., t.Any] | None = None,
                  limit: str | None = None,
                  key: str | t.Callable[..., t.Any] | None = None,
                  setup: t.Callable[[t.Any], t.Any] | None = None,
                  scope: t.Literal["page", "app"] = "page",
                  validate_limit: str | None = None) -> F | t.Callable[[F], F]:
    """Mark a function as a server action.

    Works on module-level functions and on functions defined inside a view,
    and is the way to mark actions under ``python -OO``, which strips the
    ``"use server"`` docstring::

        @server_action
        def create_user(form):
            db.add_user(form["name"])

    :param form: a WTForms form class; the action then receives the
        validated form instead of the raw form data.
    :param once: let each rendered form submit the action only once; a
        second submission of the same form (double click, back button,
        replay) shows the page again with a notice instead of running it.
    :param require: a check run before the action, for example
        ``require=must_be_admin``. It is called with the
        :class:`~flask_server_actions.ActionCall`; it may abort (401, 403),
        return a response to send instead, return ``False`` (403) or return
        ``None``/``True`` to let the action run. For an action defined inside
        a view it must be importable (a module-level function), because a
        token names it by ``module:qualname``.
    :param limit: how often the action may be posted, per ``key``:
        ``"5/minute"`` (per second, minute, hour or day) or ``"10/30"`` (per
        30 seconds). The post past it shows the page again with the input
        and a "try again in N seconds" notice, 429 (see
        :mod:`flask_server_actions.limits`). Validate requests (live
        validation) never count toward it.
    :param validate_limit: how often the action may be validated live, per
        ``key``, written as ``limit``: validate requests have their own
        budget, ``SERVER_ACTIONS_VALIDATE_LIMIT`` (``"60/minute"``) for an
        action with ``limit`` unless given here; the one past it gets 429 in
        JSON.
    :param key: what posts are counted by for ``limit``: ``"address"`` (the
        default: the client's address), ``"user"`` (Flask-Login's logged-in
        user, else the address) or a function taking the
        :class:`~flask_server_actions.ActionCall` and returning a value
        (importable, as for ``require``).

    :param setup: a function called with the ``form`` instance, bound to
        the submission, before it is validated: it sets the form up as the
        view does at render, for example a ``SelectField``'s ``choices``
        (see :ref:`form-setup`). Like ``require``, a module-level function.

    :param scope: ``"page"`` (the default): the form posts to the page
        that shows it, and the action runs as a request of that page,
        behind its hooks and its view's decorators. ``"app"``: an action
        for every page (sign out, switch language), whose form posts to
        ``url_for("server_actions.run")``; it runs behind the app's own
        ``before_request`` hooks, the ``before_action`` checks and its own
        ``require=``, never a page's, and goes back to the page it was on
        (see :ref:`app-actions`). Only a module-level function may be one.

    .. versionchanged:: 0.3.0
        The ``limit``, ``validate_limit``, ``key``, ``setup`` and ``scope``
        parameters.
    """
    for option, given in (("limit", limit), ("validate_limit", validate_limit)):
        if given is not None:
            parse_limit(given, f"server_action({option}=...)")
    check_key(key)
    if form is not None and not (isinstance(form, type) and issubclass(form, Form)):
        raise TypeError(f"server_action(form=...) takes a WTForms form class, not {form!r}.")
    if setup is not None and not callable(setup):
        raise TypeError(f"server_action(setup=...) takes a function, not {setup!r}.")
    if setup is not None and form is None:
        raise TypeError("server_action(setup=...) sets up the form given with form=...:"
                        " write @server_action(form=TheForm, setup=...).")
    if scope not in ("page", "app"):
        raise ValueError(f"server_action(scope=...) is \"page\" or \"app\", not {scope!r}.")
    options = ActionOptions(form=form, once=once, require=require, limit=limit, key=key,
                            setup=setup, scope=scope, validate_limit=validate_limit)

    def mark(target: F) -> F:
        target.__server_action__ = options  # type: ignore[attr-defined]
        return target

    return mark(fn) if fn is not None else mark


def is_marked_function(fn: types.FunctionType, module: types.ModuleType | None) -> bool:
    """Whether a module-level (or class-level) function is an action."""
    if options_of(fn) is not None or is_mark(fn.__doc__):
        return True
    return (module is not None and is_mark(module.__doc__)
            and fn.__module__ == module.__name__ and not fn.__name__.startswith("_"))


def is_marked_code(code: types.CodeType, parent: types.CodeType) -> bool:
    """Whether a function defined inside ``parent`` is an action."""
    return is_mark(code_docstring(code)) or decorated_in(parent, code)


def nested_actions(code: types.CodeType, qualname: str) -> t.Iterator[tuple[str, types.CodeType]]:
    """Every action defined (at any depth) inside the function or class body
    ``code`` whose qualified name is ``qualname``, with its qualified name.

    The name is rebuilt from the nesting (``co_qualname`` is 3.11+): a
    function's children are its ``<locals>``, a class body's are attributes.
    """
    separator = ".<locals>." if code.co_flags & inspect.CO_NEWLOCALS else "."
    for const in code.co_consts:
        if isinstance(const, types.CodeType):
            inner = f"{qualname}{separator}{const.co_name}"
            if is_marked_code(const, code):
                yield inner, const
            yield from nested_actions(const, inner)


def unmarked_message(name: str, ref: str) -> str:
    """Explain how to mark the function ``name``."""
    hint = (
        "Docstrings are stripped under `python -OO`, so the \"use server\" docstring"
        " cannot work here: decorate it with @server_action instead."
        if DOCSTRINGS_STRIPPED else
        "Mark it with a \"use server\" docstring as its first line, decorate it with"
        " @server_action, or define it in a module whose docstring is \"use server\".")
    return f"{name!r} ({ref}) is not a server action. {hint}"
