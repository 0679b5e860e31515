"""Moved to :mod:`flask_server_actions.post.limits`.

This module keeps earlier imports working."""

from __future__ import annotations

from .post.limits import parse_limit as parse_limit
