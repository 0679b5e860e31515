"""use server"""

from __future__ import annotations

import typing as t

from flask_server_actions import server_action

from ..store import STORE
from . import app_checks


@server_action(once=True, require=app_checks.members_only)
def transfer(amount: int, form: t.Any) -> None:
    STORE.append(("transfer", amount))


