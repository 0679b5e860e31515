"""Where the user reads what happened to a refused or failed action.

``{{ action.notice() }}`` outside every form writes the page's *notice
region*, ``<div id="action-notice">``, present before any message so that
htmx has somewhere to put one. Under htmx, an action post answered with an
error (a token that does not open, a check or a view decorator that aborts,
a row deleted meanwhile, the app's own error page, a 500, a form over the
size limits) is answered with its message alone, retargeted to that region
(``HX-Retarget``, ``HX-Reswap: innerHTML``) with its status kept: the
element the form targets, and everything the user typed in it, stays as it was. An error
response the action itself returned, or one the app's error handler points
somewhere with ``HX-Retarget``, is the app's choice and is sent as it is.
"""

from __future__ import annotations

import typing as t

from flask import g
from flask.typing import ResponseReturnValue
from markupsafe import Markup
from markupsafe import escape
from werkzeug.exceptions import HTTPException

from ..errors import FormTooLarge
from ..errors import MalformedActionPost
from ..errors import ServerActionError
from ..messages import N_
from ..messages import translate
from ..post import calls
from ..post.routing import is_action_post
from . import accessible

if t.TYPE_CHECKING:
    from flask import Flask
    from werkzeug.wrappers import Response as BaseResponse

    from .state import ActionState

#: The ``id`` of the page's notice region.
REGION_ID = "action-notice"
_G_ERROR = "_server_actions_error"

#: What the user reads for an error of each status, unless the error says
#: more (an ``abort(403, "...")`` of the app, an error of this library).
MESSAGES = {
    400: N_("This form could not be processed. Please reload the page and try again."),
    401: N_("Please sign in to do this."),
    403: N_("You are not allowed to do this."),
    404: N_("What this form acts on no longer exists: it may have been deleted."),
    409: N_("This was changed in the meantime. Please reload the page and try again."),
    410: N_("What this form acts on no longer exists: it may have been deleted."),
    413: N_("What you sent is too large."),
    429: N_("Too many attempts. Please wait a moment and try again."),
}
#: Refusals of a form post to a page before it is known to be an action's:
#: what the page's forms can get too.
_ROUTING_REFUSALS = (FormTooLarge, MalformedActionPost)
#: For a status without its own message: a server error, or any other.
SERVER_ERROR = N_("Something went wrong on our side. Please try again later.")
OTHER_ERROR = N_("This could not be done (%(status)s).")


def install(app: Flask) -> None:
    """Answer ``app``'s failed action posts from htmx in the notice region.

    The extension's one after-request hook calls :func:`finish` after it
    checks an action's answer (a redirect that check refuses is an error
    too) and before validate requests (:mod:`.precognition`) get their
    errors in JSON.
    """
    handle = app.handle_user_exception

    def handle_user_exception(error: Exception) -> HTTPException | ResponseReturnValue:
        if is_action_post() or isinstance(error, _ROUTING_REFUSALS):
            setattr(g, _G_ERROR, error)
        return handle(error)

    app.handle_user_exception = handle_user_exception  # type: ignore[method-assign,assignment]


def finish(response: BaseResponse) -> BaseResponse:
    """Put the message of a failed action post from htmx in the notice region."""
    from ..htmx import htmx  # htmx.py imports fragments.py, which imports this

    status = response.status_code
    if status < 400:  # the usual answer, a 303 or a page: nothing to say
        return response
    announce_once(response)  # an ActionError shows the page again, 422
    if not htmx or calls.is_json_call():
        return response
    error = g.get(_G_ERROR)
    if not is_action_post() and not isinstance(error, _ROUTING_REFUSALS):
        return response
    if error is None and status < 500:  # an answer the action or a check chose
        return response
    if "HX-Retarget" in response.headers:  # an error page the app placed itself
        return response
    return in_region(response, message_for(error, status))


def error_of_request(status: int) -> str:
    """What the user reads about the error the current action post was
    answered with, ``status``."""
    return message_for(g.get(_G_ERROR), status)


def message_for(error: BaseException | None, status: int) -> str:
    """What the user reads about ``error``, answered with ``status``."""
    if isinstance(error, ServerActionError) and error.user_message():
        return error.user_message()
    if isinstance(error, HTTPException) and error.description and (
            error.description != type(error).description):
        return error.description  # the app's own words
    if status in MESSAGES:
        return translate(MESSAGES[status])
    return translate(SERVER_ERROR) if status >= 500 else translate(OTHER_ERROR, status=status)


def paragraph(message: str, about_a_field: bool = False) -> Markup:
    """A message as the notice shows it, an alert; one about a field is
    marked, so that it stops being one if the page says it otherwise (see
    :func:`announce_once`)."""
    alert = _FIELD_ALERT if about_a_field else _ALERT
    return Markup('<p class="action-notice" {}>{}</p>').format(alert, escape(message))


_ALERT = Markup('role="alert"')
_FIELD_ALERT = Markup('role="alert" data-action-field-error')
_FIELD_QUIET = Markup("data-action-field-error")


def announce_once(response: BaseResponse) -> None:
    """Announce an :class:`~.errors.ActionError` about a field once: when
    the page written for ``response`` also shows it in the field's error
    element or the error summary (which is focused as the page loads), the
    notice region keeps it in view but no longer as an alert. A streamed
    page, or an answer that is not HTML, is left as it is."""
    if (accessible.field_error_shown() and not response.is_streamed
            and response.mimetype == "text/html"):
        response.set_data(response.get_data().replace(
            str(_FIELD_ALERT).encode(), str(_FIELD_QUIET).encode()))


def about_a_field(state: ActionState) -> bool:
    """Whether the message of ``state`` is an :class:`~.errors.ActionError`
    about a field, which the field's error and the error summary may say."""
    return not state.notice and state.error is not None and bool(state.error.field)


def region(message: str | None, about_a_field: bool = False) -> Markup:
    """The notice region, a live region with ``message`` if there is one (a
    polite live region announces changes, not what it holds as the page
    loads: only an alert in it is announced then)."""
    inner = paragraph(message, about_a_field) if message else Markup("")
    return Markup('<div id="{}" {}>{}</div>').format(REGION_ID, _LIVE, inner)


def live(message: str | None) -> Markup:
    """A form's notice: a live region with ``message`` if there is one."""
    inner = paragraph(message) if message else Markup("")
    return Markup('<div class="action-notice-live" {}>{}</div>').format(_LIVE, inner)


_LIVE = Markup('role="status" aria-live="polite"')


def in_region(response: BaseResponse, message: str) -> BaseResponse:
    """Make ``response`` put ``message`` in the notice region instead of its
    target, keeping its status and headers."""
    response.set_data(str(paragraph(message)))
    response.mimetype = "text/html"
    retarget(response)
    return response


def retarget(response: BaseResponse) -> BaseResponse:
    """Point ``response`` at the notice region (``HX-Retarget``,
    ``HX-Reswap: innerHTML``)."""
    response.headers["HX-Retarget"] = f"#{REGION_ID}"
    response.headers["HX-Reswap"] = "innerHTML"
    return response
