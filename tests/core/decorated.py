"""Module-level actions marked one by one with the decorator (the module
itself is not a "use server" module)."""

from __future__ import annotations

import functools
import typing as t

from werkzeug.datastructures import MultiDict

from flask_server_actions import server_action

from ..store import STORE

F = t.TypeVar("F", bound=t.Callable[..., t.Any])


def audited(fn: F) -> F:
    """A decorator that keeps the function's name, like most auth decorators."""

    @functools.wraps(fn)
    def wrapper(*args: t.Any) -> t.Any:
        STORE.append(("audit", fn.__name__))
        return fn(*args)

    return t.cast(F, wrapper)


@server_action
def publish(form: MultiDict[str, t.Any]) -> None:
    STORE.append(("publish", form["title"]))


@audited
@server_action
def archive(form: MultiDict[str, t.Any]) -> None:
    STORE.append(("archive", form["title"]))


def helper() -> None:
    """Public but not marked: not an action."""
