"""Moved to :mod:`flask_server_actions.integrations.models`.

This module keeps earlier imports working."""

from __future__ import annotations

from .integrations.models import SQLAlchemyRows as SQLAlchemyRows
