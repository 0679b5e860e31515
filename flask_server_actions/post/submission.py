"""The submission of the current action post, read once.

:func:`read` makes one :class:`ActionPost` per action post, before any hook
of the app runs: the request resolved once, the settings, what the request
says it is (a validate request, a JSON call, a post to the app URL, htmx),
read from the environ once. Opening the token (:mod:`.dispatch`) adds the
token and decides the post's :class:`~.kinds.Kind`, once. Every stage after
that takes the :class:`ActionPost`, or fetches it with :func:`current`, the
only function that reads it back; where a stage does something for some
kinds only, it asks :meth:`ActionPost.does` (the :data:`~.kinds.EFFECTS`
table), not the request.
"""

from __future__ import annotations

import typing as t
from dataclasses import dataclass

from flask.globals import _cv_app

from ..errors import StaleSubmission
from ..token.envelope import token_of
from .calls import HEADER as CALL_HEADER
from .kinds import EFFECTS
from .kinds import Effect
from .kinds import Kind
from .kinds import kind_of

if t.TYPE_CHECKING:
    from flask import Request
    from werkzeug.wrappers import Response as BaseResponse

    from ..token.envelope import ActionToken
    from .plans import ActionPlan
    from .settings import PostSettings

#: The endpoint app actions are posted to.
APP_ENDPOINT = "server_actions.run"
#: The request header that makes an action post a validate request.
VALIDATE_HEADER = "Precognition"
_G_POST = "_server_actions_post"
_CALL_KEY = "HTTP_" + CALL_HEADER.upper().replace("-", "_")
_VALIDATE_KEY = "HTTP_" + VALIDATE_HEADER.upper()


@dataclass(eq=False)
class ActionPost:
    """One action post, as its stages read it."""

    #: The request (not the proxy).
    request: Request
    #: The app's settings and services, read once.
    settings: PostSettings
    #: It says ``Precognition: true``: a validate request (live validation).
    validate: bool
    #: It carries ``X-Server-Action``: a JSON call.
    call: bool
    #: It was posted to the app URL: an action for every page.
    app_action: bool
    #: It says ``HX-Request: true``: htmx sent it.
    htmx: bool
    #: What it is; :attr:`~.Kind.REFUSED` until its token authenticated.
    kind: Kind = Kind.REFUSED
    #: The opened token, or why it is stale (it carries its token then).
    opened: ActionToken | StaleSubmission | None = None
    #: What the action's posts need that depends only on the action.
    plan: ActionPlan | None = None
    #: The 303 to the page the library answered with, if it did.
    own_redirect: BaseResponse | None = None
    #: The one-time token it recorded as pending and its lifetime, until
    #: :func:`~.guards.finish_once` marks it finished.
    claimed: tuple[str, int] | None = None

    def does(self, effect: Effect) -> bool:
        """Whether ``effect`` applies to this post (:data:`~.kinds.EFFECTS`)."""
        return self.kind in EFFECTS[effect]

    def authenticated(self, opened: ActionToken | StaleSubmission) -> None:
        """Keep the token that authenticated (fresh or stale), and decide
        the post's kind, once."""
        self.opened = opened
        self.kind = kind_of(authenticated=True, validate=self.validate, call=self.call,
                            app=self.app_action, htmx=self.htmx)

    @property
    def token(self) -> ActionToken:
        """The opened token, stale or not."""
        opened = self.opened
        assert opened is not None  # the stages after opening read it
        return token_of(opened) if isinstance(opened, StaleSubmission) else opened


def read(settings: PostSettings, req: Request) -> ActionPost:
    """Read the action post ``req``, once, and keep it for :func:`current`."""
    environ = req.environ
    rule = req.url_rule
    post = ActionPost(
        req, settings,
        validate=environ.get(_VALIDATE_KEY, "").strip().lower() == "true",
        call=_CALL_KEY in environ,
        app_action=rule is not None and rule.endpoint == APP_ENDPOINT,
        htmx=environ.get("HTTP_HX_REQUEST") == "true")
    _cv_app.get().g.__dict__[_G_POST] = post  # not the proxy: once per post
    return post


def current() -> ActionPost | None:
    """The current action post, if the request is one that was read."""
    # g's own dictionary, through the context variable Flask keeps it in:
    # several stages ask, and the proxy would cost more than the lookup.
    ctx = _cv_app.get(None)
    post: ActionPost | None = ctx.g.__dict__.get(_G_POST) if ctx is not None else None
    return post
