"""``flask actions list`` shows module-level actions and each view's inline
actions, like ``flask routes``."""

from __future__ import annotations

import pytest
from flask import Flask

from . import core_actions  # noqa: F401  (a "use server" module, imported as an app would)
from .core_app import create_app as create_core_app
from .core_shapes import create_app as create_shapes_app
from .core_shapes import create_empty_app


def listing(app: Flask) -> list[list[str]]:
    result = app.test_cli_runner().invoke(args=["actions", "list"])
    assert result.exit_code == 0, result.output
    return [line.split() for line in result.output.splitlines()]


@pytest.fixture(scope="module")
def rows() -> list[list[str]]:
    return listing(create_shapes_app()) + listing(create_core_app())


def test_the_listing_has_a_header() -> None:
    lines = listing(create_shapes_app())
    assert lines[0] == ["Action", "Kind", "Where"]
    assert set("".join(lines[1])) == {"-"}


@pytest.mark.parametrize("row", [
    ["tests.core_actions:create_user", "module", "tests.core_actions"],
    ["tests.core_actions:fetch_users", "module", "tests.core_actions"],
    ["tests.core_actions:delete_user", "module", "tests.core_actions"],
    ["tests.core_shapes:archive", "module", "tests.core_shapes"],
    ["tests.core_shapes:archive_with_options", "module", "tests.core_shapes"],
])
def test_module_level_actions_are_listed(rows: list[list[str]], row: list[str]) -> None:
    assert row in rows


@pytest.mark.parametrize(("action", "endpoint"), [
    ("tests.core_app:create_app.<locals>.show_post.<locals>.update_post", "show_post"),
    ("tests.core_app:create_app.<locals>.show_post.<locals>.delete_post", "show_post"),
    ("tests.core_app:members_home.<locals>.join", "members.members_home"),
    ("tests.core_app:create_app.<locals>.async_page.<locals>.stamp", "async_page"),
    ("tests.core_shapes:create_app.<locals>.varargs.<locals>.collect", "varargs"),
    ("tests.core_shapes:PostView.get.<locals>.publish", "post_view"),
    ("tests.core_shapes:create_app.<locals>.LocalView.get.<locals>.pin", "local_view"),
])
def test_inline_actions_are_listed_with_their_view(rows: list[list[str]], action: str,
                                                   endpoint: str) -> None:
    assert [action, "inline", "view", endpoint] in rows


@pytest.mark.parametrize("name", [
    "tests.core_actions:_helper",
    "tests.core_shapes:not_an_action",
    "tests.core_shapes:show",
    "tests.core_shapes:create_empty_app.<locals>.index.<locals>.helper",
    "tests.core_app:create_app",
])
def test_private_and_unmarked_functions_are_not_listed(rows: list[list[str]],
                                                       name: str) -> None:
    assert name not in [row[0] for row in rows]


def test_an_app_without_actions_says_so(monkeypatch: pytest.MonkeyPatch) -> None:
    # Module-level actions are looked for in every imported module: show the
    # command an interpreter where none is imported.
    monkeypatch.setattr("sys.modules", {})
    result = create_empty_app().test_cli_runner().invoke(args=["actions", "list"])
    assert result.output == "No server actions found.\n"
