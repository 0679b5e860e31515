"""Every failure an honest user can meet gives the page back (422) with what
they typed and a notice."""

from __future__ import annotations

import time
import typing as t

import pytest
from flask.testing import FlaskClient

from flask_server_actions.errors import ExpiredToken
from flask_server_actions.errors import SessionEnded
from flask_server_actions.forms import INVALID_NOTICE

from ..html import Page
from ..store import STORE
from .app_forms import create_app
from .posting import submit_page

#: (url, form selector, the field typed into)
PAGES = [("/posts/5", "#edit", "title"), ("/plain", "#plain", "name")]


def _expire(client: FlaskClient, monkeypatch: pytest.MonkeyPatch) -> None:
    later = time.time() + client.application.config["SERVER_ACTIONS_MAX_AGE"] + 1
    monkeypatch.setattr(time, "time", lambda: later)


def _clear_session(client: FlaskClient, monkeypatch: pytest.MonkeyPatch) -> None:
    with client.session_transaction() as session:
        session.clear()


SPOILERS: list[tuple[t.Callable[[FlaskClient, pytest.MonkeyPatch], None], str]] = [
    (_expire, ExpiredToken.notice),
    (_clear_session, SessionEnded.notice),
]


@pytest.mark.parametrize(("url", "selector", "field"), PAGES)
@pytest.mark.parametrize(("spoil", "notice"), SPOILERS)
def test_stale_token_rerenders_422_with_input_and_notice(
        client: FlaskClient, monkeypatch: pytest.MonkeyPatch, url: str, selector: str,
        field: str, spoil: t.Callable[[FlaskClient, pytest.MonkeyPatch], None],
        notice: str) -> None:
    form = Page.get(client, url).form(selector)
    spoil(client, monkeypatch)
    response = form.submit(**{field: "typed before"})
    assert response.status_code == 422
    page = Page(client, url, response)
    assert page.value(field) == "typed before"
    assert page.text(".action-notice") == notice
    assert STORE == []


@pytest.mark.parametrize(("url", "selector", "field"), PAGES)
def test_token_of_another_browser_rerenders_422_with_input(
        client: FlaskClient, url: str, selector: str, field: str) -> None:
    form = Page.get(client, url).form(selector)
    other = create_app().test_client()
    Page.get(other, url)  # the other browser has a session of its own
    form.page.client = other
    response = form.submit(**{field: "typed elsewhere"})
    assert response.status_code == 422
    page = Page(other, url, response)
    assert page.value(field) == "typed elsewhere"
    assert page.text(".action-notice") == SessionEnded.notice
    assert STORE == []


def test_the_page_gives_a_fresh_token_that_works(client: FlaskClient) -> None:
    form = Page.get(client, "/posts/5").form("#edit")
    _clear_session(client, pytest.MonkeyPatch())
    again = Page(client, "/posts/5", form.submit(title="retry"))
    assert again.form("#edit").submit().status_code == 303
    assert [entry[:3] for entry in STORE] == [("save", 5, "retry")]


@pytest.mark.parametrize(("spoil", "ref"), [
    (_expire, "tests.forms.app_forms:create_app.<locals>.edit_post.<locals>.save"),
    (_clear_session, "tests.forms.app_forms:create_app.<locals>.edit_post.<locals>.save"),
])
def test_stale_state_names_its_action_when_the_token_was_readable(
        client: FlaskClient, monkeypatch: pytest.MonkeyPatch,
        spoil: t.Callable[[FlaskClient, pytest.MonkeyPatch], None], ref: str) -> None:
    form = Page.get(client, "/posts/5").form("#edit")
    spoil(client, monkeypatch)
    assert Page(client, "/posts/5", form.submit(title="x")).text("#ref") == f"[{ref}]"


@pytest.mark.parametrize(("url", "selector", "field", "typed", "notice"), [
    ("/posts/5", "#edit", "title", "", INVALID_NOTICE),
    ("/plain", "#plain", "name", "taken", "That name is taken."),
])
def test_refused_input_comes_back_with_a_notice(
        client: FlaskClient, url: str, selector: str, field: str, typed: str,
        notice: str) -> None:
    page = submit_page(client, url, 422, selector, **{field: typed})
    assert page.value(field) == typed
    assert page.text(".action-notice") == notice
