"""Moved to :mod:`flask_server_actions.integrations.login`.

This module keeps earlier imports working."""

from __future__ import annotations

from .integrations.login import require_login as require_login
