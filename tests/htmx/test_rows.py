"""A row of a list answers an htmx request with itself: a partial included in
a ``{% for %}`` loop, or a scoped block in one, rendered for the row whose
form was submitted (issue 19, item 1)."""

from __future__ import annotations

import time
import typing as t

import pytest
from bs4 import BeautifulSoup
from flask import Flask
from flask.testing import FlaskClient
from werkzeug.test import TestResponse

from ..html import Page
from ..store import STORE
from .rows_app import ROWS
from .rows_app import SEEN
from .rows_app import create_app

HX = {"HX-Request": "true"}


@pytest.fixture
def app() -> Flask:
    return create_app()


def soup(response: TestResponse) -> BeautifulSoup:
    return BeautifulSoup(response.get_data(as_text=True), "html.parser")


def row_form(client: FlaskClient, row_id: int, url: str = "/rows") -> tuple[Page, str]:
    return Page.get(client, url), f"#row-{row_id} form"


def test_a_toggled_row_answers_with_itself_alone(client: FlaskClient) -> None:
    page, form = row_form(client, 2)
    response = page.form(form).submit(".toggle", headers=HX)
    assert response.status_code == 200
    html = soup(response)
    assert [(li["id"], li["class"]) for li in html.find_all("li")] == [("row-2", ["done"])]
    assert html.find("ul") is None and html.find("footer") is None
    assert STORE == [("toggle", 2)]


def test_a_renamed_row_answers_with_its_new_html(client: FlaskClient) -> None:
    page, form = row_form(client, 3)
    response = page.form(form).submit(title="Renamed", headers=HX)
    assert response.status_code == 200
    html = soup(response)
    assert [li["id"] for li in html.find_all("li")] == ["row-3"]
    assert html.select_one("input[name=title]")["value"] == "Renamed"


def test_a_failed_rename_answers_with_the_row_its_input_and_error(client: FlaskClient) -> None:
    page, form = row_form(client, 2)
    response = page.form(form).submit(title="taken", headers=HX)
    assert response.status_code == 422
    html = soup(response)
    assert [li["id"] for li in html.find_all("li")] == ["row-2"]
    assert html.select_one("input[name=title]")["value"] == "taken"
    assert html.select_one(".error").get_text() == "Give it another title."
    assert ROWS[2]["title"] == "Row 2"


def test_a_deleted_row_answers_with_nothing_and_is_removed(client: FlaskClient) -> None:
    page, form = row_form(client, 1)
    response = page.form(form).submit(".delete", headers=HX)
    assert (response.status_code, response.headers["HX-Reswap"]) == (200, "delete")
    assert response.get_data(as_text=True).strip() == ""
    assert 1 not in ROWS


def test_a_scoped_block_in_a_loop_answers_with_its_row(client: FlaskClient) -> None:
    response = Page.get(client, "/blocks").form("#row-3 form").submit(headers=HX)
    assert response.status_code == 200
    html = soup(response)
    assert [(li["id"], li["class"]) for li in html.find_all("li")] == [("row-3", ["done"])]
    assert "Row 3" in html.get_text()


def test_a_plain_post_on_a_row_still_redirects(client: FlaskClient) -> None:
    page, form = row_form(client, 2)
    response = page.form(form).submit(".toggle")
    assert (response.status_code, response.headers["Location"]) == (303, "/rows")


def test_a_message_flashed_by_a_row_action_waits_for_the_next_page(client: FlaskClient) -> None:
    page, form = row_form(client, 2)
    page.form(form).submit(".toggle", headers=HX)
    assert Page.get(client, "/rows").text(".flash") == "Toggled Row 2."


@pytest.mark.parametrize(("title", "succeeded"), [("Renamed", True), ("taken", False)])
def test_the_view_knows_which_action_ran_with_which_arguments(
        client: FlaskClient, title: str, succeeded: bool) -> None:
    # After a success as well as after a failure.
    page, form = row_form(client, 2)
    SEEN.clear()
    page.form(form).submit(title=title, headers=HX)
    [(ref, args, seen_succeeded)] = SEEN
    assert (ref.rpartition(".")[2], args, seen_succeeded) == ("rename", (2,), succeeded)


def test_a_page_shown_without_a_submission_knows_of_none(client: FlaskClient) -> None:
    SEEN.clear()
    Page.get(client, "/rows")
    assert SEEN == [("", None, False)]


def test_a_row_of_a_template_without_blocks_keeps_the_flashes_it_read(
        client: FlaskClient) -> None:
    response = Page.get(client, "/flat").form("#row-2 form").submit(".toggle", headers=HX)
    assert [li["id"] for li in soup(response).find_all("li")] == ["row-2"]
    assert Page.get(client, "/flat").text(".flash") == "Toggled Row 2."


def test_templates_of_an_async_environment_are_left_as_jinja_makes_them(app: Flask) -> None:
    import asyncio

    env = app.jinja_env.overlay(enable_async=True)
    template = env.from_string("{% block b %}async {{ 1 + 1 }}{% endblock %}")
    assert asyncio.run(template.render_async()) == "async 2"


# A row that came with "load more" (issue 27, item 1): the page shown again
# does not show it, yet it answers with itself, found by its bound arguments.

def loaded_row(client: FlaskClient, row_id: int = 2) -> Page:
    """The answer to "load more" on ``/paged``, which shows row 1 first and
    one more row each time: the page holding ``row_id``."""
    page = Page.get(client, "/paged")
    assert page.soup.select_one(f"#row-{row_id}") is None
    for _ in range(row_id - 1):
        response = page.form("#more form").submit(headers=HX)
        assert response.status_code == 200
        page = Page(client, "/paged", response)
    assert page.soup.select_one(f"#row-{row_id}") is not None
    return page


def test_a_row_that_came_with_load_more_answers_its_action_with_itself(
        client: FlaskClient) -> None:
    response = loaded_row(client, 3).form("#row-3 form").submit(".toggle", headers=HX)
    assert response.status_code == 200
    assert "HX-Reswap" not in response.headers
    assert [(li["id"], li["class"]) for li in soup(response).find_all("li")] == [
        ("row-3", ["done"])]
    assert STORE == [("toggle", 3)]


def test_a_failed_action_on_a_loaded_row_answers_the_row_its_input_and_error(
        client: FlaskClient) -> None:
    response = loaded_row(client).form("#row-2 form").submit(title="taken", headers=HX)
    assert response.status_code == 422
    html = soup(response)
    assert [li["id"] for li in html.find_all("li")] == ["row-2"]
    assert html.select_one("input[name=title]")["value"] == "taken"
    assert html.select_one(".error").get_text() == "Give it another title."


def test_a_loaded_row_answers_again_after_it_answered(client: FlaskClient) -> None:
    page = Page(client, "/paged", loaded_row(client).form("#row-2 form").submit(
        title="Once", headers=HX))
    response = page.form("#row-2 form").submit(title="Twice", headers=HX)
    assert soup(response).select_one("input[name=title]")["value"] == "Twice"
    assert ROWS[2]["title"] == "Twice"


def test_a_deleted_loaded_row_is_removed_because_the_data_says_so(
        client: FlaskClient) -> None:
    response = loaded_row(client).form("#row-2 form").submit(".delete", headers=HX)
    assert (response.status_code, response.headers["HX-Reswap"]) == (200, "delete")
    assert response.get_data(as_text=True).strip() == ""


def test_without_a_row_loader_a_row_the_page_does_not_show_is_removed() -> None:
    client = create_app(ROWS_LOADER=False).test_client()
    response = loaded_row(client).form("#row-2 form").submit(".toggle", headers=HX)
    assert (response.status_code, response.headers["HX-Reswap"]) == (200, "delete")


def test_a_row_loader_is_registered_once_per_part() -> None:
    from flask_server_actions import ServerActions
    from flask_server_actions.errors import DuplicateRegistration

    actions = ServerActions()
    actions.row_loader("_row.html")(lambda row_id: None)
    with pytest.raises(DuplicateRegistration, match="_row.html"):
        actions.row_loader("_row.html")(lambda row_id: None)


# An expired row form (issue 27, item 3): the row comes back with a fresh
# token and what was typed, and the notice region says what happened, so
# that submitting again works.

@pytest.fixture
def expire(app: Flask, monkeypatch: pytest.MonkeyPatch) -> t.Callable[[], None]:
    """Move the clock past the age of every token minted so far."""
    def later() -> None:
        now = time.time() + app.config["SERVER_ACTIONS_MAX_AGE"] + 1
        monkeypatch.setattr(time, "time", lambda: now)

    return later


def region_of(response: TestResponse) -> str:
    """The message of the notice region sent out of band with a row."""
    region = soup(response).select_one("#action-notice")
    assert region is not None and region["hx-swap-oob"] == "true", response.get_data(
        as_text=True)
    return region.get_text(strip=True)


def test_an_expired_row_form_answers_the_row_with_a_fresh_token_and_the_input(
        client: FlaskClient, expire: t.Callable[[], None]) -> None:
    page, form = row_form(client, 2)
    expire()
    response = page.form(form).submit(title="Typed", headers=HX)
    assert response.status_code == 422
    assert "HX-Retarget" not in response.headers
    answer = Page(client, "/rows", response)
    assert [li["id"] for li in answer.soup.find_all("li")] == ["row-2"]
    assert answer.value("title") == "Typed"
    assert answer.form("#row-2 form").token() != page.form(form).token()
    assert "expired" in region_of(response)
    assert ROWS[2]["title"] == "Row 2" and STORE == []
    again = answer.form("#row-2 form").submit(headers=HX)  # the page's form still expired
    assert again.status_code == 200
    assert ROWS[2]["title"] == "Typed"


def test_an_expired_button_of_a_row_keeps_what_was_typed_in_the_row(
        client: FlaskClient, expire: t.Callable[[], None]) -> None:
    page, form = row_form(client, 2)
    expire()
    response = page.form(form).submit(".toggle", title="Typed", headers=HX)
    answer = Page(client, "/rows", response)
    assert (response.status_code, answer.value("title")) == (422, "Typed")
    answer.form("#row-2 form").submit(".toggle", headers=HX)
    assert STORE == [("toggle", 2)]


def test_an_expired_row_that_came_with_load_more_answers_with_itself(
        client: FlaskClient, expire: t.Callable[[], None]) -> None:
    page = loaded_row(client)
    expire()
    response = page.form("#row-2 form").submit(title="Typed", headers=HX)
    answer = Page(client, "/paged", response)
    assert [li["id"] for li in answer.soup.find_all("li")] == ["row-2"]
    assert (response.status_code, answer.value("title")) == (422, "Typed")


def test_an_expired_row_the_page_does_not_show_is_left_with_the_notice() -> None:
    # Without a row loader, it cannot be found: nothing ran, nothing is removed.
    app = create_app(ROWS_LOADER=False)
    client = app.test_client()
    page = loaded_row(client)
    app.config["SERVER_ACTIONS_MAX_AGE"] = -1
    response = page.form("#row-2 form").submit(title="Typed", headers=HX)
    assert response.status_code == 422
    assert response.headers["HX-Retarget"] == "#action-notice"
    assert "expired" in soup(response).get_text()


def test_a_row_form_of_an_earlier_deployment_answers_its_notice_and_leaves_the_row(
        client: FlaskClient, monkeypatch: pytest.MonkeyPatch) -> None:
    # Its action is gone: the token cannot say which row's form it was.
    from flask_server_actions.closures import ResolveError
    from flask_server_actions.post import dispatch

    def gone(ref: str) -> t.NoReturn:
        raise ResolveError(f"{ref} no longer exists")

    page, form = row_form(client, 2)
    monkeypatch.setattr(dispatch, "resolve", gone)
    response = page.form(form).submit(title="Typed", headers=HX)
    assert (response.status_code, response.headers["HX-Retarget"]) == (422, "#action-notice")
    assert "earlier version" in soup(response).get_text()
    assert soup(response).find("li") is None
