"""Server actions for Flask: ``"use server"`` functions behind plain HTML forms."""

from __future__ import annotations

from .errors import ActionError
from .errors import ServerActionError
from .extension import ServerActions
from .htmx import htmx
from .integrations.stores import ActionStore
from .integrations.stores import MemoryStore
from .integrations.stores import RedisStore
from .integrations.upload_storage import DirectoryStorage
from .integrations.upload_storage import RedisUploadStorage
from .integrations.upload_storage import UploadStorage
from .marking import server_action
from .page.state import ActionState
from .page.state import action_state
from .post.action_call import ActionCall

__all__ = [
    "ActionCall",
    "ActionError",
    "ActionState",
    "ActionStore",
    "DirectoryStorage",
    "MemoryStore",
    "RedisStore",
    "RedisUploadStorage",
    "ServerActionError",
    "ServerActions",
    "UploadStorage",
    "action_state",
    "htmx",
    "server_action",
]

#: The version of this package (``setup.cfg`` and the docs read it here).
__version__ = "0.3.0"
