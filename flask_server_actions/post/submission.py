"""The submission of the current action post, as its stages have read it.

:func:`~.dispatch.open_submission` keeps the opened token (or why it is
stale) here, before any hook of the app runs; the stages after it read it
back with :func:`kept_opened` and :func:`opened_token`.
"""

from __future__ import annotations

import typing as t

from flask import g

from ..errors import StaleSubmission
from ..token.envelope import token_of

if t.TYPE_CHECKING:
    from ..token.envelope import ActionToken

_G_OPENED = "_server_actions_opened"


def keep_opened(opened: ActionToken | StaleSubmission) -> None:
    """Keep the opened token of the current action post (or why it is stale)."""
    setattr(g, _G_OPENED, opened)


def kept_opened() -> ActionToken | StaleSubmission:
    """The opened token of the current action post (or why it is stale)."""
    return t.cast("ActionToken | StaleSubmission", g.get(_G_OPENED))


def opened_token_of(opened: ActionToken | StaleSubmission) -> ActionToken:
    """The token of ``opened``, stale or not."""
    return token_of(opened) if isinstance(opened, StaleSubmission) else opened


def opened_token() -> ActionToken:
    """The token of the current action post, as opened (stale or not)."""
    return opened_token_of(kept_opened())
