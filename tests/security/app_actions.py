"""use server"""

from __future__ import annotations

import typing as t

from flask_server_actions import server_action

from ..store import STORE
from . import app_checks


@server_action(once=True, require=app_checks.members_only)
def transfer(amount: int, form: t.Any) -> None:
    STORE.append(("transfer", amount))




def page_of(query: t.Any, page: int = 1) -> dict[str, t.Any]:
    """A call whose default is in the code, not sealed: the client may set it."""
    return {"query": query, "page": page}
