"""From an action post to a response: the open, run and answer stages.

The stages take the post's :class:`~.submission.ActionPost`, read once by
:func:`~.submission.read` before any hook of the app. Once :mod:`.routing`
has routed the post to its page: before any hook of the app, check the
origin, open the token once and check it belongs to this page
(:func:`open_submission`, which also decides the post's kind); after the
page's hooks, inside its view's decorators (:mod:`.view_guards`), resolve
and rebuild the action, take its plan (:mod:`.plans`), guard it
(:mod:`.guards`), call it with the form data, and turn what it returned
into a response (:func:`finish`: 303 to the page, a passed-through
response, or the page's ``GET`` view rendered again with the state,
:func:`rerender`). Every answer to an action post then goes through
:func:`checked_answer`, the extension's after-request hook: redirects stay
on this site, are answered 303 (the browser must never post the token
again) and become htmx headers for htmx; the library's own 303 passes
without being parsed again. Where a stage does something for some kinds
of post only, it asks :meth:`~.submission.ActionPost.does`.
"""

from __future__ import annotations

import contextlib
import hmac
import time
import typing as t

from flask import after_this_request
from flask import request
from flask import session
from flask.globals import _cv_request
from flask.typing import ResponseReturnValue
from markupsafe import escape
from werkzeug.datastructures import CombinedMultiDict
from werkzeug.datastructures import ImmutableMultiDict
from werkzeug.datastructures import MultiDict
from werkzeug.exceptions import BadRequest
from werkzeug.exceptions import HTTPException
from werkzeug.utils import redirect
from werkzeug.wrappers import Response as BaseResponse

from .. import logs
from .. import signals
from ..closures import NO_FORM_OPTION
from ..closures import ResolveError
from ..closures import check_call
from ..closures import rebuild
from ..closures import resolve
from ..errors import ActionError
from ..errors import ActionNotFound
from ..errors import BadActionToken
from ..errors import ForeignToken
from ..errors import PageMismatch
from ..errors import RateLimited
from ..errors import SessionEnded
from ..errors import StaleSubmission
from ..errors import StoreUnavailable
from ..errors import UnsafeRedirect
from ..errors import ViewChanged
from ..forms import OPTION as FORM_OPTION
from ..forms import build_form
from ..forms import form_class_for
from ..forms import load_form_class
from ..forms import show_error
from ..forms import validate
from ..htmx import client_location_of
from ..htmx import htmx
from ..htmx import redirect_for_htmx
from ..integrations.csrf import vouch_for_action_post
from ..integrations.stores import outages
from ..page import fragments
from ..page.fragments import Fragment
from ..page.minting import full_ref
from ..page.minting import identity_of_request
from ..page.minting import page_of_request
from ..page.state import ActionState
from ..page.state import after_success
from ..page.state import set_state
from ..token.envelope import SAME_PLACE
from ..token.envelope import WHOLE_TAG_SIZE
from ..token.envelope import binding_tag
from ..token.envelope import compare_requests
from ..token.envelope import open_token
from ..token.envelope import token_of
from . import calls
from . import precognition
from . import uploads
from .app_actions import ENDPOINT as APP_ENDPOINT
from .app_actions import RETURN_OPTION
from .app_actions import SCOPE_OPTION
from .app_actions import back
from .app_actions import check_scope
from .app_actions import return_page
from .guards import finish_once
from .guards import guard
from .guards import stale_outcome
from .guards import throttle
from .kinds import Effect
from .kinds import Kind
from .origin import check_origin
from .origin import origin_proven
from .origin import page_url
from .origin import safe_location
from .plans import plan_for
from .routing import BUTTON_FIELD
from .routing import FIELD
from .settings import PostSettings
from .submission import ActionPost
from .view_guards import without_view_caches

if t.TYPE_CHECKING:
    from flask import Flask
    from flask import Request
    from wtforms import Form

    from ..token.envelope import ActionToken

_ACTION_FIELDS = frozenset({FIELD, BUTTON_FIELD, uploads.FIELD})

def submitted_token(post: ActionPost) -> str:
    """The token of the submitted action: a JSON call's, else the clicked
    button's, else the form's."""
    if post.call:
        return post.request.headers.get(calls.HEADER, "")
    form = post.request.form
    # Not form.get(): a missing key raises (and catches) BadRequestKeyError,
    # which costs more than the rest of opening the token.
    for name in (BUTTON_FIELD, FIELD):
        if name in form and (value := form[name]):
            return value
    return ""


def form_data(post: ActionPost) -> MultiDict[str, t.Any]:
    """The submitted fields (without the action fields) and files (with
    those kept from a failed submission), together: one read-only
    ``MultiDict`` (the fields alone when no file came)."""
    fields: MultiDict[str, t.Any] = ImmutableMultiDict([
        (key, value) for key, value in post.request.form.items(multi=True)
        if key not in _ACTION_FIELDS])
    files = uploads.files()
    return CombinedMultiDict([fields, files]) if files else fields


def open_submission(post: ActionPost) -> None:
    """Check an action post before any code of the app runs for it (its URL
    value preprocessors and ``before_request`` hooks included): its origin,
    its token, and that the token was minted by this very request: the same
    host, script root, path, query string and view.

    A token that does not open is refused here, so no code of the app runs
    for it but its error handlers. The opened token (or why it is stale) is
    kept for :func:`run_action`, which runs after the page's hooks and inside
    its view's decorators.

    :raises CrossOriginAction: another site sent the post.
    :raises BadActionToken: the token is forged, tampered with, of another
        app or of a retired key (:class:`~.errors.RetiredKey`).
    :raises PageMismatch: the token belongs to another request.
    :raises ForeignToken: the token is of another browser session and
        nothing proves the post came from this site.
    """
    settings, req = post.settings, post.request
    app = settings.app
    check_origin(req, settings.allowed_origins)
    opened: ActionToken | StaleSubmission
    keys = settings.keys
    try:
        opened = open_for_session(settings, submitted_token(post), _cv_request.get().session)
    except BadActionToken as error:
        _refuse(settings, "", error)
    except StaleSubmission as error:
        opened = error
    token = token_of(opened) if isinstance(opened, StaleSubmission) else opened
    # A token of version 2 (empty binding) is always stale: it never runs.
    if token.request_tag:
        expected = keys.request_tag(identity_of_request(req), token.key_id)
        # The MAC of the whole request alone decides (inline: every post).
        if not hmac.compare_digest(token.request_tag[:WHOLE_TAG_SIZE],
                                   expected[:WHOLE_TAG_SIZE]):
            opened = _bound_elsewhere(app, expected, opened, token)
    token.ref = full_ref(token.ref, _page_view(app, req))
    if isinstance(opened, SessionEnded) and not origin_proven(req):
        # Anyone holds tokens of their own sessions: without a header that
        # proves the post came from this site, showing the page again with
        # the posted values could show a victim an attacker's input.
        _refuse(settings, token.ref, ForeignToken(opened.reason))
    if post.call:
        calls.check_token(token)
    if "csrf" in app.extensions:  # Flask-WTF's CSRFProtect
        vouch_for_action_post(app)
    post.authenticated(opened)


def answer_refusal(post: ActionPost, error: HTTPException) -> None:
    """Answer a refusal raised for ``post`` (a bare 4xx: a token that does
    not open, another origin, a check saying no) as its client reads one:
    ``{"error": message}`` for a JSON call; ``{"message": ..., "errors":
    {}}`` for a submit that asks for JSON (Laravel Precognition's clients);
    else the app's error page (a validate request's is turned into JSON by
    :func:`~.precognition.finish`). The caller raises the error again, so
    the app's error handlers still see it."""
    if post.call:
        calls.answer_in_json(error)
    elif (not post.validate and (message := calls.refusal_message(error)) is not None
          and precognition.asks_for_json(post.request, post.htmx)):
        assert error.code is not None  # a 4xx
        error.response = precognition.invalid(message, {}, error.code)


def _bound_elsewhere(app: Flask, expected: bytes, opened: ActionToken | StaleSubmission,
                     token: ActionToken) -> StaleSubmission:
    """A :class:`~.errors.ViewChanged` for a token minted at this URL by
    another view or rule (a redeploy renamed the view) for this session, so
    the page is shown again with the input; any other token minted by
    another request than this one (``expected`` its binding) is refused.

    :raises PageMismatch: the token was minted at another URL, or at this
        one by another view for another session (nothing proves the input
        is this session's own).
    """
    found = compare_requests(token.request_tag, expected)
    here = _described_request()
    if found == SAME_PLACE and not isinstance(opened, SessionEnded):
        logs.info("Stale action post to %r: its token was minted by another view or rule"
                  " at this URL", here)
        return ViewChanged(f"token of another view posted to {here!r}", token=token)
    logs.warning("Refused an action post to %r: its token, of the action %r, was minted"
                 " by another request (%s)", here, full_ref(token.ref, None),
                 _how_it_differs(token))
    signals.refused(app, token.ref, "token of another request")
    raise PageMismatch(f"token of another request posted to {here!r}")


def _refuse(settings: PostSettings, ref: str, error: BadActionToken) -> t.NoReturn:
    """Refuse a token that does not authenticate for this session: count it
    against the client's address (:func:`~.guards.throttle`), log it, raise."""
    signals.refused(settings.app, ref, error.reason)
    try:
        throttle(settings)
    except outages() as outage:
        raise _unavailable(outage) from outage
    logs.warning("Refused an action post to %r: %s", request.path, error.reason)
    raise error


def _page_view(app: Flask, req: Request) -> t.Callable[..., t.Any] | None:
    """The view of the page an action post was routed to."""
    rule = req.url_rule
    return None if rule is None else app.view_functions.get(rule.endpoint)


def _described_request() -> str:
    """The current request as a token binds it, for the log."""
    rule = request.url_rule
    view = rule.endpoint if rule is not None else None
    return f"{request.host}{request.script_root}{request.full_path.rstrip('?')} (view {view})"


def _how_it_differs(token: ActionToken) -> str:
    """What the log can say of the request that minted ``token``, which the
    token keeps only as a digest: whether an app action was posted to a page
    or a page's action to the app URL; else which parts may differ."""
    app_action = SCOPE_OPTION in token.options
    rule = request.url_rule
    if app_action != (rule is not None and rule.endpoint == APP_ENDPOINT):
        if app_action:
            return (f"an app action (shown on {token.options.get(RETURN_OPTION)!r}) posted"
                    f" to a page: it posts to url_for({APP_ENDPOINT!r})")
        return "a page's action posted to the app URL"
    if app_action:
        return "an app action minted on another host or script root"
    return "another host, script root, path, query string or view"


def open_for_session(settings: PostSettings, text: str,
                     session: t.Mapping[str, t.Any]) -> ActionToken:
    """Open the token ``text`` for the browser session ``session``, with the
    app's keys and limits (see :func:`~.token.envelope.open_token` for what
    it raises; the request binding is the caller's to compare)."""
    binding = session.get(settings.session_key)
    return open_token(text, settings.keys,
                      binding_tag(binding) if isinstance(binding, str) else None,
                      int(time.time()), settings.max_age, settings.max_token_size)


def rerender(post: ActionPost, state: ActionState, status: int) -> BaseResponse:
    """Call the page's view again, within this request, with ``state``.

    A validate request and a JSON call get the state as JSON instead, and
    so does a failed post that asks for JSON (:func:`~.precognition.failed`);
    an app action goes back to its page; an htmx request gets the part of
    the page its token asked for, if any.
    """
    if status >= 400:  # a failed action: let the app undo its writes
        for undo in post.settings.rerender_hooks:
            undo()
    if post.kind is Kind.VALIDATE:
        return precognition.refused(state, status)
    if post.kind is Kind.CALL:
        return calls.failure(state, status)
    if status >= 400 and precognition.asks_for_json(post.request, post.htmx):
        return precognition.failed(state, status, isinstance(post.opened, StaleSubmission))
    if not post.does(Effect.SHOWS_PAGE_AGAIN):  # an app action has no page to show again
        return back(post, state)
    if status >= 400 and post.does(Effect.KEEPS_UPLOADS):
        status = _keep_uploads(post.settings.app, state, status)
    state.active = True
    state.submitted = ImmutableMultiDict(form_data(post).items(multi=True))
    set_state(_with_clicked_form(post, state))
    return render_page(post, status, fragments.requested())


def render_page(post: ActionPost, status: int, fragment: Fragment | None) -> BaseResponse:
    """Call the page's ``GET`` view; for an htmx request answer with ``fragment``.

    The view sees ``request.method == "GET"``, as when the page was first
    shown: a view that also handles ``POST`` renders its page instead of
    handling the action's body as its own submission, and a Flask-WTF form
    it builds is not filled from that body.
    """
    app, req = post.settings.app, post.request
    assert req.url_rule is not None and req.url_rule.endpoint is not None
    view = without_view_caches(app.view_functions[req.url_rule.endpoint])

    def call_view() -> t.Any:
        return app.ensure_sync(view)(**(req.view_args or {}))

    with _as_get(req):
        if fragment and post.htmx:
            response = fragments.render(app, fragment, call_view)
        else:
            response = app.make_response(call_view())
            if post.htmx and not htmx.boosted and htmx.request_type != "full":
                # The whole page, for a request that targets part of it (a token
                # that cannot be read cannot say which part): show it as a page.
                htmx.retarget(response, "body")
                htmx.reswap(response, "innerHTML")
    if response.status_code == 200:
        response.status_code = status
    # What a user posted, shown back to them: never stored by any cache.
    response.cache_control.no_store = True
    return response


@contextlib.contextmanager
def _as_get(req: Request) -> t.Iterator[None]:
    method = req.method
    req.method = req.environ["REQUEST_METHOD"] = "GET"
    try:
        yield
    finally:
        req.method = req.environ["REQUEST_METHOD"] = method


def finish(post: ActionPost, result: object, page: str,
           state: ActionState) -> ResponseReturnValue:
    """Turn what an action returned into the response.

    ``None`` answers 303 to the page (for an htmx request, the part of the
    page the token or the action asked for); a response is passed through
    (:func:`checked_answer` then checks its redirect); any other value shows
    the page again with it.
    """
    if post.kind is Kind.CALL and not isinstance(result, BaseResponse):
        return calls.answer(post.settings.serializer, result)
    # The fragment the token asked for matters to htmx alone.
    fragment = fragments.requested() if post.htmx else None
    if isinstance(result, Fragment):
        fragment, result = result, None
    if result is None:
        if fragment and post.htmx:
            # The view and the row see what ran.
            set_state(after_success(_with_clicked_form(post, state)))
            return render_page(post, 200, fragment)
        answer = post.own_redirect = _see_other(page_url(page))
        return answer
    if isinstance(result, BaseResponse):
        return result
    state.value = result
    state.succeeded = True
    return rerender(post, state, 200)


def _see_other(location: str) -> BaseResponse:
    """The library's own 303 to ``location``, a path on this site: what
    werkzeug's ``redirect`` makes, built in one go, with the
    ``Vary: Precognition`` every answer to an action post carries (see
    :func:`~.precognition.finish`)."""
    link = escape(location)
    response = BaseResponse(
        f'<!doctype html>\n<html lang=en>\n<title>Redirecting</title>\n'
        f'<p>Done. Back to <a href="{link}">{link}</a>.\n', 303,
        content_type="text/html; charset=utf-8")
    # add(): no header of these names yet, nothing to replace. The post
    # read the session (its binding): Flask adds Cookie, unless it is there.
    response.headers.add("Location", location)
    response.headers.add("Vary", _VARY)
    return response


_VARY = f"{precognition.HEADER}, Cookie"


def checked_answer(post: ActionPost, response: BaseResponse) -> BaseResponse:
    """Check the answer to an action post, whoever made it: the action (returned
    or raised), a hook, the view's decorators or the page shown again.

    A redirect must stay on this site (else :class:`~.errors.UnsafeRedirect`,
    400); it is answered 303, never 307 or 308, so that the browser does not
    post the token again; for htmx it becomes ``HX-Redirect`` or
    ``HX-Location`` (see :func:`~.htmx.redirect_for_htmx`), since fetch would
    follow a 303 silently and swap the page into the form. An
    ``HX-Redirect`` or ``HX-Location`` header is checked likewise, and
    answered 303 to a plain form post, which cannot follow it. (The
    library's own 303 to the page, for a plain post, is not checked: the
    extension's after-request hook passes it by.)
    """
    client = client_location_of(response)
    if client is not None:
        location: str | None = client.location
    elif 300 <= response.status_code < 400:  # a page shown again has no Location to look up
        location = response.headers.get("Location")
    else:
        return response
    if location is None:
        return response
    # htmx 2 and htmx 4 may each go somewhere else: every one must be safe.
    app, allowed = post.settings.app, post.settings.allowed_redirect_hosts
    for destination in (location,) if client is None else client.destinations:
        if not safe_location(destination, allowed):
            logs.warning("Refused an action's redirect to %r", destination)
            return app.make_response(app.handle_user_exception(UnsafeRedirect(destination)))
    if client is not None:
        return response if post.htmx else redirect(location, 303)
    if post.htmx and not post.call:
        # The same response, so that cookies a hook or the action set are kept.
        answer = redirect_for_htmx(location)
        response.status_code = answer.status_code
        del response.headers["Location"]
        for key, value in answer.headers.items():
            if key.startswith("HX-"):
                response.headers[key] = value
        return response
    response.status_code = 303
    return response


def run_action(post: ActionPost) -> ResponseReturnValue:
    """Handle the current action post, once the page's hooks and its view's
    decorators have let it through."""
    settings = post.settings
    app = settings.app
    opened = post.opened
    assert opened is not None  # open_submission let it through
    state = ActionState()
    if isinstance(opened, StaleSubmission):
        opened = stale_outcome(post, opened)
        logs.info("Stale action post to %r: %s", post.request.path, opened.reason)
        signals.refused(app, opened.ref, opened.reason)
        state = ActionState(ref=opened.ref, notice=opened.notice,
                            notice_values=dict(opened.notice_values))
        stale_token = token_of(opened)
        state.form = _unchecked_form(post, stale_token)
        # The token is authentic, only stale: its bound arguments say which
        # row of a list it was, which then comes back with a fresh token.
        with contextlib.suppress(ValueError):  # a type no longer registered
            state.args = tuple(settings.serializer.decode(arg) for arg in stale_token.args)
            state.forms = [(state.ref, state.args)]
        # The token was authentic, only stale: its fragment can be trusted.
        fragments.remember(stale_token.options)
        return rerender(post, state, 422)
    token = opened
    state.ref = token.ref
    fragments.remember(token.options)
    try:
        target = resolve(token.ref)
        if post.app_action:
            check_scope(target)
        fn = rebuild(target, token.names, token.values, settings.serializer)
        args = list(map(settings.serializer.decode, token.args))
        state.args = tuple(args)
        state.forms = [(token.ref, state.args)]
        plan = post.plan = plan_for(settings.plans, target, token.options, len(args))
        form_class, setup = plan.form_class, plan.setup
        if form_class is not None or not post.call:  # calls check their own
            # A module-level action's signature is its plan's: checked once
            # for each way a token can say it takes the form. An inline
            # action's defaults come from its token: checked every post.
            noform = bool(token.options.get(NO_FORM_OPTION))
            if target.function is None or noform not in plan.fits:
                check_call(target, fn, len(args), token.options)
                if target.function is not None:
                    plan.fits.add(noform)
    except (ResolveError, ValueError) as error:  # ValueError: e.g. a type no longer registered
        logs.info("Stale action post to %r: %s", post.request.path, error)
        signals.refused(app, token.ref, str(error))
        # The page's actions have other names or shapes now: give the state
        # to each of them, so whichever form was posted is refilled.
        state.ref = ""
        state.notice = ActionNotFound.notice
        state.form = _unchecked_form(post, token)
        return rerender(post, state, 422)
    except StaleSubmission as error:  # a loaded value is out of date (a changed row)
        return _refuse_stale(post, state, token, error)
    try:
        answer = guard(post, token, target, fn, args, int(time.time()), form_class)
    except outages() as error:
        return _store_unavailable(post, state, token, error)
    except StaleSubmission as error:
        return _refuse_stale(post, state, token, error)
    except HTTPException as error:  # a check aborted
        signals.refused(app, token.ref, f"{error.code} {error.name}")
        raise
    if answer is not None:
        signals.refused(app, token.ref, "a check answered instead")
        return answer
    if not post.does(Effect.RUNS_ACTION):  # live validation: the action never runs
        return precognition.answer(settings, form_class, setup, token.ref, form_data(post))
    start = signals.started(app, token.ref)
    if post.call and form_class is None:
        call_args = calls.arguments(fn, args)
    else:
        data = calls.fields() if post.call else form_data(post)
        payload: object = data
        if form_class is not None:
            form = state.form = build_form(form_class, data)
            notice = validate(form, setup, token.ref)
            if notice is not None:
                finish_once(post)
                signals.failed(app, token.ref, start, None)
                state.notice = notice
                return rerender(post, state, 422)
            payload = form
        call_args = [*args, payload] if plan.takes_form else args
    try:
        run = fn if settings.calls_directly and not plan.coroutine else app.ensure_sync(fn)
        result = run(*call_args)
    except ActionError as error:
        finish_once(post)
        signals.failed(app, token.ref, start, error)
        state.error = error
        if state.form is not None:
            show_error(state.form, error)
        return rerender(post, state, 422)
    finish_once(post)
    signals.finished(app, token.ref, start)
    # The token was minted by this very request: its URL is the page's (an
    # action for every page goes back to the page sealed in its token).
    page = return_page(post) if post.app_action else page_of_request(post.request)
    return finish(post, result, page, state)


def _refuse_stale(post: ActionPost, state: ActionState, token: ActionToken,
                  error: StaleSubmission) -> ResponseReturnValue:
    """Show the page again with the input and the notice of ``error``."""
    logs.info("Refused an action post to %r: %s", post.request.path, error.reason)
    signals.refused(post.settings.app, token.ref, error.reason)
    state.notice = error.notice
    state.notice_values = dict(error.notice_values)
    state.form = _unchecked_form(post, token)
    response = rerender(post, state, error.code or 422)
    if isinstance(error, RateLimited):
        response.headers["Retry-After"] = str(error.retry_after)
    return response


def _unavailable(error: Exception) -> StoreUnavailable:
    """``error`` (a store that could not be reached) as the library's 503."""
    return error if isinstance(error, StoreUnavailable) else StoreUnavailable(
        f"{type(error).__name__}: {error}")


def _retry_after(seconds: int) -> None:
    def add(response: BaseResponse) -> BaseResponse:
        response.headers["Retry-After"] = str(seconds)
        return response

    after_this_request(add)


def _store_unavailable(post: ActionPost, state: ActionState, token: ActionToken,
                       error: Exception) -> ResponseReturnValue:
    """Show the page again with the input, 503 with ``Retry-After``: a store
    (one-time records, limits, kept files) could not be reached in time,
    so the action did not run."""
    unavailable = _unavailable(error)
    logs.warning("The store did not answer for an action post to %r: %s", post.request.path,
                 unavailable.reason)
    signals.refused(post.settings.app, token.ref, "store unavailable")
    state.notice = unavailable.notice
    state.form = _unchecked_form(post, token)
    _retry_after(unavailable.retry_after)
    return rerender(post, state, 503)


def _keep_uploads(app: Flask, state: ActionState, status: int) -> int:
    """Keep the files of a failed post for the page shown again; if the
    storage cannot be reached, keep those it holds already by their
    references, and say so (503)."""
    if status == 503:  # a store did not answer already: store nothing new
        uploads.keep_references(app, state.ref)
        return status
    try:
        uploads.keep(app, state.ref, state.form)
    except outages() as error:
        unavailable = _unavailable(error)
        logs.warning("The upload storage did not answer for a post to %r: %s", request.path,
                     unavailable.reason)
        uploads.keep_references(app, state.ref)
        state.notice, state.notice_values = unavailable.notice, {}
        _retry_after(unavailable.retry_after)
        return 503
    return status


def _with_clicked_form(post: ActionPost, state: ActionState) -> ActionState:
    """``state``, also for the form whose button's own action was submitted
    (the form's hidden input names it), so the page shown refills that
    form. Its token is opened only now, for a page shown: nothing if it
    cannot be read."""
    form = post.request.form
    # "in" first: MultiDict.get raises and catches an exception for a missing key.
    if not (state.forms and not post.call and BUTTON_FIELD in form and FIELD in form
            and form[BUTTON_FIELD] and form[FIELD]):
        return state
    settings = post.settings
    try:
        token = _stale_or_not(settings, form[FIELD])
        state.forms.append((full_ref(token.ref, _page_view(settings.app, post.request)),
                            tuple(settings.serializer.decode(arg) for arg in token.args)))
    except (BadRequest, ValueError):
        pass
    return state


def _stale_or_not(settings: PostSettings, text: str) -> ActionToken:
    """The token ``text`` opened for this session; a stale one too, which
    still says which action, with which arguments, it was.

    :raises BadActionToken: it does not authenticate.
    """
    try:
        return open_for_session(settings, text, session)
    except StaleSubmission as error:
        return token_of(error)


def _unchecked_form(post: ActionPost, token: ActionToken) -> Form | None:
    """The action's WTForms form filled with the submission, not validated,
    for a page shown again because the token could not run."""
    form_class: type[Form] | None = None
    try:
        form_class = form_class_for(resolve(token.ref), token.options, len(token.args))
    except ResolveError:
        ref = token.options.get(FORM_OPTION)
        with contextlib.suppress(ResolveError):
            form_class = load_form_class(ref) if isinstance(ref, str) else None
    return build_form(form_class, form_data(post)) if form_class is not None else None
