from __future__ import annotations

from ..security.conftest import redis_url  # noqa: F401 - a real redis-server
