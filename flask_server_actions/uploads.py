"""Moved to :mod:`flask_server_actions.post.uploads`.

This module keeps earlier imports working."""

from __future__ import annotations

from .post.uploads import KeptFile as KeptFile
