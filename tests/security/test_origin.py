"""Cross-site posts: Origin and Referer checks, proxies, and posts carrying
neither header (then the session-bound token is the CSRF defence)."""

from __future__ import annotations

import pytest
from flask import request
from flask.testing import FlaskClient

import flask_server_actions.post.dispatch
from flask_server_actions.errors import SessionEnded
from flask_server_actions.post.origin import host_matches

from ..html import ORIGIN
from ..html import Page
from ..store import STORE
from .app_secure import create_app
from .forge import post
from .forge import token_of

CROSS_SITE = [
    pytest.param({"Origin": "https://evil.example"}, id="cross-site Origin"),
    pytest.param({"Origin": "http://localhost.evil.example"}, id="suffixed Origin"),
    pytest.param({"Origin": "http://localhost:8080"}, id="other port"),
    pytest.param({"Origin": "null"}, id="Origin null"),
    pytest.param({"Origin": ""}, id="empty Origin"),
    pytest.param({"Origin": "http://[::1"}, id="malformed Origin"),
    pytest.param({"Referer": "https://evil.example/page"}, id="cross-site Referer"),
    pytest.param({"Origin": "https://evil.example", "Referer": "http://localhost/plain"},
                 id="cross-site Origin, same-site Referer"),
]


@pytest.mark.parametrize("headers", CROSS_SITE)
def test_cross_site_post_answers_403_and_nothing_runs(
        client: FlaskClient, headers: dict[str, str]) -> None:
    assert post(client, token_of(client), headers=headers).status_code == 403
    assert STORE == []


@pytest.mark.parametrize("headers", CROSS_SITE)
def test_cross_site_post_is_refused_before_the_token_is_decoded(
        client: FlaskClient, headers: dict[str, str], monkeypatch: pytest.MonkeyPatch) -> None:
    opened: list[str] = []
    monkeypatch.setattr(flask_server_actions.post.dispatch, "open_token",
                        lambda text, *args: opened.append(text))
    # Garbage gets 403, not the 400 a decoded garbage token gets.
    assert post(client, "garbage!", headers=headers).status_code == 403
    assert opened == []


@pytest.mark.parametrize("headers", [
    pytest.param({"Origin": "http://localhost"}, id="Origin"),
    pytest.param({"Referer": "http://localhost/plain"}, id="Referer only"),
    pytest.param({}, id="neither"),
])
def test_same_site_and_headerless_posts_with_a_valid_token_run(
        client: FlaskClient, headers: dict[str, str]) -> None:
    assert post(client, token_of(client), headers=headers).status_code == 303
    assert STORE == [("save", "typed")]


def test_headerless_post_with_garbage_answers_400(client: FlaskClient) -> None:
    token_of(client)
    assert post(client, "garbage", headers={}).status_code == 400


def test_headerless_post_with_another_sessions_token_never_runs(client: FlaskClient) -> None:
    # The forged-form attack when privacy tools strip Origin and Referer: the
    # attacker can only embed a token minted for *their* session.
    # Nothing proves the post came from this site, so the page is not shown
    # again with the attacker's values either (issue 18 item 8).
    attacker = create_app().test_client()
    token_of(client)  # the victim has a session of their own
    response = post(client, token_of(attacker), headers={}, x="the attacker's text")
    assert response.status_code == 400
    text = response.get_data(as_text=True)
    assert "the attacker's text" not in text and "reload the page" in text
    assert STORE == []


def test_headerless_post_without_any_session_never_runs() -> None:
    token = token_of(create_app().test_client())
    assert post(create_app().test_client(), token, headers={}).status_code == 400
    assert STORE == []


@pytest.mark.parametrize("headers", [
    {"Origin": ORIGIN}, {"Referer": ORIGIN + "/plain"}, {"Sec-Fetch-Site": "same-origin"}])
def test_another_sessions_token_from_this_site_keeps_the_input(
        client: FlaskClient, headers: dict[str, str]) -> None:
    # The session changed (signed in elsewhere, cookie expired), and the
    # browser says the post came from this site: nothing is lost.
    token = token_of(client)
    with client.session_transaction() as session:
        session.clear()
    response = post(client, token, headers=headers, x="mine")
    assert response.status_code == 422
    page = Page(client, "/plain", response)
    assert page.text(".action-notice") == SessionEnded.notice
    assert page.value("x") == "mine"
    assert STORE == []


PROXY = {"Origin": "https://proxy.example", "X-Forwarded-Host": "proxy.example"}


def test_forwarded_host_is_not_trusted_by_default(client: FlaskClient) -> None:
    assert post(client, token_of(client), headers=PROXY).status_code == 403


def test_forwarded_host_named_in_allowed_origins_is_accepted() -> None:
    client = create_app(SERVER_ACTIONS_ALLOWED_ORIGINS=["proxy.example"]).test_client()
    assert post(client, token_of(client), headers=PROXY).status_code == 303


def test_forwarded_host_is_the_request_host_behind_proxy_fix() -> None:
    app = create_app(proxy_fix=True)
    seen: list[str] = []

    @app.before_request
    def record_host() -> None:
        seen.append(request.host)

    client = app.test_client()
    forwarded = {"X-Forwarded-Host": "proxy.example"}
    token = Page(client, "/plain", client.get("/plain", headers=forwarded)).form().token()
    assert post(client, token, headers=PROXY).status_code == 303
    assert seen[-1] == "proxy.example"
    # ProxyFix changes the host, it does not make every origin welcome.
    evil = {"Origin": "https://evil.example", "X-Forwarded-Host": "proxy.example"}
    assert post(client, token, headers=evil).status_code == 403
    # The token is bound to the host it was minted on, here the proxy's.
    assert post(client, token_of(client), headers=PROXY).status_code == 400


@pytest.mark.parametrize(("origin", "status"), [
    ("https://app.example.com", 303),
    ("https://APP.Example.com", 303),
    ("https://app.example.com:8443", 303),
    ("https://example.com", 403),
    ("https://a.b.example.com", 403),
    ("https://evilexample.com", 403),
    ("https://app.example.com.evil.io", 403),
])
def test_wildcard_allowed_origins_match_one_subdomain(origin: str, status: int) -> None:
    client = create_app(SERVER_ACTIONS_ALLOWED_ORIGINS=["*.example.com"]).test_client()
    assert post(client, token_of(client), headers={"Origin": origin}).status_code == status


@pytest.mark.parametrize(("host", "pattern", "matches"), [
    ("proxy.example:8443", "proxy.example:8443", True),
    ("proxy.example", "proxy.example:8443", False),
    ("proxy.example:9443", "proxy.example:8443", False),
    ("proxy.example:9443", "proxy.example", True),
    ("[::1]:5000", "[::1]", True),
    ("[::1]:5000", "[::1]:5001", False),
    ("a.example.com:8443", "*.example.com:8443", True),
    ("a.example.com:8443", "*.example.com:9443", False),
    (".example.com", "*.example.com", False),
    ("a_b.example.com", "*.example.com", False),
    ("a%2f.example.com", "*.example.com", False),
    ("-a.example.com", "*.example.com", False),
])
def test_host_patterns(host: str, pattern: str, matches: bool) -> None:
    assert host_matches(host, pattern) is matches


@pytest.mark.parametrize("site", ["cross-site", "same-site", "Cross-Site"])
def test_headerless_post_the_browser_calls_cross_site_is_refused_before_decoding(
        client: FlaskClient, site: str, monkeypatch: pytest.MonkeyPatch) -> None:
    # The attack: no Origin, no Referer, a made-up token that would look like
    # a retired key's and so re-render the victim's page with the attacker's values.
    opened: list[str] = []
    monkeypatch.setattr(flask_server_actions.post.dispatch, "open_token",
                        lambda text, *args: opened.append(text))
    token_of(client)
    response = post(client, "made-up", headers={"Sec-Fetch-Site": site}, x="attacker's")
    assert response.status_code == 403
    assert (opened, STORE) == ([], [])


@pytest.mark.parametrize("site", ["same-origin", "none"])
def test_headerless_post_the_browser_calls_same_origin_runs(
        client: FlaskClient, site: str) -> None:
    assert post(client, token_of(client), headers={"Sec-Fetch-Site": site}).status_code == 303
    assert STORE == [("save", "typed")]


def test_headerless_same_site_post_runs_when_other_hosts_are_allowed() -> None:
    client = create_app(SERVER_ACTIONS_ALLOWED_ORIGINS=["*.example.com"]).test_client()
    headers = {"Sec-Fetch-Site": "same-site"}
    assert post(client, token_of(client), headers=headers).status_code == 303
