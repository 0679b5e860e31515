"""``flask actions list`` shows every action of the app."""

from __future__ import annotations

import pytest
from flask import Flask

from flask_server_actions import ServerActions
from flask_server_actions import listing

from ..core_app import create_app
from .listing_app import create_app as create_listing_app


def _rows(app: Flask) -> list[list[str]]:
    output = app.test_cli_runner().invoke(args=["actions", "list"]).output
    return [[cell.strip() for cell in line.split("  ") if cell.strip()]
            for line in output.splitlines()]


def test_lists_module_and_inline_actions() -> None:
    rows = _rows(create_app())
    assert rows[0] == ["Action", "Kind", "Where", "Options"]
    assert ["tests.core_actions:create_user", "module", "tests.core_actions", "-"] in rows
    assert ["tests.core_app:create_app.<locals>.show_post.<locals>.update_post", "inline",
            "view show_post", "-"] in rows


@pytest.mark.parametrize("row", [
    ["tests.core.listing_app:create_note", "module", "tests.core.listing_app",
     "form=NoteForm once require=must_be_admin"],
    ["tests.core.listing_app:create_app.<locals>.notes.<locals>.rename", "inline", "view notes",
     "form=NoteForm once require=must_be_admin"],
    ["tests.core.listing_app:create_app.<locals>.notes.<locals>.plain", "inline", "view notes",
     "-"],
    ["tests.core.listing_app:create_app.<locals>.notes.<locals>.marked", "inline", "view notes",
     "-"],
])
def test_shows_each_actions_form_once_and_require(row: list[str]) -> None:
    assert row in _rows(create_listing_app())


def test_options_of_an_inline_action_without_source_are_unknown() -> None:
    assert ["tests.core.listing_app:generated.<locals>.act", "inline", "view generated",
            "?"] in _rows(create_listing_app())


def test_says_so_when_there_is_none(monkeypatch: pytest.MonkeyPatch) -> None:
    app = Flask("empty")
    ServerActions(app)
    app.view_functions["odd"] = object()  # type: ignore[assignment]  # not a function
    monkeypatch.setattr(listing, "_module_actions", lambda: iter(()))
    assert _rows(app) == [["No server actions found."]]
