"""Moved to :mod:`flask_server_actions.integrations.stores`.

This module keeps earlier imports working."""

from __future__ import annotations

from .integrations.stores import ActionStore as ActionStore
from .integrations.stores import MemoryStore as MemoryStore
from .integrations.stores import RedisStore as RedisStore
