"""Turning a server action and its bound arguments into a token."""

from __future__ import annotations

import contextlib
import functools
import sys
import time
import types
import typing as t

from flask import request
from flask.globals import _cv_app
from flask.globals import _cv_request
from jinja2 import Undefined

from ..closures import NO_FORM_OPTION
from ..closures import CaptureError
from ..closures import ResolveError
from ..closures import captured
from ..closures import encode_values
from ..closures import reference
from ..closures import resolve
from ..errors import ActionDefinedInLoop
from ..errors import TokenTooLarge
from ..errors import UnmarkedFunction
from ..errors import UnresolvableAction
from ..errors import UnserializableValue
from ..forms import OPTION as FORM_OPTION
from ..forms import SETUP_OPTION
from ..forms import form_class_of
from ..forms import form_ref
from ..forms import setup_ref
from ..marking import is_marked_function
from ..marking import options_of
from ..marking import unmarked_message
from ..post.app_actions import SCOPE_OPTION
from ..post.app_actions import page_without_route
from ..post.app_actions import seal as seal_app_action
from ..post.app_actions import token_options as app_token_options
from ..post.app_actions import without_page_error
from ..post.guards import token_options
from ..post.settings import PostSettings
from ..post.settings import settings_for
from ..post.view_guards import check_view
from ..token.envelope import ROW_SEPARATOR
from ..token.envelope import NoncePool
from ..token.envelope import RequestIdentity
from ..token.envelope import RowSealer
from ..token.envelope import binding_tag
from ..token.envelope import request_identity
from ..token.envelope import row_context
from ..token.envelope import seal_body
from ..token.serialization import compact_json

if t.TYPE_CHECKING:
    from flask import Request
    from werkzeug.wrappers import Response as BaseResponse

    from ..closures import ActionTarget

_G_MINTED = "_server_actions_minted"
_BIG = 10**18  # integers this small are their own JSON, within 20 bytes
_REQUEST_PAGE = "_server_actions_page"
_IDENTITY = "_server_actions_identity"
#: The longest row part of one integer row id: ``-`` and 18 digits padded
#: to 20 bytes, after a counter of 3 bytes and before a tag of 16, in base64url.
_LONGEST_ID_ROW = 52
_OUTSIDE = ("Working outside of request context: a token is minted for the page"
            " of a request.")


def page_of_request(req: Request | None = None) -> str:
    """Script root, path and query of ``req`` (by default the current
    request), as a form would post to it (a mounted app's prefix included)."""
    if req is None:
        req = request._get_current_object()  # type: ignore[attr-defined]
    path = req.script_root + req.path
    query = req.query_string.decode("latin-1")
    return f"{path}?{query}" if query else path


def identity_of_request(req: Request) -> RequestIdentity:
    """What a token minted for ``req`` binds of it (see
    :func:`~.tokens.request_identity`): host, script root, path, query and
    the matched rule and endpoint. An action post is routed to its page's
    rule, so it has the identity of the page's request.

    Worked out once per request (kept on the request object): a post and
    the page it shows again bind the same one.
    """
    found: RequestIdentity | None = req.__dict__.get(_IDENTITY)
    if found is None:
        rule = req.url_rule
        found = req.__dict__[_IDENTITY] = request_identity(
            req.host, req.script_root, req.path, req.query_string,
            rule.rule if rule is not None else "",
            str(rule.endpoint or "") if rule is not None else "")
    return found


#: How a token writes the name of an action defined in its page's view
#: (``~update_post``); one in the view's module is its qualified name alone
#: (``delete_post``), and any other has its module (``blog.actions:publish``).
_IN_VIEW = "~"
_LOCALS = ".<locals>."
#: How a token writes ``.<locals>.`` in a name (no name has a slash).
_LOCALS_SHORT = "/"


def _view_names(view: t.Callable[..., t.Any] | None) -> tuple[str, str]:
    """The prefixes of the references a token may shorten for ``view``: its
    function's ``module:qualname.<locals>.`` and ``module:``; empty for a
    view that is no function (a class-based view's actions keep their
    whole name)."""
    # Asked by every post: worked out once per view (views are the app's
    # code, so this stays as small as the app).
    try:
        return _names_of_view[view]
    except (KeyError, TypeError):  # TypeError: a view that cannot be a key
        pass
    names = _work_out_view_names(view)
    with contextlib.suppress(TypeError):
        _names_of_view[view] = names
    return names


_names_of_view: dict[t.Callable[..., t.Any] | None, tuple[str, str]] = {}


def _work_out_view_names(view: t.Callable[..., t.Any] | None) -> tuple[str, str]:
    while (inner := getattr(view, "__wrapped__", None)) is not None:
        view = inner
    if not isinstance(view, types.FunctionType):
        return "", ""
    module = f"{view.__module__}:"
    return f"{module}{view.__qualname__}{_LOCALS}", module


def short_ref(ref: str, view: t.Callable[..., t.Any] | None) -> str:
    """``ref`` as a token of ``view``'s page writes it: relative to the view
    when the action is defined in it or in its module.

    The request binding seals the view (its endpoint), so a post is routed
    to the same view that shortened the name, and :func:`full_ref` reads it
    back as it was."""
    local, module = _view_names(view)
    if local and ref.startswith(local):
        ref = _IN_VIEW + ref[len(local):]
    elif module and ref.startswith(module):
        ref = ref[len(module):]
    return ref.replace(_LOCALS, _LOCALS_SHORT)


def full_ref(ref: str, view: t.Callable[..., t.Any] | None) -> str:
    """The whole ``module:qualname`` of a reference a token of ``view``'s
    page wrote (see :func:`short_ref`)."""
    ref = ref.replace(_LOCALS_SHORT, _LOCALS)
    if ":" in ref:
        return ref
    local, module = _view_names(view)
    if ref.startswith(_IN_VIEW):
        ref, prefix = ref[1:], local
    else:
        prefix = module
    # A view that is no function cannot have shortened it: no action has
    # such a name, and resolving it fails as for any unknown action.
    return prefix + ref if prefix else ref


# Actions already checked, by code object: a page with a delete button per
# row mints the same action many times, and every render of it again.
_checked: dict[types.CodeType, ActionTarget] = {}


def _check(fn: object) -> ActionTarget:
    code = getattr(fn, "__code__", None)
    target = _checked.get(code) if isinstance(code, types.CodeType) else None
    # Valid while its module is the one imported (resolve() checks the same).
    if target is not None and sys.modules.get(target.module.__name__) is target.module:
        return target
    if isinstance(fn, Undefined):  # a typo, or a name not passed to the template
        name = fn._undefined_name
        raise UnmarkedFunction(
            f"The action given to the template is undefined: {name!r} is undefined."
            f" Pass it to the template: render_template(..., {name}={name}).")
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


def _options(fn: types.FunctionType, target: ActionTarget, bound: int) -> dict[str, t.Any]:
    """The options a token of ``fn`` with ``bound`` bound arguments carries."""
    options: dict[str, t.Any] = {}
    # A worker that never ran the view cannot see an inline action's form class;
    # for any action, the name lets a page refill the form after a redeploy.
    form_class = form_class_of(fn, bound)
    if form_class is not None:
        options[FORM_OPTION] = form_ref(form_class, target.ref)
        if target.function is None and (setup := setup_ref(fn, target.ref)) is not None:
            options[SETUP_OPTION] = setup
    if not target.takes_form(bound):
        options[NO_FORM_OPTION] = 1  # so a redeploy that adds a form parameter is seen
    if target.function is None:
        live = options_of(fn)
        if live is not None:
            options.update(token_options(live, target.ref))
    options.update(app_token_options(fn, target))
    return options


# Options of module-level actions, alone and in JSON, by function and
# number of bound arguments: bounded by the app's code, never by requests.
_module_options: dict[tuple[types.FunctionType, int], tuple[dict[str, t.Any], str]] = {}


@functools.lru_cache(maxsize=1024)  # bounded by the app's actions and views
def _ref_json(ref: str, view: t.Callable[..., t.Any] | None) -> str:
    """The JSON of ``ref`` as a token of ``view``'s page writes it."""
    return compact_json(short_ref(ref, view))


class _Shape(t.NamedTuple):
    """What every token of one action with one number of bound arguments
    shares within a request: its name as the token writes it, in JSON, and
    its options (alone and in JSON)."""

    target: ActionTarget
    ref: str
    options: dict[str, t.Any]
    options_json: str


def envelope_body(ref: str, bound: int, captures: str, options: str) -> str:
    """The JSON of an envelope (as :func:`~.tokens.token_body` writes it)
    from its parts in JSON: the reference, the captured values (an object)
    and the options; ``bound`` is the number of bound arguments."""
    if options != "{}":
        return f"[{ref},{bound},{captures},{options}]"
    if captures != "{}":
        return f"[{ref},{bound},{captures}]"
    if bound:
        return f"[{ref},{bound}]"
    return f"[{ref}]"


class _Request:
    """What every token minted while rendering one request shares, worked
    out at its first token: a page of rows pays it once."""

    __slots__ = ("settings", "bindings", "keys", "budget", "max_depth", "max_size", "nonces",
                 "view", "view_body", "shapes", "defined", "last_checked", "envelopes",
                 "serializer", "pageless", "rows")

    def __init__(self, settings: PostSettings, req: Request) -> None:
        app = settings.app
        self.settings = settings
        self.keys = settings.keys
        #: The session's binding tag and this request's, sealed in every token.
        self.bindings = (binding_tag(settings.binding(_cv_request.get().session))
                         + self.keys.request_tag(identity_of_request(req)))
        config = app.config
        self.budget: int = config["SERVER_ACTIONS_MAX_CAPTURE_BYTES"]
        self.max_depth: int = config["SERVER_ACTIONS_MAX_DEPTH"]
        self.max_size: int = config["SERVER_ACTIONS_MAX_TOKEN_SIZE"]
        self.nonces = NoncePool()
        #: The app's serializer (looked up once: a property of the extension).
        self.serializer = settings.serializer
        # A page without a route (an error page) has no view to guard its actions.
        rule = req.url_rule
        self.view = None if rule is None else app.view_functions[rule.endpoint]
        #: Why this page cannot run page actions (no GET route), if it cannot.
        self.pageless = page_without_route(req)
        self.view_body = settings.view_body
        self.shapes: dict[tuple[types.CodeType, int], _Shape] = {}
        #: Inline actions minted so far, by code and closure cells.
        self.defined: dict[tuple[object, ...], types.FunctionType] = {}
        self.last_checked: types.FunctionType | None = None
        #: Envelopes sealed so far, by shape, captured values and extra
        #: options: every row of one action shares one, with its row sealer.
        self.envelopes: dict[tuple[object, ...], tuple[str, RowSealer | None]] = {}
        #: The envelopes of module-level actions with one bound argument
        #: and no extra options, by function: a row with an integer id
        #: needs nothing more (see :func:`mint`).
        self.rows: dict[types.FunctionType, _Rows] = {}

    def shape(self, target: ActionTarget, fn: t.Callable[..., t.Any], bound: int) -> _Shape:
        """The shape of ``fn``'s tokens with ``bound`` bound arguments."""
        assert isinstance(fn, types.FunctionType)  # _check() made sure
        # A module-level action's options never change: worked out once per process.
        found = _module_options.get((fn, bound)) if target.function is not None else None
        if found is None:
            options = _options(fn, target, bound)
            found = options, compact_json(options)
            if target.function is not None:
                _module_options[fn, bound] = found
        options, options_json = found
        if SCOPE_OPTION not in options:  # a page action: its page must run and guard it
            if self.pageless is not None:
                raise without_page_error(fn.__name__, target.ref, self.pageless)
            assert self.view is not None
            check_view(self.view, self.view_body, fn)
            ref = _ref_json(target.ref, self.view)
        else:  # opened under the extension's URL: written out whole
            ref = _ref_json(target.ref, None)
        shape = _Shape(target, ref, options, options_json)
        if target.code is fn.__code__:  # not a wrapper, whose code other actions share
            self.shapes[fn.__code__, bound] = shape
        return shape

    def check_not_late_bound(self, fn: types.FunctionType, target: ActionTarget) -> None:
        """Refuse a second function of the same ``def`` over the same cells:
        the ``def`` ran again in one call of its view (a loop), and every
        copy sees the cells' last values."""
        closure = fn.__closure__
        assert closure is not None
        key = (fn.__code__, *map(id, closure))
        first = self.defined.setdefault(key, fn)
        self.last_checked = fn  # the same function again (a form per row) needs no check
        # Defaults compared by identity: a default that binds the row
        # (row=row) differs per row, and no user __eq__ runs.
        if (first is not fn and _same(first.__defaults__, fn.__defaults__)
                and _same(first.__kwdefaults__, fn.__kwdefaults__)):
            names = ", ".join(fn.__code__.co_freevars)
            raise ActionDefinedInLoop(
                f"The action {fn.__name__!r} ({target.ref}) is defined again and again in"
                f" one call of its view (inside a loop), and every copy captures the same"
                f" variables ({names}): Python binds them late, so every row's form would"
                f" act on the last row. Define the action once, before the loop, with the"
                f" row as a parameter, and bind each row in the template:"
                f" {{{{ action({fn.__name__}, row.id) }}}}.", target.ref)


class _Rows:
    """A page's row tokens of one module-level action with one bound
    argument: its envelope and a dot, and the envelope's row sealer."""

    __slots__ = ("prefix", "seal", "seal_text", "module_name", "module")

    def __init__(self, prefix: str, sealer: RowSealer, target: ActionTarget) -> None:
        self.prefix = prefix
        self.seal = sealer.seal_int
        self.seal_text = sealer.seal
        #: The action's module, which must still be the one imported.
        self.module_name, self.module = target.module.__name__, target.module


def _same(first: t.Any, second: t.Any) -> bool:
    """Whether the defaults (a tuple, a dict of keyword defaults or ``None``)
    of two functions of one code object hold the very same objects."""
    # One code object: as many defaults, the same keyword names.
    if isinstance(first, dict):
        return all(value is second[name] for name, value in first.items())
    return first is second or all(a is b for a, b in zip(first, second, strict=True))


@functools.lru_cache(maxsize=64)
def _argument_names(count: int) -> tuple[str, ...]:
    return tuple(f"bound argument {index + 1}" for index in range(count))


def _start(req: Request) -> _Request:
    """The first token of a request: what its tokens share."""
    # Flask's context variable, not the proxies: once per page.
    app_ctx = _cv_app.get()
    # Kept on the request object itself: g may outlive one request.
    state = req.__dict__[_REQUEST_PAGE] = _Request(settings_for(app_ctx.app), req)
    app_ctx.g.__dict__[_G_MINTED] = True
    return state


def mint(fn: t.Callable[..., t.Any], args: t.Sequence[object],
         extra: t.Mapping[str, t.Any] | None = None) -> str:
    """Make the token that lets the current page's form call ``fn(*args, form)``.

    :param extra: options sealed into the token with the action's own, such
        as the fragment an htmx request is answered with.
    """
    # The hot path of a page of rows: what the rows share is looked up, not
    # worked out again (see "Minting many tokens" in docs/design.rst).
    ctx = _cv_request.get(None)
    if ctx is None:
        raise RuntimeError(_OUTSIDE)
    req = ctx.request
    state = req.__dict__.get(_REQUEST_PAGE) or _start(req)
    bound = len(args)
    # The usual row: a module-level action bound to an integer id, or to a
    # row of a registered type (a SQLAlchemy row) written the short way.
    if bound == 1 and extra is None and type(fn) is types.FunctionType:
        rows = state.rows.get(fn)
        if rows is not None and sys.modules.get(rows.module_name) is rows.module:
            value = args[0]
            if type(value) is int and -_BIG < value < _BIG:
                part = rows.seal(value)
                if part is not None:  # else the envelope is full: a new one
                    return rows.prefix + part
            else:
                state.serializer.max_depth = state.max_depth
                written = state.serializer.write_flat(args, state.budget)
                part = None if written is None else rows.seal_text(written)
                # Else the general way, which says what is wrong, or seals a
                # new envelope once this one is full.
                if part is not None and len(text := rows.prefix + part) <= state.max_size:
                    return text
    shape = (state.shapes.get((fn.__code__, bound))
             if type(fn) is types.FunctionType else None)
    # Valid while its module is the one imported (resolve() checks the same).
    if shape is None or sys.modules.get(shape.target.module.__name__) is not shape.target.module:
        shape = state.shape(_check(fn), fn, bound)
    target = shape.target
    assert isinstance(fn, types.FunctionType)
    try:
        # max_depth is set on each mint: it may differ between the apps one
        # extension serves, and change after an app's first request.
        if target.function is None:
            names, values = captured(fn)
            if fn.__closure__ and fn is not state.last_checked:
                state.check_not_late_bound(fn, target)
            state.serializer.max_depth = state.max_depth
            encoded = encode_values(state.serializer, names, values, state.budget)
            middle = compact_json(dict(zip(names, encoded, strict=True)))
        else:
            middle = "{}"  # a module-level action captures nothing
        if not args:
            row = ""
        elif all(type(value) is int and -_BIG < value < _BIG for value in args) and (
                20 * bound <= state.budget):
            row = compact_json(args)[1:-1]  # row ids, the usual bound arguments, as they are
        else:
            state.serializer.max_depth = state.max_depth
            # Rows bound as they are (SQLAlchemy rows, registered types)
            # written the short way; anything else the general way.
            written = state.serializer.write_flat(args, state.budget)
            row = compact_json(encode_values(
                state.serializer, _argument_names(bound), args, state.budget,
            ))[1:-1] if written is None else written
    except CaptureError as error:
        if isinstance(error.value, Undefined):  # {{ action(act, typo) }}
            name = error.value._undefined_name
            raise UnserializableValue(
                f"The {error.name} of the action {fn.__name__!r} ({target.ref}) is"
                f" undefined in the template: {name!r} is undefined. Pass it to the"
                f" template: render_template(..., {name}={name}).",
                target.ref, error.name, type(error.value)) from None
        kind = "argument bound to" if error.name.startswith("bound") else "variable captured by"
        raise UnserializableValue(
            f"The {kind} the action {fn.__name__!r} ({target.ref}), {error.name!r}, cannot"
            f" travel in its token: {error.reason}. Capture plain values instead (an id,"
            " not a database row or connection), load the rest inside the action, or"
            " register the type with ServerActions.register_type().",
            target.ref, error.name, type(error.value)) from None
    bindings = state.bindings
    if SCOPE_OPTION in shape.options:  # bound to the app URL, and the page to go back to
        bindings, extra = seal_app_action(state.settings, req, page_of_request(), extra)
    options = compact_json({**shape.options, **extra}) if extra else shape.options_json
    # Every row of one action on a page shares its envelope, byte for byte:
    # only the row part is the row's own.
    key = (shape.ref, middle, bound, options, bindings)
    sealed = state.envelopes.get(key)
    fresh = sealed is None
    if sealed is None:
        sealed = _seal_envelope(state, key)
    if not args:
        text = sealed[0]
    else:
        sealer = sealed[1]
        assert sealer is not None  # the envelope of bound arguments has one
        part = sealer.seal(row)
        if part is None:  # the envelope is full: a new one
            sealed, fresh = _seal_envelope(state, key), True
            sealer = sealed[1]
            assert sealer is not None
            part = sealer.seal(row)
            assert part is not None  # a new envelope's first row
        if (fresh and bound == 1 and not extra and target.function is not None
                and target.code is fn.__code__ and bindings is state.bindings
                and 20 <= state.budget  # an integer id goes as it is
                and len(sealed[0]) + 1 + _LONGEST_ID_ROW <= state.max_size):
            # Its next rows with an integer id take mint()'s first branch.
            state.rows[fn] = _Rows(sealed[0] + ROW_SEPARATOR, sealer, target)
        text = f"{sealed[0]}{ROW_SEPARATOR}{part}"
    if len(text) > state.max_size:
        raise _too_large(fn, target, state, len(text), middle + row)
    return text


def _seal_envelope(state: _Request, key: tuple[t.Any, ...]) -> tuple[str, RowSealer | None]:
    """Seal the envelope of ``key`` (a reference, captures, the number of
    bound arguments, options and bindings, in JSON) for the tokens of this
    request, with the sealer of its row parts if it binds arguments."""
    ref, middle, bound, options, bindings = key
    now, nonce = int(time.time()), state.nonces.take()
    sealed = state.envelopes[key] = (
        seal_body(envelope_body(ref, bound, middle, options), state.keys, bindings, now, nonce),
        RowSealer(state.keys.current_rows, row_context(state.keys, now, nonce))
        if bound else None)
    return sealed


def _too_large(fn: types.FunctionType, target: ActionTarget, state: _Request, size: int,
               middle: str) -> TokenTooLarge:
    # Only the app's code and the values it captures reach this size: the
    # request (its URL, however long) is bound by a digest of fixed size.
    values = len(middle.encode("utf-8"))
    return TokenTooLarge(
        f"The token of the action {fn.__name__!r} ({target.ref}) would take {size} bytes,"
        f" over SERVER_ACTIONS_MAX_TOKEN_SIZE ({state.max_size}), so its form could never"
        f" be posted. The captured values and bound arguments take {values} bytes of it:"
        f" pass an id and load the rest inside the action; or raise"
        f" SERVER_ACTIONS_MAX_TOKEN_SIZE.", target.ref, "", None)


def minted_tokens() -> bool:
    """Whether this request minted any token (its response must stay private)."""
    # g's own dictionary, through Flask's context variable: asked of every response.
    return bool(_cv_app.get().g.__dict__.get(_G_MINTED, False))


#: Headers some CDNs obey instead of ``Cache-Control``.
_CDN_CACHE_HEADERS = ("Surrogate-Control", "CDN-Cache-Control", "Cloudflare-CDN-Cache-Control")
_CACHE_HEADERS = frozenset({"cache-control", "vary", *map(str.lower, _CDN_CACHE_HEADERS)})


def keep_private(response: BaseResponse) -> None:
    """Keep a page with tokens out of shared caches: it is for one browser only."""
    headers = response.headers
    if not any(name.lower() in _CACHE_HEADERS for name, _ in headers):
        # The usual page sets none of them: write both without parsing.
        headers["Cache-Control"] = "private"
        headers["Vary"] = "Cookie"
        return
    # One parse of the header, and a write only for what must change
    # (each write serializes the header again).
    cache_control = response.cache_control
    if cache_control.public:
        cache_control.public = False
    if not cache_control.private:
        cache_control.private = True
    if cache_control.s_maxage is not None:
        cache_control.s_maxage = None
    if "cookie" not in response.vary:
        response.vary.add("Cookie")
    for header in _CDN_CACHE_HEADERS:
        if header in headers:
            del headers[header]
