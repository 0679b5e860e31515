"""Moved to :mod:`flask_server_actions.integrations.upload_storage`.

This module keeps earlier imports working."""

from __future__ import annotations

from .integrations.upload_storage import DirectoryStorage as DirectoryStorage
from .integrations.upload_storage import RedisUploadStorage as RedisUploadStorage
from .integrations.upload_storage import UploadStorage as UploadStorage
