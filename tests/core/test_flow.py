"""The core flow: mark, mint into a form, post back, rebuild, call, redirect."""

from __future__ import annotations

import datetime as dt

import pytest
from flask import Flask
from flask.testing import FlaskClient

from ..html import Page
from ..store import STORE
from .core_app import create_app


def test_inline_action_gets_captured_values_and_form(client: FlaskClient) -> None:
    page = Page.get(client, "/posts/7")
    response = page.form("#edit").submit(title="New title")
    assert STORE == [("update_post", 7, "New title")]
    assert response.status_code == 303
    assert response.headers["Location"] == "/posts/7"


def test_post_goes_to_the_page_url_even_when_view_is_get_only(client: FlaskClient) -> None:
    page = Page.get(client, "/posts/3")
    assert page.form("#edit").tag.get("action") is None
    assert client.post("/posts/3", data={"title": "x"}).status_code == 405
    assert page.form("#edit").submit(title="y").status_code == 303


def test_plain_post_to_a_post_route_still_reaches_the_view(client: FlaskClient) -> None:
    assert client.post("/both", data={"plain": "1"}).get_data(as_text=True) == "plain post"
    response = Page.get(client, "/both").form().submit(x="42")
    assert response.status_code == 303
    assert STORE == [("both", "42")]


def test_redirect_keeps_the_query_string(client: FlaskClient) -> None:
    page = Page.get(client, "/posts/7?tab=edit&x=1")
    response = page.form("#edit").submit(title="t")
    assert response.headers["Location"] == "/posts/7?tab=edit&x=1"


def test_button_action_overrides_the_form_action_with_bound_args(client: FlaskClient) -> None:
    page = Page.get(client, "/posts/5")
    response = page.form("#edit").submit("#delete", title="ignored")
    assert STORE == [("delete_post", 5, 5)]
    assert response.status_code == 303


def test_each_row_gets_its_own_token(client: FlaskClient) -> None:
    page = Page.get(client, "/rows")
    tokens = {str(page.soup.select_one(f"#del-{row}")["value"]) for row in (1, 2, 3)}
    assert len(tokens) == 3
    page.form("li:nth-of-type(2) form").submit("#del-2")
    assert STORE == [("delete_row", 2)]


def test_module_level_action_from_a_use_server_module(client: FlaskClient) -> None:
    Page.get(client, "/rows").form("#create").submit(name="ada")
    assert STORE == [("create_user", "ada")]


def test_async_action_runs(client: FlaskClient) -> None:
    Page.get(client, "/async").form().submit(x="a")
    assert STORE == [("async", dt.date(2024, 5, 17), "a")]


@pytest.mark.parametrize(("title", "status", "location"), [
    ("home", 303, "/"),
    ("keep-307", 303, "/posts/1"),  # a 307 would make the browser post the token again
])
def test_returned_redirects_always_answer_303(
        client: FlaskClient, title: str, status: int, location: str) -> None:
    response = Page.get(client, "/posts/1").form("#edit").submit(title=title)
    assert response.status_code == status
    assert response.headers["Location"] == location


def test_abort_in_an_action_gives_its_status(client: FlaskClient) -> None:
    assert Page.get(client, "/posts/1").form("#edit").submit(title="404").status_code == 404


@pytest.mark.parametrize(("url", "title", "status", "body"), [
    ("/posts/1", "json", 200, '{"ok":true}\n'),
    ("/response", None, 201, "made"),
])
def test_a_returned_response_passes_through(
        client: FlaskClient, url: str, title: str | None, status: int, body: str) -> None:
    form = Page.get(client, url).form()
    response = form.submit(title=title) if title else form.submit()
    assert response.status_code == status
    assert response.get_data(as_text=True) == body


@pytest.mark.parametrize(("title", "status", "selector", "shown"), [
    ("state", 200, "#state", "{'saved': 4}"),
    ("taken", 422, ".error", "That title is taken."),
], ids=["returned-value", "action-error"])
def test_a_returned_value_or_an_action_error_rerenders_the_page_with_the_input(
        client: FlaskClient, title: str, status: int, selector: str, shown: str) -> None:
    response = Page.get(client, "/posts/4").form("#edit").submit(title=title)
    assert response.status_code == status
    page = Page(client, "/posts/4", response)
    assert page.text(selector) == shown
    assert page.value("title") == title


def test_flash_in_an_action_shows_after_the_redirect(client: FlaskClient) -> None:
    response = Page.get(client, "/posts/2").form("#edit").submit(title="flash")
    assert response.status_code == 303
    assert Page.get(client, response.headers["Location"]).text(".flash") == "Saved!"


def test_blueprint_hooks_run_before_an_action_on_a_get_only_view(client: FlaskClient) -> None:
    client.post("/login")
    form = Page.get(client, "/members/").form()
    with client.session_transaction() as session:
        session.clear()
    assert form.submit(name="eve").status_code == 401
    assert STORE == []
    client.post("/login")
    # Clearing the session ended the old token: the form comes back to resubmit.
    assert form.submit(name="bob").status_code == 422
    assert Page.get(client, "/members/").form().submit(name="bob").status_code == 303
    assert STORE == [("join", "bob")]


def test_action_post_to_an_unknown_url_is_404(client: FlaskClient) -> None:
    form = Page.get(client, "/posts/1").form("#edit")
    form.page.url = "/nowhere"
    assert form.submit(title="x").status_code == 404


def test_several_apps_and_an_app_factory_in_one_process() -> None:
    first, second = create_app("one secret"), create_app("two secret", name="tests.other")
    client_one, client_two = first.test_client(), second.test_client()
    token = Page.get(client_one, "/posts/1").form("#edit").token()
    Page.get(client_two, "/posts/1")  # the second app's own session binding
    response = client_two.post("/posts/1", data={"__action": token, "title": "x"},
                               headers={"Origin": "http://localhost"})
    assert response.status_code == 400
    assert STORE == []


def test_init_app_later(app: Flask) -> None:
    from flask_server_actions import ServerActions

    late = Flask(__name__)
    extension = ServerActions()
    extension.init_app(late)
    assert late.extensions["server_actions"] is extension
    assert late.config["SERVER_ACTIONS_MAX_AGE"] == 24 * 60 * 60
    assert "action" in late.jinja_env.globals
