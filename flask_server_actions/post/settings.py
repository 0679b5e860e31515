"""What the layers below the extension get instead of the extension.

:class:`~flask_server_actions.ServerActions` builds one :class:`PostSettings`
per request that needs it (:meth:`~flask_server_actions.ServerActions.settings`):
the settings the post and the render side read, once, and the services the
extension keeps per app (the key ring, the store, the serializer, the
hooks). Modules under ``post/`` and ``page/`` take it as an argument, or
fetch it with :func:`settings_for`; none of them imports ``extension.py``.
"""

from __future__ import annotations

import functools
import secrets
import typing as t
from dataclasses import dataclass
from dataclasses import field

from flask.globals import _cv_request

if t.TYPE_CHECKING:
    from flask import Flask
    from flask.typing import ResponseReturnValue

    from ..integrations.stores import ActionStore
    from ..token.envelope import KeyRing
    from ..token.serialization import Serializer
    from .action_call import Check
    from .plans import Plans

#: The key of ``app.extensions`` holding the function that builds an app's
#: :class:`PostSettings` (the extension's :meth:`settings`).
FACTORY = "server_actions.settings"
_CACHED = "_server_actions_settings"


@dataclass(frozen=True)
class PostSettings:
    """The settings and services of one app, as one request reads them.

    Built by the extension, handed down: nothing below the extension looks
    the extension up.
    """

    #: The app.
    app: Flask
    #: The key ring, derived once per set of secrets.
    keys: KeyRing
    #: Writes and reads captured values, with the app's registered types.
    serializer: Serializer
    #: ``SERVER_ACTIONS_SESSION_KEY``.
    session_key: str
    #: ``SERVER_ACTIONS_MAX_AGE``.
    max_age: int
    #: ``SERVER_ACTIONS_MAX_TOKEN_SIZE``.
    max_token_size: int
    #: ``SERVER_ACTIONS_ALLOWED_ORIGINS``.
    allowed_origins: t.Sequence[str]
    #: ``SERVER_ACTIONS_ALLOWED_REDIRECT_HOSTS``.
    allowed_redirect_hosts: t.Sequence[str]
    #: ``SERVER_ACTIONS_ONCE``.
    once: bool
    #: The ``before_action`` checks, those for every app first.
    checks: t.Sequence[Check]
    #: The ``before_rerender`` functions, those for every app first.
    rerender_hooks: t.Sequence[t.Callable[[], t.Any]]
    #: The row loaders, by row partial or block.
    row_loaders: t.Mapping[str, t.Callable[..., t.Any]]
    #: What an action post runs in place of its page view's body.
    view_body: t.Callable[..., ResponseReturnValue]
    #: What the user reads about the error the current action post was
    #: answered with, by status (:func:`~.page.notices.error_of_request`).
    describe_error: t.Callable[[int], str]
    #: Finds the store (it is made on first use: a post that needs none
    #: never connects to one).
    find_store: t.Callable[[], ActionStore]
    #: The app's ``ensure_sync`` is Flask's own, which gives back any
    #: function that is no coroutine function: such an action is called
    #: as it is, without asking.
    calls_directly: bool = False
    #: What each action's posts need that depends only on the action
    #: (:mod:`.plans`), made on its first post.
    plans: Plans = field(default_factory=dict)

    @functools.cached_property
    def store(self) -> ActionStore:
        """The store recording one-time tokens and counting posts."""
        return self.find_store()

    def binding(self, session: t.MutableMapping[str, t.Any]) -> str:
        """The value binding tokens to the browser session ``session``,
        made (and so the session started) on first use."""
        return session_binding(session, self.session_key)


def session_binding(session: t.MutableMapping[str, t.Any], key: str) -> str:
    """The random value under ``key`` of ``session`` that binds tokens to
    it, made on first use."""
    value = session.get(key)
    if not (isinstance(value, str) and len(value) == 22):
        value = session[key] = secrets.token_urlsafe(16)
    return value


def settings_for(app: Flask) -> PostSettings:
    """``app``'s settings, built once per request (and for each call outside
    one)."""
    build: t.Callable[[Flask], PostSettings] = app.extensions[FACTORY]
    ctx = _cv_request.get(None)
    if ctx is None:
        return build(app)
    cache = ctx.request.__dict__
    found: PostSettings | None = cache.get(_CACHED)
    if found is None or found.app is not app:
        found = cache[_CACHED] = build(app)
    return found
