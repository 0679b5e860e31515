"""``flask actions list`` prints every action of the app, like ``flask routes``:
module-level and inline ones, where they are, and their options."""

from __future__ import annotations

import types

import pytest
from flask import Flask

from flask_server_actions import ServerActions
from flask_server_actions import listing

from . import decorated  # noqa: F401 - imported so its actions exist
from .kinds_app import create_app as create_kinds_app
from .listing_app import create_app as create_listing_app


def list_actions(app: Flask) -> list[list[str]]:
    """The printed table, a row per line, cells split on two spaces."""
    result = app.test_cli_runner().invoke(args=["actions", "list"])
    assert result.exit_code == 0, result.output
    return [[cell.strip() for cell in line.split("  ") if cell.strip()]
            for line in result.output.splitlines()]


def first_cells(app: Flask) -> list[list[str]]:
    """The rows without their guards (test_shows_the_guards... checks those)."""
    return [line[:4] for line in list_actions(app)]


@pytest.mark.parametrize("row", [
    ["tests.core.core_actions:create_user", "module", "tests.core.core_actions", "-"],
    ["tests.core.core_actions:delete_user", "module", "tests.core.core_actions", "-"],
    ["tests.core.decorated:archive", "module", "tests.core.decorated", "-"],
    ["tests.core.core_app:create_app.<locals>.show_post.<locals>.update_post",
     "inline", "view show_post", "-"],
    ["tests.core.core_app:create_app.<locals>.show_post.<locals>.delete_post",
     "inline", "view show_post", "-"],
    ["tests.core.core_app:members_home.<locals>.join", "inline", "view members.members_home", "-"],
])
def test_lists_module_level_and_inline_actions(app: Flask, row: list[str]) -> None:
    assert row in first_cells(app)


@pytest.mark.parametrize("row", [
    ["tests.core.kinds_app:Thing.get.<locals>.act", "inline", "view thing", "-"],
    ["tests.core.kinds_app:create_app.<locals>.LocalThing.get.<locals>.act",
     "inline", "view local_thing", "-"],
])
def test_lists_the_actions_of_class_based_views(row: list[str]) -> None:
    assert row in first_cells(create_kinds_app())


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
    assert row in first_cells(create_listing_app())


@pytest.mark.parametrize("row", [
    ["tests.core.listing_app:contact", "module", "tests.core.listing_app",
     "form=NoteForm limit=3/600 key=user setup=team_choices"],
    ["tests.core.listing_app:ping", "module", "tests.core.listing_app",
     "once limit=5/minute key=by_team scope=app"],
    ["tests.core.listing_app:create_app.<locals>.notes.<locals>.report", "inline", "view notes",
     "form=NoteForm limit=3/600 key=by_team setup=team_choices scope=app"],
])
def test_shows_each_actions_limit_setup_and_scope(row: list[str]) -> None:
    """Which actions are rate limited, set up or for every page: an audit."""
    assert row in first_cells(create_listing_app())


def test_options_of_an_inline_action_without_source_are_unknown() -> None:
    assert ["tests.core.listing_app:generated.<locals>.act", "inline", "view generated",
            "?"] in first_cells(create_listing_app())


@pytest.mark.parametrize("name", ["_helper", "helper", "create_app", "show_post"])
def test_leaves_out_what_is_not_marked(app: Flask, name: str) -> None:
    last_names = {row[0].replace(":", ".").rpartition(".")[2] for row in list_actions(app)}
    assert "update_post" in last_names
    assert name not in last_names


def test_prints_a_header_and_rows_sorted(app: Flask) -> None:
    lines = list_actions(app)
    assert lines[0] == ["Action", "Kind", "Where", "Options", "Guards"]
    assert set("".join(lines[1])) == {"-"}
    assert lines[2:] == sorted(lines[2:])


def test_says_so_when_there_is_no_action(monkeypatch: pytest.MonkeyPatch) -> None:
    # As in a process that imported no module of actions, with a view that
    # is not a function.
    monkeypatch.setattr(listing, "sys", types.SimpleNamespace(modules={}))
    app = Flask("bare")
    ServerActions(app)
    app.view_functions["odd"] = object()  # type: ignore[assignment]
    assert list_actions(app) == [["No server actions found."]]


@pytest.mark.parametrize("row", [
    # As they run: the app's hooks, the blueprints' (outer first), the view's
    # decorators, the before_action checks.
    ["tests.core.listing_app:create_app.<locals>.board.<locals>.archive", "inline",
     "view admin.staff.board", "form=NoteForm",
     "app:maintenance, admin:admins_only, admin.staff:staff_only, @login_required,"
     " before_action:audit"],
    # A module-level page action is guarded by the page that shows it.
    ["tests.core.listing_app:annotated", "module", "tests.core.listing_app", "form=NoteForm",
     "app:maintenance, (the page's hooks and decorators), before_action:audit"],
    # An action for every page: the app's hooks and checks only.
    ["tests.core.listing_app:sign_out", "module", "tests.core.listing_app", "scope=app",
     "app:maintenance, before_action:audit"],
])
def test_shows_the_guards_in_front_of_each_action_and_annotated_forms(row: list[str]) -> None:
    assert row in list_actions(create_listing_app())


class _Guard:
    """A decorator's wrapper that is an object, not a function."""

    def __call__(self) -> str:
        return ""


def test_a_decorator_is_named_by_what_made_its_wrapper() -> None:
    assert listing._decorator_name(_Guard()) == "_Guard"
    # A wrapper whose maker is not among its module's functions: its own name.
    namespace: dict[str, object] = {}
    exec("def make():\n    def wrapper():\n        pass\n    return wrapper", namespace)
    wrapper = namespace.pop("make")()  # type: ignore[operator]
    assert listing._decorator_name(wrapper) == "wrapper"
