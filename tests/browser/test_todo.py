"""The to-do example in Chromium, with JavaScript off, htmx 4 and htmx 2:
each row answers with itself (rename on Enter, toggle, delete, a failed
rename), a row that came with "load more" too, and a refused action (an
item deleted meanwhile, a read-only list, an expired page) shows its
message in the notice region while the list stays; an expired row works
when sent again."""

from __future__ import annotations

import contextlib
import sqlite3
import threading
import typing as t
from pathlib import Path

import pytest
from flask import Flask
from werkzeug.serving import make_server

from examples.todo.app import create_app
from examples.todo.db import SEED

from .conftest import HTMX
from .conftest import MODES

if t.TYPE_CHECKING:
    from playwright.sync_api import Browser
    from playwright.sync_api import Page


class Todo:
    """The to-do list on a loopback port, in a fresh browser context."""

    def __init__(self, app: Flask, url: str, page: Page, mode: str) -> None:
        self.app, self.url, self.page, self.mode = app, url, page, mode

    @property
    def javascript(self) -> bool:
        return self.mode != "no-js"

    def open(self) -> None:
        self.page.goto(self.url + "/")
        if self.javascript:
            assert self.page.evaluate("htmx.version")[0] == self.mode[-1]
            self.page.evaluate("window.sameDocument = true")  # lost on a page load

    def sql(self, statement: str) -> None:
        with contextlib.closing(sqlite3.connect(self.app.config["DATABASE"])) as db, db:
            db.execute(statement)

    def wait_for_title(self, row: str, title: str) -> None:
        """Wait until the row shows the title; without JavaScript the page
        is being replaced meanwhile, so the row may not be there yet."""
        self.page.wait_for_function(
            "([row, title]) => document.querySelector(row + ' a')?.textContent === title",
            arg=[row, title])

    def titles(self) -> list[str]:
        return self.page.locator("#todos li a").all_text_contents()

    def swapped_in_place(self) -> None:
        if self.javascript:
            assert self.page.evaluate("window.sameDocument === true")
            assert self.page.url == self.url + "/"


@pytest.fixture(scope="module")
def todo_apps(tmp_path_factory: pytest.TempPathFactory) -> t.Iterator[dict[int, tuple[Flask, str]]]:
    started: dict[int, tuple[Flask, str]] = {}
    stops = []
    for version in (4, 2):
        htmx_file = HTMX / f"htmx{version}.js"
        if not htmx_file.is_file():
            pytest.fail(f"{htmx_file} is missing: run `bash scripts/fetch-htmx`.", pytrace=False)
        app = create_app({
            "SECRET_KEY": f"browser todo {version}",
            "DATABASE": str(tmp_path_factory.mktemp("todo") / "todo.sqlite"),
            "SERVER_ACTIONS_HTMX_SRC": htmx_file, "SERVER_ACTIONS_HTMX_VERSION": version,
        })
        http = make_server("127.0.0.1", 0, app, threaded=True)
        threading.Thread(target=http.serve_forever, daemon=True).start()
        stops.append(http.shutdown)
        started[version] = (app, f"http://127.0.0.1:{http.server_port}")
    yield started
    for stop in stops:
        stop()


@pytest.fixture(params=MODES)
def todo(request: pytest.FixtureRequest, browser: Browser,
         todo_apps: dict[int, tuple[Flask, str]], tmp_path: Path) -> t.Iterator[Todo]:
    app, url = todo_apps[2 if request.param == "htmx2" else 4]
    config = dict(app.config)
    app.config["DATABASE"] = str(tmp_path / "todo.sqlite")  # seeded on first use
    context = browser.new_context(java_script_enabled=request.param != "no-js")
    page = context.new_page()
    page.set_default_timeout(10_000)
    try:
        yield Todo(app, url, page, request.param)
    finally:
        context.close()
        app.config.clear()
        app.config.update(config)


def test_rename_on_enter_swaps_the_row(todo: Todo) -> None:
    todo.open()
    todo.page.fill("#todo-2 input[name=title]", "Write the changelog")
    todo.page.press("#todo-2 input[name=title]", "Enter")
    todo.wait_for_title("#todo-2", "Write the changelog")
    assert todo.titles() == [SEED[0], "Write the changelog", SEED[2]]
    todo.swapped_in_place()


def test_toggle_swaps_the_row(todo: Todo) -> None:
    todo.open()
    todo.page.click("#todo-3 .toggle")
    todo.page.wait_for_selector("#todo-3.done")
    assert todo.page.locator("#todos li.done").count() == 1
    assert todo.page.text_content("#todo-3 .toggle").strip() == "Undo"
    todo.swapped_in_place()


def test_delete_removes_the_row(todo: Todo) -> None:
    todo.open()
    todo.page.click("#todo-1 .delete")
    todo.page.wait_for_selector("#todo-1", state="detached")
    assert todo.titles() == SEED[1:]
    assert todo.page.text_content("#messages .flash") == "Deleted."
    todo.swapped_in_place()


def test_a_failed_rename_shows_the_error_in_its_row_with_the_input(todo: Todo) -> None:
    todo.open()
    todo.page.fill("#todo-3 input[name=title]", SEED[0])
    todo.page.click("#todo-3 .save")
    todo.page.wait_for_selector("#todo-3 .action-field-error")
    assert todo.page.text_content("#todo-3 .action-field-error") == "Another item already says that."
    assert todo.page.input_value("#todo-3 input[name=title]") == SEED[0]
    assert todo.page.locator("#todos [aria-invalid=true]").count() == 1
    assert todo.titles() == SEED
    todo.swapped_in_place()


@pytest.mark.parametrize(("refusal", "message"), [
    ("deleted", "That item no longer exists: it may have been deleted."),
    ("read-only", "The list is read-only right now."),
])
def test_a_refused_action_shows_its_message_and_keeps_the_list(
        todo: Todo, refusal: str, message: str) -> None:
    todo.open()
    if refusal == "deleted":
        todo.sql("DELETE FROM todo WHERE id = 2")  # a teammate deleted it
    else:
        todo.app.config["TODO_READ_ONLY"] = True
    todo.page.click("#todo-2 .toggle")
    if todo.javascript:
        todo.page.wait_for_selector("#action-notice .action-notice")
        assert todo.page.text_content("#action-notice") == message
        assert todo.titles() == SEED  # the page as it was: the list stays
        todo.swapped_in_place()
    else:  # a page of its own, saying the same
        assert todo.page.text_content(".error-page") == message


def test_an_expired_page_shows_the_notice_keeps_the_input_and_works_again(
        todo: Todo) -> None:
    todo.app.config["SERVER_ACTIONS_MAX_AGE"] = 3  # seconds
    todo.open()
    todo.page.wait_for_timeout(4_500)  # the page's tokens expire; fresh ones have 3 s
    todo.page.fill("#todo-2 input[name=title]", "Typed before lunch")
    todo.page.press("#todo-2 input[name=title]", "Enter")
    todo.page.wait_for_selector("#action-notice .action-notice")
    assert "expired" in todo.page.text_content("#action-notice")
    assert todo.page.input_value("#todo-2 input[name=title]") == "Typed before lunch"
    assert todo.page.locator("#todos li").count() == 3
    if todo.javascript:
        assert todo.titles() == SEED
        todo.swapped_in_place()
    # The row came back with a fresh token: sent again at once, it works.
    todo.page.press("#todo-2 input[name=title]", "Enter")
    todo.wait_for_title("#todo-2", "Typed before lunch")
    assert todo.titles() == [SEED[0], "Typed before lunch", SEED[2]]
    todo.swapped_in_place()


def load_more(todo: Todo) -> None:
    """Show two items a page, open the list and load the third item."""
    todo.app.config["TODO_PAGE_SIZE"] = 2
    todo.open()
    assert todo.titles() == SEED[:2]
    todo.page.click("#more button")
    todo.page.wait_for_selector("#todo-3")
    assert todo.titles() == SEED
    assert todo.page.locator("#more").count() == 0
    todo.swapped_in_place()


def test_a_row_that_came_with_load_more_answers_with_itself(todo: Todo) -> None:
    load_more(todo)
    todo.page.click("#todo-3 .toggle")
    todo.page.wait_for_selector("#todo-3.done")
    assert todo.page.text_content("#todo-3 .toggle").strip() == "Undo"
    todo.page.fill("#todo-3 input[name=title]", "Call the bank today")
    todo.page.press("#todo-3 input[name=title]", "Enter")
    todo.wait_for_title("#todo-3", "Call the bank today")
    assert todo.titles() == [*SEED[:2], "Call the bank today"]
    if todo.javascript:
        todo.swapped_in_place()
    else:  # back on the page of its own that "load more" went to
        assert todo.page.url == todo.url + "/?shown=4"


def test_a_failed_rename_of_a_row_that_came_with_load_more_shows_in_that_row(
        todo: Todo) -> None:
    load_more(todo)
    todo.page.fill("#todo-3 input[name=title]", SEED[0])
    todo.page.click("#todo-3 .save")
    todo.page.wait_for_selector("#todo-3 .action-field-error")
    assert todo.page.text_content("#todo-3 .action-field-error") == "Another item already says that."
    assert todo.page.input_value("#todo-3 input[name=title]") == SEED[0]
    assert todo.titles() == SEED
    if todo.javascript:
        todo.swapped_in_place()


def test_a_row_that_came_with_load_more_can_be_deleted(todo: Todo) -> None:
    load_more(todo)
    todo.page.click("#todo-3 .delete")
    todo.page.wait_for_selector("#todo-3", state="detached")
    assert todo.titles() == SEED[:2]
    if todo.javascript:
        todo.swapped_in_place()
