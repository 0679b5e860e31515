"""Session binding and expiry: a token works only for the browser session
that rendered it, and only for ``SERVER_ACTIONS_MAX_AGE`` seconds. Either
failure is the nothing-lost path: 422, the input kept, a notice."""

from __future__ import annotations

import types

import pytest
from flask.testing import FlaskClient

import flask_server_actions.page.minting
import flask_server_actions.post.dispatch
from flask_server_actions.errors import ExpiredToken
from flask_server_actions.errors import SessionEnded
from flask_server_actions.token.envelope import CLOCK_SKEW

from ..html import Page
from ..store import STORE
from .app_secure import create_app
from .forge import post
from .forge import token_of

MAX_AGE = 600


def assert_stale(client: FlaskClient, token: str, notice: str) -> None:
    response = post(client, token, x="kept input")
    assert response.status_code == 422
    page = Page(client, "/plain", response)
    assert page.text(".action-notice") == notice
    assert page.value("x") == "kept input"
    assert STORE == []


def test_another_sessions_token_never_runs(client: FlaskClient) -> None:
    other = create_app().test_client()
    token_of(client)
    assert_stale(client, token_of(other), SessionEnded.notice)


def test_a_cleared_session_ends_its_tokens(client: FlaskClient) -> None:
    token = token_of(client)
    client.post("/logout")
    assert_stale(client, token, SessionEnded.notice)


def test_the_session_value_is_cheap_and_opaque(client: FlaskClient) -> None:
    token_of(client)
    with client.session_transaction() as session:
        value = session["_server_actions"]
    # 16 random bytes: nothing to guess, nothing in it about the user.
    assert isinstance(value, str) and len(value) == 22


@pytest.fixture
def clocks(monkeypatch: pytest.MonkeyPatch) -> dict[str, int]:
    """Set ``mint`` and ``post`` to move the two clocks apart."""
    now = {"mint": 1_800_000_000, "post": 1_800_000_000}
    monkeypatch.setattr(flask_server_actions.page.minting, "time",
                        types.SimpleNamespace(time=lambda: now["mint"]))
    monkeypatch.setattr(flask_server_actions.post.dispatch, "time",
                        types.SimpleNamespace(time=lambda: now["post"]))
    return now


@pytest.fixture
def aged() -> FlaskClient:
    return create_app(SERVER_ACTIONS_MAX_AGE=MAX_AGE).test_client()


def test_a_token_at_exactly_max_age_still_runs(aged: FlaskClient, clocks: dict[str, int]) -> None:
    token = token_of(aged)
    clocks["post"] += MAX_AGE
    assert post(aged, token).status_code == 303


def test_an_expired_token_never_runs_and_keeps_the_input(
        aged: FlaskClient, clocks: dict[str, int]) -> None:
    token = token_of(aged)
    clocks["post"] += MAX_AGE + 1
    assert_stale(aged, token, ExpiredToken.notice)


def test_a_token_from_the_future_beyond_clock_skew_answers_400(
        aged: FlaskClient, clocks: dict[str, int]) -> None:
    clocks["mint"] += CLOCK_SKEW + 1
    assert post(aged, token_of(aged)).status_code == 400
    assert STORE == []


def test_a_token_within_clock_skew_runs(aged: FlaskClient, clocks: dict[str, int]) -> None:
    clocks["mint"] += CLOCK_SKEW
    assert post(aged, token_of(aged)).status_code == 303
