"""Server actions for Flask: ``"use server"`` functions behind plain HTML forms."""

from __future__ import annotations

from .errors import ActionError
from .errors import ServerActionError
from .extension import ServerActions
from .guards import ActionCall
from .htmx import htmx
from .marking import server_action
from .state import ActionState
from .state import action_state
from .stores import ActionStore
from .stores import MemoryStore
from .stores import RedisStore
from .upload_storage import DirectoryStorage
from .upload_storage import RedisUploadStorage
from .upload_storage import UploadStorage

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
