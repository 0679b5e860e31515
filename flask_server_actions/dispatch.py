"""From an action post to a response.

The flow: check the origin; adopt the page's ``GET`` route when the view
does not accept ``POST``; open the token; resolve and rebuild the action;
call it with the form data; turn what it returned into a response (303 to the
page, a passed-through response, or the page rendered again with the state).
"""

from __future__ import annotations

import contextlib
import time
import typing as t
from urllib.parse import urlsplit

from flask import current_app
from flask import request
from flask import session
from flask.typing import ResponseReturnValue
from werkzeug.datastructures import CombinedMultiDict
from werkzeug.datastructures import ImmutableMultiDict
from werkzeug.exceptions import MethodNotAllowed
from werkzeug.exceptions import RequestEntityTooLarge
from werkzeug.utils import redirect
from werkzeug.wrappers import Response as BaseResponse

from . import calls
from . import fragments
from . import logs
from .closures import ResolveError
from .closures import check_call
from .closures import rebuild
from .closures import resolve
from .errors import ActionError
from .errors import ActionNotFound
from .errors import BadActionToken
from .errors import FormTooLarge
from .errors import MalformedActionPost
from .errors import StaleSubmission
from .errors import UnsafeRedirect
from .forms import INVALID_NOTICE
from .forms import OPTION as FORM_OPTION
from .forms import build_form
from .forms import form_class_for
from .forms import load_form_class
from .forms import show_error
from .fragments import Fragment
from .guards import guard
from .guards import throttle
from .htmx import client_location_of
from .htmx import htmx
from .htmx import redirect_for_htmx
from .origin import check_origin
from .origin import trusted_host
from .state import ActionState
from .state import set_state
from .tokens import binding_tag
from .tokens import open_token

if t.TYPE_CHECKING:
    from flask import Flask
    from flask import Request
    from werkzeug.routing import Rule
    from wtforms import Form

    from .extension import ServerActions
    from .tokens import ActionToken

#: The hidden field that carries a form's action token.
FIELD = "__action"
#: The name a ``<button>`` gives its own action token (React's ``formAction``).
BUTTON_FIELD = "__action_button"
_ACTION_FIELDS = frozenset({FIELD, BUTTON_FIELD})
_GET_ROUTES = "server_actions.get_routes"
_MAX_GET_ROUTES = 4096
_FORM_TYPES = frozenset({"application/x-www-form-urlencoded", "multipart/form-data"})
_DROPPED = dict.fromkeys(map(ord, "\t\r\n"))
_STRIPPED = "".join(map(chr, range(0x21)))
_ESCAPED = {code: f"%{code:02X}" for code in (*range(0x21), 0x5C, 0x7F)}
#: Multipart bodies up to this size are read whole before parsing (see
#: ``_small_multipart_body``).
_PEEK_SIZE = 64 * 1024


def is_action_post() -> bool:
    """Whether the current request submits a server action (a form, or a
    JSON call from client code).

    :raises FormTooLarge: the body is over one of Flask's size limits.
    :raises MalformedActionPost: a multipart body that names the action field
        could not be parsed (werkzeug would silently give an empty form).
    """
    if calls.is_json_call():
        return True
    if request.method != "POST" or request.mimetype not in _FORM_TYPES:
        return False
    body = _small_multipart_body()
    try:
        form = request.form
        files = request.files
    except RequestEntityTooLarge as error:
        limit = _exceeded_limit()
        logs.info("Refused a form post to %s over %s", request.path, limit)
        raise FormTooLarge(limit) from error
    if FIELD in form or BUTTON_FIELD in form:
        return True
    if body is not None and not form and not files and FIELD.encode() in body:
        raise MalformedActionPost()
    return False


def _small_multipart_body() -> bytes | None:
    """The raw body of a small multipart post, kept so that a body werkzeug
    cannot parse can still be recognised as an action post; the form is then
    parsed from this copy. Large bodies (uploads) are streamed, not kept."""
    # The type first: the length and the limit are properties that parse
    # a header and read the app's config.
    if request.mimetype != "multipart/form-data":
        return None
    length = request.content_length
    limit = request.max_content_length
    if length is None or length > _PEEK_SIZE or (limit is not None and length > limit):
        return None
    return request.get_data(cache=True)


def _exceeded_limit() -> str:
    limit = request.max_content_length
    if limit is not None and (request.content_length is None or request.content_length > limit):
        return "MAX_CONTENT_LENGTH"
    # werkzeug applies the other two limits to multipart bodies only.
    return "MAX_FORM_MEMORY_SIZE or MAX_FORM_PARTS"


def submitted_token() -> str:
    """The token of the submitted action: a JSON call's, else the clicked
    button's, else the form's."""
    if calls.is_json_call():
        return calls.call_token()
    form = request.form
    # Not form.get(): a missing key raises (and catches) BadRequestKeyError,
    # which costs more than the rest of opening the token.
    for name in (BUTTON_FIELD, FIELD):
        if name in form and form[name]:
            return form[name]
    return ""


def form_data() -> CombinedMultiDict[str, t.Any]:
    """The submitted fields (without the action fields) and files, together."""
    fields = ImmutableMultiDict([
        (key, value) for key, value in request.form.items(multi=True)
        if key not in _ACTION_FIELDS])
    return CombinedMultiDict([fields, request.files])


def adopt_get_route(app: Flask) -> ResponseReturnValue | None:
    """Route an action post to the page's view even if it only allows GET.

    Flask matched the ``POST`` against no rule, so it skipped the hooks of
    the view's blueprints; run them now, as a ``GET`` of the page would.
    """
    # One proxy lookup instead of a dozen: this runs for every action post.
    req: Request = request._get_current_object()  # type: ignore[attr-defined]
    error = req.routing_exception
    if error is None:
        return None
    if not isinstance(error, MethodNotAllowed):
        raise error
    # Matching again costs a new URL adapter and a walk of the URL map: keep
    # the GET match of each URL (the map is fixed once the app serves).
    routes = t.cast("dict[tuple[str, str, str], tuple[Rule, t.Mapping[str, t.Any]]]",
                    app.extensions.setdefault(_GET_ROUTES, {}))
    key = (req.host, req.root_path, req.path)
    found = routes.get(key)
    if found is None:
        adapter = app.create_url_adapter(req)
        assert adapter is not None
        try:
            found = adapter.match(method="GET", return_rule=True)
        except Exception:
            raise error from None
        if len(routes) >= _MAX_GET_ROUTES:
            routes.clear()
        routes[key] = found
    rule, view_args = found
    req.url_rule, req.view_args = rule, dict(view_args)
    req.routing_exception = None
    blueprints = req.blueprints
    for name in reversed(blueprints):
        for preprocess in app.url_value_preprocessors.get(name, ()):
            preprocess(req.endpoint, req.view_args)
    for name in reversed(blueprints):
        for before in app.before_request_funcs.get(name, ()):
            answer = app.ensure_sync(before)()
            if answer is not None:
                return t.cast(ResponseReturnValue, answer)
    return None


def rerender(app: Flask, state: ActionState, status: int) -> BaseResponse:
    """Call the page's view again, within this request, with ``state``.

    A JSON call gets the state as JSON instead; an htmx request the part of
    the page its token asked for, if any.
    """
    if calls.is_json_call():
        return calls.failure(state, status)
    state.active = True
    state.submitted = ImmutableMultiDict(form_data().items(multi=True))
    set_state(state)
    return render_page(app, status, fragments.requested())


def render_page(app: Flask, status: int, fragment: Fragment | None) -> BaseResponse:
    """Call the page's view; for an htmx request answer with ``fragment``."""
    assert request.url_rule is not None and request.url_rule.endpoint is not None
    view = app.view_functions[request.url_rule.endpoint]

    def call_view() -> t.Any:
        return app.ensure_sync(view)(**(request.view_args or {}))

    if fragment and htmx:
        response = fragments.render(app, fragment, call_view)
    else:
        response = app.make_response(call_view())
        if htmx and not htmx.boosted and htmx.request_type != "full":
            # The whole page, for a request that targets part of it (a token
            # that cannot be read cannot say which part): show it as a page.
            htmx.retarget(response, "body")
            htmx.reswap(response, "innerHTML")
    if response.status_code == 200:
        response.status_code = status
    return response


def _as_browser_reads(url: str) -> str:
    # Browsers drop tabs and newlines anywhere in a URL, strip control
    # characters and spaces around it, and read "\" as "/".
    return url.translate(_DROPPED).strip(_STRIPPED).replace("\\", "/")


def safe_location(location: str, allowed: t.Sequence[str]) -> bool:
    """Whether a redirect target stays on this site."""
    cleaned = _as_browser_reads(location)
    try:
        parts = urlsplit(cleaned)
    except ValueError:  # such as an unclosed "[" of an IPv6 host
        return False
    if not parts.netloc and not parts.scheme:
        return not cleaned.startswith("//")
    if parts.scheme not in ("http", "https"):
        return False
    return trusted_host(parts.netloc.rpartition("@")[2], request.host, allowed)


def page_url(page: str) -> str:
    """The token's page as a path on this site, however it was written.

    A page served at ``//evil.example/x`` (or ``/%09/evil.example``) must not
    become a redirect to another host: characters a browser would drop or
    read as a slash are percent-encoded, and leading slashes are collapsed.
    """
    return "/" + page.translate(_ESCAPED).lstrip("/")


def finish(app: Flask, result: object, page: str, state: ActionState) -> BaseResponse:
    """Turn what an action returned into the response.

    For an htmx request a redirect becomes ``HX-Redirect`` or
    ``HX-Location`` (see :func:`~.htmx.redirect_for_htmx`), and ``None``
    answers with the part of the page the token or the action asked for.
    """
    if calls.is_json_call() and not isinstance(result, BaseResponse):
        return calls.answer(t.cast("ServerActions", app.extensions["server_actions"]).serializer,
                            result)
    fragment = fragments.requested()
    if isinstance(result, Fragment):
        fragment, result = result, None
    if result is None:
        if fragment and htmx:
            return render_page(app, 200, fragment)
        return redirect(page_url(page), 303)
    if isinstance(result, BaseResponse):
        return _checked_response(app, result)
    state.value = result
    return rerender(app, state, 200)


def _checked_response(app: Flask, result: BaseResponse) -> BaseResponse:
    allowed = app.config["SERVER_ACTIONS_ALLOWED_REDIRECT_HOSTS"]
    client = client_location_of(result)
    if client is not None:  # htmx.client_redirect() and client_location()
        if not safe_location(client[1], allowed):
            raise UnsafeRedirect(client[1])
        # A plain form post cannot follow an htmx header: redirect it.
        return result if htmx else redirect(client[1], 303)
    location = result.headers.get("Location")
    if location is not None and 300 <= result.status_code < 400:
        if not safe_location(location, allowed):
            raise UnsafeRedirect(location)
        if htmx:  # fetch would follow a 303 silently and swap the page in
            return redirect_for_htmx(location)
        if result.status_code not in (307, 308):
            result.status_code = 303
    return result


@calls.answers_errors_in_json
def run_action(ext: ServerActions) -> ResponseReturnValue:
    """Handle the current action post from start to finish."""
    app: Flask = current_app._get_current_object()  # type: ignore[attr-defined]
    config = app.config
    check_origin(request, config["SERVER_ACTIONS_ALLOWED_ORIGINS"])
    answer = adopt_get_route(app)
    if answer is not None:
        return answer
    binding = session.get(config["SERVER_ACTIONS_SESSION_KEY"])
    tag = binding_tag(binding) if isinstance(binding, str) else None
    state = ActionState()
    now = int(time.time())
    try:
        token = open_token(
            submitted_token(), ext.keys(app), tag,
            now, config["SERVER_ACTIONS_MAX_AGE"],
            config["SERVER_ACTIONS_MAX_TOKEN_SIZE"])
    except BadActionToken as error:
        throttle(ext, app)
        logs.warning("Refused an action post to %s: %s", request.path, error.reason)
        raise
    except StaleSubmission as error:
        logs.info("Stale action post to %s: %s", request.path, error.reason)
        state = ActionState(ref=error.ref, notice=error.notice)
        if error.token is not None:
            state.form = _unchecked_form(error.token)
            # The token was authentic, only stale: its fragment can be trusted.
            fragments.remember(error.token.options)
        return rerender(app, state, 422)
    calls.check_token(token)
    state.ref = token.ref
    fragments.remember(token.options)
    try:
        target = resolve(token.ref)
        fn = rebuild(target, token.names, token.values, ext.serializer)
        args = [ext.serializer.decode(arg) for arg in token.args]
        form_class = form_class_for(target, token.options, len(args))
        if form_class is not None or not calls.is_json_call():  # calls check their own
            check_call(target, fn, len(args), token.options)
    except (ResolveError, ValueError) as error:  # ValueError: e.g. a type no longer registered
        logs.info("Stale action post to %s: %s", request.path, error)
        # The page's actions have other names or shapes now: give the state
        # to each of them, so whichever form was posted is refilled.
        state.ref = ""
        state.notice = ActionNotFound.notice
        state.form = _unchecked_form(token)
        return rerender(app, state, 422)
    try:
        answer = guard(ext, app, token, target, fn, args, now)
    except StaleSubmission as error:
        logs.info("Refused an action post to %s: %s", request.path, error.reason)
        state.notice = error.notice
        state.form = _unchecked_form(token)
        return rerender(app, state, 422)
    if answer is not None:
        return answer
    if calls.is_json_call() and form_class is None:
        call_args = calls.arguments(fn, args)
    else:
        data = calls.fields() if calls.is_json_call() else form_data()
        payload: object = data
        if form_class is not None:
            form = state.form = build_form(form_class, data)
            if not form.validate():
                state.notice = INVALID_NOTICE
                return rerender(app, state, 422)
            payload = form
        call_args = [*args, payload] if target.takes_form(len(args)) else args
    try:
        result = app.ensure_sync(fn)(*call_args)
    except ActionError as error:
        state.error = error
        if state.form is not None:
            show_error(state.form, error)
        return rerender(app, state, 422)
    return finish(app, result, token.page, state)


def _unchecked_form(token: ActionToken) -> Form | None:
    """The action's WTForms form filled with the submission, not validated,
    for a page shown again because the token could not run."""
    form_class: type[Form] | None = None
    try:
        form_class = form_class_for(resolve(token.ref), token.options, len(token.args))
    except ResolveError:
        ref = token.options.get(FORM_OPTION)
        with contextlib.suppress(ResolveError):
            form_class = load_form_class(ref) if isinstance(ref, str) else None
    return build_form(form_class, form_data()) if form_class is not None else None
