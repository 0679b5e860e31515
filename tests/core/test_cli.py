"""``flask actions list`` prints every action, like ``flask routes``."""

from __future__ import annotations

import types

import pytest
from flask import Flask

import flask_server_actions.listing
from flask_server_actions import ServerActions

from . import decorated  # noqa: F401 - imported so its actions exist
from .kinds_app import create_app as create_kinds_app


def list_actions(app: Flask) -> list[list[str]]:
    result = app.test_cli_runner().invoke(args=["actions", "list"])
    assert result.exit_code == 0, result.output
    return [line.split() for line in result.output.splitlines()]


@pytest.mark.parametrize("row", [
    ["tests.core_actions:create_user", "module", "tests.core_actions", "-"],
    ["tests.core_actions:delete_user", "module", "tests.core_actions", "-"],
    ["tests.core.decorated:archive", "module", "tests.core.decorated", "-"],
    ["tests.core_app:create_app.<locals>.show_post.<locals>.update_post",
     "inline", "view", "show_post", "-"],
    ["tests.core_app:create_app.<locals>.show_post.<locals>.delete_post",
     "inline", "view", "show_post", "-"],
    ["tests.core_app:members_home.<locals>.join", "inline", "view", "members.members_home", "-"],
])
def test_lists_module_level_and_inline_actions(app: Flask, row: list[str]) -> None:
    assert row in list_actions(app)


@pytest.mark.parametrize("row", [
    ["tests.core.kinds_app:Thing.get.<locals>.act", "inline", "view", "thing", "-"],
    ["tests.core.kinds_app:create_app.<locals>.LocalThing.get.<locals>.act",
     "inline", "view", "local_thing", "-"],
])
def test_lists_the_actions_of_class_based_views(row: list[str]) -> None:
    assert row in list_actions(create_kinds_app())


@pytest.mark.parametrize("name", ["_helper", "helper", "create_app", "show_post"])
def test_leaves_out_what_is_not_marked(app: Flask, name: str) -> None:
    last_names = {row[0].replace(":", ".").rpartition(".")[2] for row in list_actions(app)}
    assert "update_post" in last_names
    assert name not in last_names


def test_prints_a_header_and_rows_sorted(app: Flask) -> None:
    lines = list_actions(app)
    assert lines[0] == ["Action", "Kind", "Where", "Options"]
    assert set("".join(lines[1])) == {"-"}
    assert lines[2:] == sorted(lines[2:])


def test_says_so_when_there_is_no_action(monkeypatch: pytest.MonkeyPatch) -> None:
    # As in a process that imported no module of actions.
    monkeypatch.setattr(flask_server_actions.listing, "sys", types.SimpleNamespace(modules={}))
    app = Flask("bare")
    ServerActions(app)
    output = app.test_cli_runner().invoke(args=["actions", "list"]).output
    assert output == "No server actions found.\n"
