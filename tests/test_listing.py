"""``flask actions list`` shows every action of the app."""

from __future__ import annotations

import pytest
from flask import Flask

from flask_server_actions import ServerActions
from flask_server_actions import listing

from .core_app import create_app


def _rows(app: Flask) -> list[list[str]]:
    output = app.test_cli_runner().invoke(args=["actions", "list"]).output
    return [line.split(maxsplit=2) for line in output.splitlines()]


def test_lists_module_and_inline_actions() -> None:
    rows = _rows(create_app())
    assert rows[0] == ["Action", "Kind", "Where"]
    assert ["tests.core_actions:create_user", "module", "tests.core_actions"] in rows
    assert ["tests.core_app:create_app.<locals>.show_post.<locals>.update_post", "inline",
            "view show_post"] in rows


def test_says_so_when_there_is_none(monkeypatch: pytest.MonkeyPatch) -> None:
    app = Flask("empty")
    ServerActions(app)
    app.view_functions["odd"] = object()  # type: ignore[assignment]  # not a function
    monkeypatch.setattr(listing, "_module_actions", lambda: iter(()))
    assert _rows(app) == [["No", "server", "actions found."]]
