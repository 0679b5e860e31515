"""Moved to :mod:`flask_server_actions.page.templating`.

This module keeps earlier imports working."""

from __future__ import annotations

from .page.templating import ActionHelper as ActionHelper
