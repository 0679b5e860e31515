"use server"

# A module of server actions, like the seed's app/actions.py: every public
# function defined here is an action.
from __future__ import annotations

import typing as t

from werkzeug.datastructures import MultiDict

from ..store import STORE


def create_user(form: MultiDict[str, t.Any]) -> None:
    STORE.append(("create_user", form["name"]))


def fetch_users() -> list[str]:
    return [name for kind, name in STORE if kind == "create_user"]


def delete_user(name: str, form: MultiDict[str, t.Any]) -> None:
    STORE.append(("delete_user", name))


def _helper() -> None:
    """Private: not an action."""
