"""Turning a server action and its bound arguments into a token."""

from __future__ import annotations

import sys
import time
import types
import typing as t

from flask import current_app
from flask import g
from flask import request

from .closures import NO_FORM_OPTION
from .closures import CaptureError
from .closures import ResolveError
from .closures import captured
from .closures import encode_values
from .closures import reference
from .closures import resolve
from .errors import UnmarkedFunction
from .errors import UnresolvableAction
from .errors import UnserializableValue
from .forms import OPTION as FORM_OPTION
from .forms import form_class_of
from .forms import form_ref
from .guards import token_options
from .marking import is_marked_function
from .marking import options_of
from .marking import unmarked_message
from .tokens import ActionToken
from .tokens import KeyRing
from .tokens import binding_tag
from .tokens import seal

if t.TYPE_CHECKING:
    from .closures import ActionTarget
    from .extension import ServerActions

_G_MINTED = "_server_actions_minted"
_REQUEST_PAGE = "_server_actions_page"


def page_of_request() -> str:
    """Script root, path and query of the current request, as a form would
    post to it (a mounted app's prefix included)."""
    req = request._get_current_object()  # type: ignore[attr-defined]
    path = req.script_root + req.path
    query = req.query_string.decode("latin-1")
    return f"{path}?{query}" if query else path


# Actions already checked, by code object: a page with a delete button per
# row mints the same action many times, and every render of it again.
_checked: dict[types.CodeType, ActionTarget] = {}


def _check(fn: object) -> ActionTarget:
    code = getattr(fn, "__code__", None)
    target = _checked.get(code) if isinstance(code, types.CodeType) else None
    # Valid while its module is the one imported (resolve() checks the same).
    if target is not None and sys.modules.get(target.module.__name__) is target.module:
        return target
    if not isinstance(fn, types.FunctionType):
        raise UnmarkedFunction(
            f"{fn!r} is not a function. Pass the action itself, e.g."
            " {{ action(update_post) }}, and bind arguments after it.")
    ref = reference(fn)
    if fn.__name__ == "<lambda>":
        # Every lambda of a view has the same name, so adding an unrelated one
        # (a sort key) would orphan its tokens: refuse it while developing.
        raise UnresolvableAction(
            f"A lambda ({ref}) cannot be a server action: a token names its action, and"
            " lambdas have no name. Define it with `def` and a name of its own.")
    module = sys.modules.get(fn.__module__)
    if not is_marked_function(fn, module):
        raise UnmarkedFunction(unmarked_message(fn.__name__, ref))
    try:
        target = resolve(ref)
    except ResolveError as error:
        raise UnresolvableAction(
            f"The action {fn.__name__!r} cannot be found again from its name {ref}: {error}."
            " A token names its action by module and qualified name, so define actions"
            " with `def` (not lambda) directly in a view or module, each with its own"
            " name, mark inline ones with a \"use server\" docstring or with"
            " @server_action written directly above `def` (by that name, not an alias),"
            " and wrap views only with"
            " decorators that use functools.wraps.") from None
    # A module-level action may be wrapped (functools.wraps): the token then
    # calls the same wrapper the module holds.
    if target.code is not fn.__code__ and target.function is not fn:
        if target.function is None:
            raise UnresolvableAction(
                f"The action {fn.__name__!r} ({ref}) is wrapped by another decorator than"
                " @server_action. An action defined in a view is rebuilt from its code"
                " when the form is posted, without any wrapper: do the wrapper's work"
                " inside the action, or pass a check with @server_action(require=...).")
        raise UnresolvableAction(
            f"The name {ref} leads to another function than the {fn.__name__!r} given;"
            " was it redefined after the module was imported?")
    # Wrapped module-level actions share their wrapper's code: never cached.
    if target.code is fn.__code__:
        _checked[fn.__code__] = target
    return target


class _Page(t.NamedTuple):
    """What every token minted while rendering one request shares."""

    page: str
    binding: bytes
    keys: KeyRing
    budget: int
    max_depth: int


def _page(ext: ServerActions) -> _Page:
    # Kept on the request object itself: g may outlive one request.
    req = request._get_current_object()  # type: ignore[attr-defined]
    found = req.__dict__.get(_REQUEST_PAGE)
    if found is None:
        app = current_app._get_current_object()  # type: ignore[attr-defined]
        keys = ext.keys(app)  # first: without SECRET_KEY, its error is the clear one
        found = _Page(page_of_request(), binding_tag(ext.binding()), keys,
                      app.config["SERVER_ACTIONS_MAX_CAPTURE_BYTES"],
                      app.config["SERVER_ACTIONS_MAX_DEPTH"])
        req.__dict__[_REQUEST_PAGE] = found
        setattr(g, _G_MINTED, True)
    return t.cast(_Page, found)


def mint(ext: ServerActions, fn: t.Callable[..., t.Any], args: t.Sequence[object],
         extra: t.Mapping[str, t.Any] | None = None) -> str:
    """Make the token that lets the current page's form call ``fn(*args, form)``.

    :param extra: options sealed into the token with the action's own, such
        as the fragment an htmx request is answered with.
    """
    target = _check(fn)
    assert isinstance(fn, types.FunctionType)
    page = _page(ext)
    serializer = ext.serializer
    # Set on each mint: the setting may differ between the apps one
    # extension serves, and may change after the app's first request.
    serializer.max_depth = page.max_depth
    names, values = captured(fn, target)
    try:
        encoded = encode_values(serializer, names, values, page.budget)
        encoded_args = encode_values(
            serializer, [f"bound argument {index + 1}" for index in range(len(args))],
            args, page.budget) if args else []
    except CaptureError as error:
        kind = "argument bound to" if error.name.startswith("bound") else "variable captured by"
        raise UnserializableValue(
            f"The {kind} the action {fn.__name__!r} ({target.ref}), {error.name!r}, cannot"
            f" travel in its token: {error.reason}. Capture plain values instead (an id,"
            " not a database row or connection), load the rest inside the action, or"
            " register the type with ServerActions.register_type().",
            target.ref, error.name, type(error.value)) from None
    options: dict[str, t.Any] = {}
    # A worker that never ran the view cannot see an inline action's form class;
    # for any action, the name lets a page refill the form after a redeploy.
    form_class = form_class_of(fn, len(args))
    if form_class is not None:
        options[FORM_OPTION] = form_ref(form_class, target.ref)
    if not target.takes_form(len(args)):
        options[NO_FORM_OPTION] = 1  # so a redeploy that adds a form parameter is seen
    if target.function is None:
        live = options_of(fn)
        if live is not None:
            options.update(token_options(live, target.ref))
    if extra:
        options.update(extra)
    token = ActionToken(target.ref, page.page, names, encoded, encoded_args, options)
    return seal(token, page.keys, page.binding, int(time.time()))


def minted_tokens() -> bool:
    """Whether this request minted any token (its response must stay private)."""
    return bool(g.get(_G_MINTED, False))
