"use server"

# docs/quickstart.rst: a module whose docstring is "use server". Every
# public function defined here is a server action.
from __future__ import annotations

import typing as t

from flask_server_actions import ActionError

USERS: list[str] = ["ada", "grace"]


def create_user(form: t.Any) -> None:
    name = form.get("name", "").strip()
    if not name:
        raise ActionError("Enter a name.", field="name")
    USERS.append(name)


def fetch_users() -> list[str]:
    return list(USERS)


def remove_user(name: str, form: t.Any) -> None:
    # ``name`` was bound in the template: {{ action.button(remove_user, name) }}
    USERS.remove(name)
