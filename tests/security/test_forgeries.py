"""A token that does not authenticate for this session gets nothing: no
code of the app runs, no field is filled, no cache stores anything, no
CSRF token is handed out, and every one is counted by the throttle; a page
shown again is never cached (issue 18, root cause 2, and items 18, 20)."""

from __future__ import annotations

import time
import typing as t

import pytest
from flask import Flask
from flask.testing import FlaskClient
from werkzeug.test import TestResponse

from ..store import STORE
from . import app_tenants
from .forge import decode
from .forge import encode
from .forge import flip
from .test_request_binding import post
from .test_request_binding import token_at

POISON = "<b>poisoned by an attacker</b>"


@pytest.fixture
def app() -> Flask:
    app_tenants.TEAMS.clear()
    app_tenants.RAN.clear()
    return app_tenants.create_app(SERVER_ACTIONS_THROTTLE="3/60")


def _retired(token: str) -> str:
    return encode(flip(decode(token), 4, 0))  # the key part of the key id


def _version_1(token: str) -> str:
    return encode(b"\x01" + decode(token)[1:])


def _another_app(token: str) -> str:
    return encode(flip(decode(token), 1, 0))  # the app part of the key id


def _garbage(token: str) -> str:
    return "A" * len(token)


#: Tokens that do not authenticate for the posting session, and the
#: headers they come with. Another session's token counts only without a
#: header that proves the post came from this site.
UNAUTHENTICATED: list[tuple[str, t.Callable[[str], str], dict[str, str] | None]] = [
    ("retired key", _retired, None),
    ("version 1", _version_1, None),
    ("another app", _another_app, None),
    ("garbage", _garbage, None),
    ("retired key, no headers", _retired, {}),
]


def _anonymous_post(app: Flask, token: str, headers: dict[str, str] | None,
                    url: str = "/board") -> TestResponse:
    """What a script posts: no cookie, the attacker's text in the field."""
    sent = {"Origin": "http://example.test"} if headers is None else headers
    return app.test_client().post(url, base_url="http://example.test",
                                  data={"__action": token, "title": POISON}, headers=sent)


@pytest.mark.parametrize(("kind", "spoil", "headers"), UNAUTHENTICATED,
                         ids=[case[0] for case in UNAUTHENTICATED])
def test_a_token_that_does_not_authenticate_gets_nothing(
        app: Flask, client: FlaskClient, kind: str, spoil: t.Callable[[str], str],
        headers: dict[str, str] | None) -> None:
    token = spoil(token_at(client, "/board"))
    app_tenants.RAN.clear()
    response = _anonymous_post(app, token, headers)
    assert response.status_code == 400
    assert POISON not in response.get_data(as_text=True)
    # No code of the app ran: no URL value preprocessor, hook or view.
    assert app_tenants.RAN == []
    # No session was started for it, so no CSRF token was handed out.
    assert "Set-Cookie" not in response.headers
    assert STORE == []
    # The cached page another visitor gets holds nothing of it.
    assert POISON not in client.get("/board", base_url="http://example.test").get_data(
        as_text=True)


def test_another_sessions_token_without_headers_gets_nothing(
        app: Flask, client: FlaskClient) -> None:
    token = token_at(client, "/board")  # the attacker's own session's token
    app_tenants.RAN.clear()
    victim = app.test_client()
    token_at(victim, "/notes")  # the victim has a session of their own
    app_tenants.RAN.clear()
    response = victim.post("/board", base_url="http://example.test",
                           data={"__action": token, "title": POISON})
    assert response.status_code == 400
    assert POISON not in response.get_data(as_text=True)
    assert app_tenants.RAN == []


@pytest.mark.parametrize(("kind", "spoil", "headers"), UNAUTHENTICATED,
                         ids=[case[0] for case in UNAUTHENTICATED])
def test_every_unauthenticated_token_is_counted_by_the_throttle(
        app: Flask, client: FlaskClient, kind: str, spoil: t.Callable[[str], str],
        headers: dict[str, str] | None) -> None:
    token = spoil(token_at(client, "/board"))
    statuses = [_anonymous_post(app, token, headers).status_code for _ in range(5)]
    assert statuses == [400, 400, 400, 429, 429]


def test_a_cross_site_post_runs_no_code_of_the_app(app: Flask, client: FlaskClient) -> None:
    token = token_at(client, "/board")
    app_tenants.RAN.clear()
    response = _anonymous_post(app, token, {"Origin": "https://evil.example"})
    assert response.status_code == 403
    assert app_tenants.RAN == []


def _expire(monkeypatch: pytest.MonkeyPatch, app: Flask) -> None:
    later = time.time() + app.config["SERVER_ACTIONS_MAX_AGE"] + 1
    monkeypatch.setattr(time, "time", lambda: later)


def test_a_page_shown_again_is_never_cached(
        app: Flask, client: FlaskClient, monkeypatch: pytest.MonkeyPatch) -> None:
    # The attacker's own token, expired: it authenticates, for their own
    # session, so they get their input back, and nobody else ever does.
    token = token_at(client, "/board")
    _expire(monkeypatch, app)
    response = post(client, "/board", token, title=POISON)
    assert response.status_code == 422
    assert POISON.replace("<", "&lt;").replace(">", "&gt;") in response.get_data(as_text=True)
    assert response.cache_control.no_store
    visitor = app.test_client()
    page = visitor.get("/board", base_url="http://example.test").get_data(as_text=True)
    assert "poisoned" not in page


def test_a_page_shown_again_is_not_the_cached_page(
        app: Flask, client: FlaskClient, monkeypatch: pytest.MonkeyPatch) -> None:
    token = token_at(client, "/board")  # the page is in the cache now
    _expire(monkeypatch, app)
    for typed in ("my input", "typed again"):
        response = post(client, "/board", token, title=typed)
        assert response.status_code == 422
        assert f'value="{typed}"' in response.get_data(as_text=True)


def test_an_action_on_a_cached_page_runs_and_its_answer_is_not_cached(
        client: FlaskClient) -> None:
    token = token_at(client, "/board")  # the page is in the cache now
    response = post(client, "/board", token, title="a card")
    assert response.status_code == 303
    assert STORE == [("card", "a card")]
    assert client.get("/board", base_url="http://example.test").status_code == 200


def test_an_error_page_starts_no_session(client: FlaskClient) -> None:
    for url in ("/nowhere", "/nowhere/else"):
        response = client.get(url, base_url="http://example.test")
        assert response.status_code == 404
        assert "Set-Cookie" not in response.headers
