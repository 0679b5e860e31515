"""The to-do example, end to end through the test client."""

from __future__ import annotations

import sqlite3
from contextlib import closing
from pathlib import Path

import pytest
from bs4 import BeautifulSoup
from flask import Flask
from flask.testing import FlaskClient
from werkzeug.test import TestResponse

from examples.todo.app import create_app
from examples.todo.db import SEED
from flask_server_actions.testing import ActionClient

from ..html import Page


@pytest.fixture
def todo_app(tmp_path: Path) -> Flask:
    return create_app({"DATABASE": str(tmp_path / "todo.sqlite"), "SECRET_KEY": "test"})


@pytest.fixture
def todo(todo_app: Flask) -> FlaskClient:
    return todo_app.test_client()


def _titles(page: Page) -> list[str]:
    return [link.get_text(strip=True) for link in page.soup.select("#todos a")]


def _follow(client: FlaskClient, response: object) -> Page:
    assert getattr(response, "status_code", None) == 303
    return Page.get(client, response.headers["Location"])  # type: ignore[attr-defined]


def test_first_run_creates_and_seeds_the_database(todo: FlaskClient, todo_app: Flask) -> None:
    assert _titles(Page.get(todo, "/")) == SEED
    assert Path(todo_app.config["DATABASE"]).exists()


def test_add_an_item(todo: FlaskClient) -> None:
    page = _follow(todo, Page.get(todo, "/").form("#add").submit(title="Buy milk"))
    assert _titles(page)[-1] == "Buy milk"
    assert page.text(".flash") == "Added “Buy milk”."


@pytest.mark.parametrize(("title", "error"), [
    ("", "This field is required."),
    ("x" * 81, "Field cannot be longer than 80 characters."),
])
def test_invalid_item_is_refused_with_the_input_kept(
        todo: FlaskClient, title: str, error: str) -> None:
    response = Page.get(todo, "/").form("#add").submit(title=title)
    assert response.status_code == 422
    page = Page(todo, "/", response)
    assert page.text("#add .action-field-error") == error
    assert page.soup.select_one("#add input[name=title]")["value"] == title
    assert _titles(page) == SEED


def test_toggle_an_item(todo: FlaskClient) -> None:
    page = Page.get(todo, "/")
    page = _follow(todo, page.form("#todo-2 form").submit("#todo-2 .toggle"))
    assert page.soup.select_one("#todo-2")["class"] == ["done"]
    page = _follow(todo, page.form("#todo-2 form").submit("#todo-2 .toggle"))
    assert page.soup.select_one("#todo-2")["class"] == ["open"]


def test_delete_an_item(todo: FlaskClient) -> None:
    page = _follow(todo, Page.get(todo, "/").form("#todo-1 form").submit("#todo-1 .delete"))
    assert _titles(page) == SEED[1:]


def test_finish_all_shows_how_many_were_done(todo: FlaskClient) -> None:
    page = _follow(todo, Page.get(todo, "/").form("#todo-3 form").submit("#todo-3 .toggle"))
    response = page.form("#finish-all").submit()
    assert response.status_code == 200
    page = Page(todo, "/", response)
    assert page.text("#result") == "2 items done"
    assert {tuple(li["class"]) for li in page.soup.select("#todos li")} == {("done",)}


def test_rename_an_item(todo: FlaskClient) -> None:
    page = Page.get(todo, "/todos/1")
    assert page.value("title") == SEED[0]
    page = _follow(todo, page.form("#rename").submit(title="Water the garden"))
    assert _titles(page)[0] == "Water the garden"


@pytest.mark.parametrize(("title", "error"), [
    ("", "This field is required."),
    (SEED[1], "Another item already says that."),
])
def test_rename_refused_keeps_the_input(todo: FlaskClient, title: str, error: str) -> None:
    response = Page.get(todo, "/todos/1").form("#rename").submit(title=title)
    assert response.status_code == 422
    page = Page(todo, "/todos/1", response)
    assert page.text("#title-error") == error
    assert page.value("title") == title


def test_unknown_item_is_404(todo: FlaskClient) -> None:
    assert todo.get("/todos/99").status_code == 404


def test_data_lives_in_the_configured_database(todo: FlaskClient, todo_app: Flask) -> None:
    Page.get(todo, "/").form("#add").submit(title="Persisted")
    with closing(sqlite3.connect(todo_app.config["DATABASE"])) as connection:
        titles = [row[0] for row in connection.execute("SELECT title FROM todo")]
    assert titles[-1] == "Persisted"


HX = {"HX-Request": "true"}


def _soup(response: TestResponse) -> BeautifulSoup:
    return BeautifulSoup(response.get_data(as_text=True), "html.parser")


def _rows(response: TestResponse) -> list[str]:
    return [str(li["id"]) for li in _soup(response).select("li")]


def test_under_htmx_a_row_answers_with_itself(todo: FlaskClient) -> None:
    page = Page.get(todo, "/")
    response = page.form("#todo-2 form").submit("#todo-2 .toggle", headers=HX)
    assert (response.status_code, _rows(response)) == (200, ["todo-2"])
    response = page.form("#todo-3 form").submit(title="Call the plumber", headers=HX)
    assert _rows(response) == ["todo-3"]
    assert "Call the plumber" in response.get_data(as_text=True)


def test_under_htmx_a_failed_rename_answers_with_its_row_and_error(todo: FlaskClient) -> None:
    response = Page.get(todo, "/").form("#todo-3 form").submit(title=SEED[0], headers=HX)
    assert (response.status_code, _rows(response)) == (422, ["todo-3"])
    assert "Another item already says that." in response.get_data(as_text=True)


def test_under_htmx_a_deleted_row_answers_nothing_and_the_message(todo: FlaskClient) -> None:
    response = Page.get(todo, "/").form("#todo-1 form").submit("#todo-1 .delete", headers=HX)
    assert _rows(response) == []
    assert _soup(response).select_one("#messages[hx-swap-oob] .flash").get_text() == "Deleted."


def test_under_htmx_an_item_deleted_meanwhile_is_a_notice(todo: FlaskClient,
                                                        todo_app: Flask) -> None:
    page = Page.get(todo, "/")
    with closing(sqlite3.connect(todo_app.config["DATABASE"])) as connection, connection:
        connection.execute("DELETE FROM todo WHERE id = 2")
    response = page.form("#todo-2 form").submit("#todo-2 .toggle", headers=HX)
    assert (response.status_code, response.headers["HX-Retarget"]) == (404, "#action-notice")
    assert "no longer exists" in response.get_data(as_text=True)
    plain = page.form("#todo-2 form").submit("#todo-2 .toggle")
    assert "no longer exists" in Page(todo, "/", plain).text(".error-page")


def test_a_read_only_list_refuses_changes(todo: FlaskClient, todo_app: Flask) -> None:
    page = Page.get(todo, "/")
    todo_app.config["TODO_READ_ONLY"] = True
    response = page.form("#todo-2 form").submit("#todo-2 .delete", headers=HX)
    assert (response.status_code, response.headers["HX-Retarget"]) == (403, "#action-notice")
    assert "read-only" in response.get_data(as_text=True)
    assert _titles(Page.get(todo, "/")) == SEED


# The same rows through the users' test client (flask_server_actions.testing),
# in its htmx mode: what an app's own tests would write.


@pytest.fixture
def todo_actions(todo_app: Flask) -> ActionClient:
    return ActionClient(todo_app)


def test_the_test_client_renames_a_row_as_htmx_and_gets_that_row_alone(
        todo_actions: ActionClient) -> None:
    page = todo_actions.get("/")
    row = page.form(action="rename")
    answer = row.submit(htmx=True, title="Renamed by the test client")
    assert answer.status_code == 200
    assert answer.html.count("<li") == 1 and "Renamed by the test client" in answer
    assert answer.htmx_headers.get("HX-Reswap") is None  # swapped where the form targets


def test_the_test_client_sees_a_failed_rename_in_its_row(todo_actions: ActionClient) -> None:
    row = todo_actions.get("/").form(action="rename")
    answer = row.submit(htmx=True, title="x" * 81)
    assert answer.status_code == 422
    assert answer.html.count("<li") == 1
    assert "Field cannot be longer than 80 characters." in answer


def test_the_test_client_deletes_a_row_as_htmx(todo_actions: ActionClient) -> None:
    row = todo_actions.get("/").form(action="rename")
    answer = row.submit("Delete", htmx=True)
    assert answer.status_code == 200
    assert answer.htmx_headers["HX-Reswap"] == "delete"
    assert len(todo_actions.get("/").html.split('<li id="todo-')) - 1 == len(SEED) - 1


# "Load more" and the rows it brings (issue 27, item 1): two items a page.


@pytest.fixture
def paged(todo_app: Flask) -> FlaskClient:
    todo_app.config["TODO_PAGE_SIZE"] = 2
    return todo_app.test_client()


def test_load_more_without_javascript_goes_to_the_page_down_to_the_next_items(
        paged: FlaskClient) -> None:
    page = Page.get(paged, "/")
    assert _titles(page) == SEED[:2]
    response = page.form("#more form").submit()
    assert (response.status_code, response.headers["Location"]) == (303, "/?shown=4")
    page = _follow(paged, response)
    assert _titles(page) == SEED
    assert page.soup.select_one("#more") is None  # nothing more to load


def test_without_javascript_a_failed_rename_of_a_loaded_row_shows_it_on_its_page(
        paged: FlaskClient) -> None:
    page = _follow(paged, Page.get(paged, "/").form("#more form").submit())
    response = page.form("#todo-3 form").submit(title=SEED[0])
    assert response.status_code == 422
    page = Page(paged, "/?shown=4", response)
    assert page.text("#todo-3 .action-field-error") == "Another item already says that."
    assert page.soup.select_one("#todo-3 input[name=title]")["value"] == SEED[0]
    ok = page.form("#todo-3 form").submit(title="Call the bank today")
    assert ok.headers["Location"] == "/?shown=4"  # back where it was


def loaded(client: FlaskClient) -> Page:
    """The htmx answer to "load more": the third item, and no next button."""
    response = Page.get(client, "/").form("#more form").submit(headers=HX)
    assert (response.status_code, _rows(response)) == (200, ["todo-3"])
    return Page(client, "/", response)


def test_under_htmx_a_loaded_row_answers_with_itself(paged: FlaskClient) -> None:
    response = loaded(paged).form("#todo-3 form").submit("#todo-3 .toggle", headers=HX)
    assert (response.status_code, _rows(response)) == (200, ["todo-3"])
    assert _soup(response).select_one("#todo-3")["class"] == ["done"]


def test_under_htmx_a_failed_rename_of_a_loaded_row_answers_its_row(
        paged: FlaskClient) -> None:
    response = loaded(paged).form("#todo-3 form").submit(title=SEED[0], headers=HX)
    assert (response.status_code, _rows(response)) == (422, ["todo-3"])
    html = _soup(response)
    assert html.select_one("#todo-3 .action-field-error").get_text() == "Another item already says that."
    assert html.select_one("#todo-3 input[name=title]")["value"] == SEED[0]


def test_under_htmx_a_deleted_loaded_row_is_removed(paged: FlaskClient) -> None:
    response = loaded(paged).form("#todo-3 form").submit("#todo-3 .delete", headers=HX)
    assert (response.status_code, response.headers["HX-Reswap"]) == (200, "delete")
    assert _rows(response) == []


GERMAN = {"Accept-Language": "de"}


def _lang(response: TestResponse) -> str:
    return str(_soup(response).html["lang"])


def test_the_list_speaks_the_browsers_language(todo: FlaskClient) -> None:
    english, german = todo.get("/"), todo.get("/", headers=GERMAN)
    assert (_lang(english), _lang(german)) == ("en", "de")
    assert _soup(german).select_one("h1").get_text() == "Zu erledigen"
    assert _soup(german).select_one("label[for=new-title]").get_text() == "Was ist zu tun?"


def test_a_failed_submit_in_german_is_german_throughout(todo: FlaskClient) -> None:
    page = Page(todo, "/", todo.get("/", headers=GERMAN))
    response = page.form("#add").submit(title="", headers=GERMAN)
    assert response.status_code == 422
    html = Page(todo, "/", response)
    assert html.text("title") == "Fehler: Zu erledigen"  # the library's prefix, translated
    assert html.text(".action-error-summary h2") == "Es gibt ein Problem"
    assert html.text("#new-title-error") == "Dieses Feld wird benötigt."  # WTForms' German


def test_the_language_switch_overrides_the_browser(todo: FlaskClient) -> None:
    page = Page(todo, "/", todo.get("/", headers=GERMAN))
    assert page.text("#languages [aria-current]") == "Deutsch"
    switched = page.form("#languages form").submit(headers=GERMAN)  # the English button
    assert switched.status_code == 303
    assert _lang(todo.get("/", headers=GERMAN)) == "en"


@pytest.mark.parametrize(("url", "status", "text"), [
    ("/no-such-page", 404, "Diese Seite gibt es nicht."),
    ("/todos/999", 404, "Diese Seite gibt es nicht."),
])
def test_error_pages_are_in_the_users_language(
        todo: FlaskClient, url: str, status: int, text: str) -> None:
    response = todo.get(url, headers=GERMAN)
    assert response.status_code == status
    assert _lang(response) == "de"
    page = Page(todo, url, response)
    assert page.text("h1") == "404 Nicht gefunden"
    assert page.text(".error-page") == text


def test_a_refused_post_gets_the_librarys_message_on_a_german_page(todo: FlaskClient) -> None:
    page = Page(todo, "/", todo.get("/", headers=GERMAN))
    response = page.form("#add").submit(headers=GERMAN, __action="A" * 60)
    assert response.status_code == 400
    assert _lang(response) == "de"
    html = Page(todo, "/", response)
    assert html.text("h1") == "400 Ungültige Anfrage"
    assert html.text(".error-page").startswith("Das Formular konnte nicht verarbeitet werden")


def test_without_javascript_a_rows_failure_is_announced_by_the_summary_alone(
        todo: FlaskClient) -> None:
    response = Page.get(todo, "/").form("#todo-2 form").submit(title=SEED[0])
    html = _soup(response)
    alerts = [tag.get_text(" ", strip=True) for tag in html.select("[role=alert]")]
    assert len(alerts) == 1 and "Another item already says that." in alerts[0]
    assert html.select_one("#action-notice").get_text(strip=True) == (
        "Another item already says that.")  # shown, not announced again
    field = html.select_one("#todo-2-title")
    assert field["aria-invalid"] == "true"
    assert html.select_one(f"#{field['aria-describedby']}").get_text() == (
        "Another item already says that.")
