"""Exceptions raised by flask-server-actions.

Every exception derives from :class:`ServerActionError`. The ones a client can
cause also derive from the matching werkzeug HTTP exception, so Flask renders
them with the right status and an app can register its own error handlers.

Three families matter:

* **Render-time errors** (:class:`UnmarkedFunction`,
  :class:`UnserializableValue`, :class:`UnresolvableAction`) are bugs in the
  app: they are raised while a template mints a token and carry a message that
  names the action, the value and the fix.
* **Refused posts** (:class:`BadActionToken`, :class:`CrossOriginAction`)
  answer 400 and 403. Nothing is decoded further and nothing runs.
* **Resubmit errors** (:class:`StaleSubmission` and its subclasses) mean an
  honest user's form can no longer be trusted as it is (expired, another
  session, a retired key, an action that no longer exists, a one-time form
  sent twice). Nothing runs; the
  page is rendered again with what the user typed and a notice, answering 422.
"""

from __future__ import annotations

import typing as t

from markupsafe import escape
from werkzeug.exceptions import BadRequest
from werkzeug.exceptions import Forbidden
from werkzeug.exceptions import InternalServerError
from werkzeug.exceptions import NotFound
from werkzeug.exceptions import RequestEntityTooLarge
from werkzeug.exceptions import ServiceUnavailable
from werkzeug.exceptions import TooManyRequests
from werkzeug.exceptions import UnprocessableEntity

from .messages import N_
from .messages import Wait
from .messages import translate


class OpenedToken(t.Protocol):
    """A token that was decrypted (an :class:`~.token.envelope.ActionToken`),
    as a stale error carries it; :func:`~.token.envelope.token_of` gives it
    back with its type. (This module is below the envelope: it names only
    what it reads.)"""

    #: ``module:qualname`` of the action.
    ref: str


class ServerActionError(Exception):
    """Base class of every exception raised by this library."""

    #: Values the description is formatted with (``%(name)s``), once translated.
    message_values: t.Mapping[str, object] = {}

    def user_message(self) -> str:
        """What a user reads about this error, in their language (see
        :func:`~flask_server_actions.messages.translate`): its ``description``,
        for the HTTP errors a client can cause; empty for the others.

        .. versionadded:: 0.3.0
        """
        description = getattr(self, "description", None)
        return translate(description, **self.message_values) if description else ""

    def get_description(self, environ: t.Any = None, scope: t.Any = None) -> str:
        """The error page's text (werkzeug's hook), in the user's language."""
        return f"<p>{escape(self.user_message())}</p>"


class UnmarkedFunction(ServerActionError, TypeError):
    """A token was requested for a function that is not a server action.

    Mark it with a ``"use server"`` docstring, the :func:`server_action`
    decorator, or put it in a module whose docstring is ``"use server"``.
    """


class UnserializableValue(ServerActionError, TypeError):
    """A captured variable or bound argument cannot travel in a token.

    :param action: the action's reference, ``module:qualname``.
    :param name: the variable or argument that failed.
    :param value_type: the type of the failing value.
    """

    def __init__(self, message: str, action: str = "", name: str = "",
                 value_type: type | None = None) -> None:
        super().__init__(message)
        #: The action's reference, ``module:qualname``.
        self.action = action
        #: The captured variable or bound argument that failed.
        self.name = name
        #: The type of the value that could not be serialized.
        self.value_type = value_type


class UnresolvableAction(ServerActionError, TypeError):
    """An action (or its ``require=`` check) cannot be found again from its
    module and qualified name.

    Raised at render time, so the problem shows while developing instead of
    when a user submits: for example a lambda, two inner functions with the
    same name in one view, or a view wrapped by a decorator that does not use
    :func:`functools.wraps`.
    """


class ActionWithoutPage(ServerActionError, TypeError):
    """A page action was rendered on a page that cannot run it: a page
    without a route (an error page) or a view without ``GET``. Its form
    would post back to a URL where no ``GET`` view answers, and the token
    could never run.

    Render the form on a page with a ``GET`` route, or declare the action
    for the whole app, ``@server_action(scope="app")``.

    .. versionadded:: 0.3.0
    """


class DuplicateRegistration(ServerActionError, ValueError):
    """A hook or type for every app was registered again, as an app factory
    does each time it runs: register it inside ``with app.app_context():``
    to make it that app's own, or once at import time.

    .. versionadded:: 0.2.0
    """

class UnguardedView(ServerActionError, TypeError):
    """A page's view has a decorator that cannot be run around its actions.

    An action post runs the page view's decorators (a login check) around the
    action instead of the view's body; a decorator that cannot be rebuilt so
    is reported when the page renders a token, instead of letting its actions
    run unguarded.

    :param decorator: the decorator's ``module.qualname``.
    """

    def __init__(self, message: str, decorator: str = "") -> None:
        super().__init__(message)
        #: The decorator, as ``module.qualname``.
        self.decorator = decorator


class BadActionToken(ServerActionError, BadRequest):
    """The action token is malformed, forged or tampered with (400).

    The client sees a short message; the reason is logged.
    """

    description = N_("The form could not be processed: its action token is invalid.")

    def __init__(self, reason: str = "") -> None:
        super().__init__()
        #: Why the token was refused. Logged, never sent to the client.
        self.reason = reason


class PageMismatch(BadActionToken):
    """An action token was posted to another request than the one that
    minted it: another host, script root, path, query string or view (400).
    Nothing runs: the token is only valid at its own page, where the page's
    hooks and decorators guard it.

    .. versionchanged:: 0.3.0
        The host, the query string and the minting view are bound too.
    """

    description = N_("The form could not be processed: it belongs to another page.")


class ForeignToken(BadActionToken):
    """The token was minted for another browser session, and no ``Origin``,
    ``Referer`` or ``Sec-Fetch-Site`` header proves the post came from this
    site (400). The page is not shown again with the posted values: they
    could be another site's, shown to the victim as their own.

    .. versionadded:: 0.3.0
    """

    description = N_("The form could not be processed: your session changed since the page"
                   " was shown. Please reload the page and submit it again.")


class RetiredKey(BadActionToken):
    """The token names a key of this app that is no longer accepted: minted
    under a secret removed from ``SECRET_KEY_FALLBACKS``, or made up (400).

    It cannot be authenticated, so nothing of it is trusted: no hook, view
    or check of the app runs and no input is shown again (a forger could
    write any key id). Keep a retired secret in ``SECRET_KEY_FALLBACKS`` for
    ``SERVER_ACTIONS_MAX_AGE`` after a rotation, and no open form meets this.

    .. versionchanged:: 0.3.0
        A 400 that runs nothing, no longer a 422 showing the page again.
    """

    description = N_("The form could not be processed: it is from an earlier version of the"
                   " site. Please reload the page and submit it again.")


class BadUploadReference(BadActionToken):
    """A kept file's reference does not open: forged, of another browser
    session or another action, or naming no upload (400). Nothing is read
    from the upload storage and nothing runs.

    .. versionadded:: 0.3.0
    """

    description = N_("The form could not be processed: a file it kept is not valid."
                     " Please reload the page and choose the file again.")


class CrossOriginAction(ServerActionError, Forbidden):
    """The post came from another origin than the app's own (403)."""

    description = N_("Cross-origin form submissions are not allowed.")

    def __init__(self, origin: str = "") -> None:
        super().__init__()
        #: The ``Origin`` (or ``Referer``) that was refused.
        self.origin = origin


class TooManyRefusals(ServerActionError, TooManyRequests):
    """The client sent more tokens that do not open than
    ``SERVER_ACTIONS_THROTTLE`` allows in its window (429).

    Only its posts with such tokens are answered so, until the window ends;
    its valid posts still run.
    """

    description = N_("Too many invalid form submissions. Please wait and try again later.")

    def __init__(self, client: str = "", window: int = 0) -> None:
        super().__init__(retry_after=window or None)
        #: The address (an IPv6 one as its /64 network) that was throttled.
        self.client = client
        #: The window in seconds, sent as ``Retry-After``.
        self.window = window


class PerProcessStore(ServerActionError, InternalServerError):
    """A post would be decided by a store of this process alone (500): a
    one-time token, a ``limit=`` or the throttle, counted in the default
    :class:`~flask_server_actions.MemoryStore` while the server runs several
    processes (``wsgi.multiprocess``), where each would count on its own.

    Set ``SERVER_ACTIONS_STORE`` to a Redis URL (or a store) that every
    process shares, or to ``"memory"`` to count in each process knowingly.
    The error is logged with that fix; nothing runs.

    .. versionadded:: 0.3.0
    """

    description = N_("Something went wrong on our side. Please try again later.")


class StaleSubmission(ServerActionError, UnprocessableEntity):
    """The submission is honest but cannot run as it is (422).

    The page is rendered again with the user's input and :attr:`notice`.
    """

    #: What the user is told on the re-rendered page, in English (shown
    #: translated, see :mod:`~flask_server_actions.messages`).
    notice = N_("This form was out of date. Please check your input and submit again.")
    #: Values the notice is formatted with (``%(seconds)s``), once translated.
    notice_values: t.Mapping[str, object] = {}

    def __init__(self, reason: str = "", *, token: OpenedToken | None = None) -> None:
        super().__init__()
        #: Why the token could not run, for the log.
        self.reason = reason
        #: The opened token, when it could be decrypted (an expired token or
        #: one of another session), so the page knows which action it was.
        self.token = token

    @property
    def ref(self) -> str:
        """``module:qualname`` of the action, or ``""`` if the token was unreadable."""
        return self.token.ref if self.token is not None else ""


class ExpiredToken(StaleSubmission):
    """The token is older than ``SERVER_ACTIONS_MAX_AGE``."""

    notice = N_("This form expired. Your input is kept: please submit again.")

    def __init__(self, reason: str = "", issued_at: int = 0, *,
                 token: OpenedToken | None = None) -> None:
        super().__init__(reason, token=token)
        #: When the token was minted, in seconds since the epoch.
        self.issued_at = issued_at


class SessionEnded(StaleSubmission):
    """The token was minted for another browser session."""

    notice = N_("Your session changed since this form was shown."
              " Your input is kept: please submit again.")


class EarlierVersion(StaleSubmission):
    """The token is of an earlier token format: its page was opened before
    the library was upgraded. It opened, for this session, so the page is
    shown again with the input kept; it never runs.

    .. versionadded:: 0.3.0
    """

    notice = N_("This form is from an earlier version of the site."
              " Your input is kept: please submit again.")


class ViewChanged(StaleSubmission):
    """The token was minted at this very URL (host, script root, path and
    query), by a view that is no longer the one serving it: a redeploy
    renamed the view or rewrote its rule. It opened, for this session, so
    the page is shown again with the input kept; it never runs under the
    other view.

    .. versionadded:: 0.3.0
    """

    # The same words as an earlier version's token: the site changed.
    notice = N_("This form is from an earlier version of the site."
              " Your input is kept: please submit again.")


class ActionNotFound(StaleSubmission):
    """The token names an action that no longer exists or changed shape."""

    notice = N_("This form is from an earlier version of the site."
              " Your input is kept: please submit again.")


class AlreadySubmitted(StaleSubmission):
    """A one-time action's form was submitted again (double click, back
    button, replay). It ran the first time; it does not run again."""

    notice = N_("This form was already submitted, so it was not sent again."
              " Check the result before submitting a new one.")


class OutcomeUnknown(StaleSubmission):
    """A one-time form whose earlier submission cannot be known to have run
    or not: the worker running it died (or its store could not be read
    back) before the action was marked finished, or the store lost its
    records since the form was shown (a Redis restarted without its data).
    It does not run: the user is asked to check before sending it again.

    .. versionadded:: 0.3.0
    """

    notice = N_("We cannot tell whether this form already went through."
                " Your input is kept: please check the result before sending it again.")


class UploadExpired(StaleSubmission):
    """A file kept from an earlier submission is no longer kept: its
    reference is older than ``SERVER_ACTIONS_MAX_AGE``, or the storage lost
    it. Nothing is read; the page is shown again with the rest of the input.

    .. versionadded:: 0.3.0
    """

    notice = N_("A file you chose earlier is no longer kept: please choose it again."
                " The rest of your input is kept.")


class RateLimited(StaleSubmission):
    """An action was posted more often than its ``limit=`` allows in its
    window (429, with ``Retry-After``). It does not run; the page is shown
    again with the input and a notice saying when to try again.

    .. versionadded:: 0.3.0
    """

    code = 429
    notice = N_("Too many attempts: please try again in %(wait)s.")

    def __init__(self, reason: str = "", retry_after: int = 1, *,
                 token: OpenedToken | None = None) -> None:
        super().__init__(reason, token=token)
        #: Seconds until the window ends, sent as ``Retry-After``.
        self.retry_after = retry_after
        # ``wait`` says it in words ("10 minutes"), translated when shown;
        # ``seconds`` stays for an app's own wording of the notice.
        self.notice_values = {"wait": Wait(retry_after), "seconds": retry_after}


class StoreUnavailable(ServerActionError, ServiceUnavailable):
    """The store of one-time records, rate limits or kept files could not
    be reached in time (503, with ``Retry-After``). The action did not run:
    the page is shown again with the input and :attr:`notice`.

    :param reason: what failed, for the log.
    :param retry_after: seconds to wait before trying again.

    .. versionadded:: 0.3.0
    """

    description = N_("Our storage could not be reached, so nothing was sent."
                     " Please try again in a few seconds.")
    #: What the user is told on the page shown again, in English.
    notice = N_("Our storage could not be reached, so nothing was sent."
                " Your input is kept: please try again in a few seconds.")

    #: Seconds until trying again makes sense, sent as ``Retry-After``.
    retry_after: int

    def __init__(self, reason: str = "", retry_after: int = 5) -> None:
        super().__init__(retry_after=retry_after)
        #: What failed, for the log.
        self.reason = reason
        self.retry_after = retry_after


class ActionError(ServerActionError):
    """Raise inside an action to show the page again with a message (422).

    The user's input is kept. ``field`` names the form field the message is
    about, so a template can show it beside that field::

        def update_post(form):
            "use server"
            if db.title_taken(form["title"]):
                raise ActionError("That title is taken.", field="title")

    :param message: shown to the user.
    :param field: the field the message is about, or ``None`` for the form.
    """

    def __init__(self, message: str, field: str | None = None) -> None:
        super().__init__(message)
        #: The message shown to the user.
        self.message = message
        #: The form field the message is about, if any.
        self.field = field


class FormTooLarge(ServerActionError, RequestEntityTooLarge):
    """The submitted form is over one of Flask's size limits (413).

    ``MAX_CONTENT_LENGTH`` caps the whole body, ``MAX_FORM_MEMORY_SIZE``
    each text field and ``MAX_FORM_PARTS`` the number of fields and files.
    Raise the limit in the app's config if such forms are expected.
    """

    description = N_("The form is too large for this site: send smaller or fewer files,"
                   " or shorter text.")

    def __init__(self, limit: str = "") -> None:
        super().__init__()
        #: The config key whose limit was exceeded, when it is known.
        self.limit = limit


class CallTooLarge(ServerActionError, RequestEntityTooLarge):
    """A JSON call's body is over ``SERVER_ACTIONS_MAX_CALL_SIZE`` (413),
    refused before it is read whole or parsed."""

    description = N_("The call's body is over SERVER_ACTIONS_MAX_CALL_SIZE (%(limit)s bytes):"
                     " send fewer or smaller arguments, or raise the setting.")

    def __init__(self, limit: int) -> None:
        super().__init__()
        #: The limit, in bytes.
        self.limit = limit
        self.message_values = {"limit": limit}


class MalformedActionPost(ServerActionError, BadRequest):
    """An action post whose body could not be parsed (400).

    Typically a multipart upload cut short; nothing runs.
    """

    description = N_("The form could not be processed: its data arrived incomplete.")


class NestedFormValue(MalformedActionPost):
    """A form posted as a JSON object (as Laravel Precognition's clients
    post it) holds an object, or a list that is not of flat values, as a
    field's value (400): fields are text, or lists of text for a field of
    several values. Send ``{"tags-0-name": ...}`` for a WTForms
    ``FieldList`` of ``FormField``.

    .. versionadded:: 0.3.0
    """

    description = N_("The form could not be processed: send each field's value as text,"
                     " a number, true or false, or a list of those.")


class UnsafeRedirect(ServerActionError, BadRequest):
    """An action redirected to another site (400).

    Allow a host with ``SERVER_ACTIONS_ALLOWED_REDIRECT_HOSTS`` if this is
    intended.
    """

    description = N_("The form's action tried to redirect to another site.")

    def __init__(self, location: str = "") -> None:
        super().__init__()
        #: The refused ``Location``.
        self.location = location


class FragmentNotFound(ServerActionError, LookupError):
    """The part of the page asked for an htmx request cannot be rendered:
    the page's template has no such block, or an out-of-band block does not
    start with an element."""


class MissingHtmxSource(ServerActionError, RuntimeError):
    """A template includes htmx but ``SERVER_ACTIONS_HTMX_SRC`` is not set."""


class BadActionArguments(ServerActionError, BadRequest):
    """A JSON call sent arguments the action cannot take (400)."""

    description = N_("The action was called with arguments it cannot take.")
    #: The description, with what was wrong.
    called_wrongly = N_("The action cannot be called this way: %(reason)s.")

    def __init__(self, reason: str = "") -> None:
        super().__init__()
        #: What was wrong with the arguments.
        self.reason = reason
        # The caller is the app's own script: telling it what is wrong helps
        # and reveals nothing the action's signature does not.
        self.description = self.called_wrongly
        self.message_values = {"reason": reason}


class RowNotFound(ServerActionError, NotFound):
    """A database row a token carries was deleted since the page was shown,
    or another row has its key now (404). Raised by the SQLAlchemy
    integration while the token's values are loaded, before anything runs.

    The client is told the row's class only: a key can be personal (an
    e-mail address), and captured values never appear in a response.

    :param model: the row's class name.
    :param key: its primary key.
    """

    description = N_("The %(model)s this form was for no longer exists.")

    def __init__(self, model: str, key: t.Sequence[t.Any]) -> None:
        super().__init__()
        self.message_values = {"model": model}
        #: The row's class name.
        self.model = model
        #: Its primary key, one value per key column: for the app's own
        #: error handler or log, never sent to the client.
        self.key = tuple(key)


class TokenTooLarge(UnserializableValue):
    """At render time: the finished token of an action would be over
    ``SERVER_ACTIONS_MAX_TOKEN_SIZE``, so its form could never be posted.
    The message says how many bytes the page's URL and the captured values
    take, and which to shrink.

    .. versionadded:: 0.2.0
    """


class ActionDefinedInLoop(ServerActionError, TypeError):
    """At render time: an inline action is defined inside a loop of its
    view, so every row's copy would see the last row (Python binds captured
    variables late). Define it once and bind the row in the template:
    ``{{ action(delete_row, row.id) }}``.

    :param action: the action's reference, ``module:qualname``.

    .. versionadded:: 0.2.0
    """

    def __init__(self, message: str, action: str = "") -> None:
        super().__init__(message)
        #: The action's reference, ``module:qualname``.
        self.action = action


__all__: t.Sequence[str] = [
    "ActionDefinedInLoop",
    "ActionError",
    "ActionNotFound",
    "BadActionArguments",
    "AlreadySubmitted",
    "BadActionToken",
    "BadUploadReference",
    "CrossOriginAction",
    "CallTooLarge",
    "DuplicateRegistration",
    "ExpiredToken",
    "FragmentNotFound",
    "MissingHtmxSource",
    "RateLimited",
    "FormTooLarge",
    "MalformedActionPost",
    "PerProcessStore",
    "RetiredKey",
    "RowNotFound",
    "ServerActionError",
    "SessionEnded",
    "StaleSubmission",
    "TokenTooLarge",
    "TooManyRefusals",
    "UnmarkedFunction",
    "UnresolvableAction",
    "UnsafeRedirect",
    "UploadExpired",
    "UnserializableValue",
]
