"""Module-level actions marked one by one with the decorator (the module
itself is not a "use server" module)."""

from __future__ import annotations

import typing as t

from werkzeug.datastructures import MultiDict

from flask_server_actions import server_action

from .store import STORE


@server_action
def archive(form: MultiDict[str, t.Any]) -> None:
    STORE.append(("archive", form["id"]))


def helper() -> None:
    """Public but not marked: not an action."""
