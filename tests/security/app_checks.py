"""Importable checks for ``require=``: what a real app writes once."""

from __future__ import annotations

import typing as t

from flask import abort
from flask import session

from flask_server_actions import ActionCall

from ..store import STORE


def admin_only(call: ActionCall) -> None:
    """Abort with 403 unless the session belongs to an admin."""
    STORE.append(("checked", call.name))
    if not session.get("admin"):
        abort(403)


def members_only(call: ActionCall) -> bool:
    """Say whether the session belongs to a member (``False`` means 403)."""
    return bool(session.get("member"))


def login_page(call: ActionCall) -> t.Any:
    """Send anonymous users to the login page instead of running the action."""
    if not session.get("member"):
        return "please log in", 401
    return None


def renamed_admin_only(call: ActionCall) -> None:
    """:func:`admin_only` after a rename in a later deploy."""
    admin_only(call)
