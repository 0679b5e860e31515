"""A token runs only on the request that minted it: its host, script root,
path, query and view (issue 18, root cause 1); one minted at this URL by a
view a redeploy renamed shows the page again with the input, and never runs
(issue 25, item 13)."""

from __future__ import annotations

import logging
import time
import typing as t

import pytest
from flask import Flask
from flask.testing import FlaskClient
from hypothesis import given
from hypothesis import settings
from hypothesis import strategies as st
from werkzeug.test import TestResponse

from flask_server_actions.errors import ActionWithoutPage
from flask_server_actions.errors import PageMismatch
from flask_server_actions.errors import ViewChanged
from flask_server_actions.signals import action_refused
from flask_server_actions.token.envelope import BINDING_SIZE
from flask_server_actions.token.envelope import OTHER_REQUEST
from flask_server_actions.token.envelope import REQUEST_TAG_SIZE
from flask_server_actions.token.envelope import SAME_PLACE
from flask_server_actions.token.envelope import SAME_REQUEST
from flask_server_actions.token.envelope import VERSION
from flask_server_actions.token.envelope import WHOLE_TAG_SIZE
from flask_server_actions.token.envelope import KeyRing
from flask_server_actions.token.envelope import compare_requests
from flask_server_actions.token.envelope import request_identity
from flask_server_actions.token.serialization import compact_json

from ..html import Page
from ..store import STORE
from . import app_tenants
from .forge import decode
from .forge import encode


@pytest.fixture
def app() -> Flask:
    app_tenants.TEAMS.clear()
    app_tenants.RAN.clear()
    return app_tenants.create_app()


def sign_in(client: FlaskClient, team: str, host: str = "example.test") -> None:
    assert client.post("/sign-in", data={"team": team},
                       base_url=f"http://{host}").status_code == 200


def token_at(client: FlaskClient, url: str, host: str = "example.test",
             headers: dict[str, str] | None = None) -> str:
    response = client.get(url, base_url=f"http://{host}", headers=headers)
    assert response.status_code == 200, response.get_data(as_text=True)
    return Page(client, url, response).form().token()


def post(client: FlaskClient, url: str, token: str, host: str = "example.test",
         headers: dict[str, str] | None = None, **fields: str) -> TestResponse:
    """Post ``token`` as a same-origin browser on ``host`` would."""
    return client.post(url, base_url=f"http://{host}",
                       data={"__action": token, "title": "renamed", **fields},
                       headers={"Origin": f"http://{host}", **(headers or {})})


def test_a_token_of_one_tenants_host_does_not_run_on_another(client: FlaskClient) -> None:
    sign_in(client, "a", "a.example.test")
    token = token_at(client, "/settings", "a.example.test")
    sign_in(client, "b", "b.example.test")  # a plain member of b signs in there
    response = post(client, "/settings", token, "b.example.test")
    assert response.status_code == 400
    assert app_tenants.TEAMS == {}


def test_a_token_runs_on_the_host_that_minted_it(client: FlaskClient) -> None:
    sign_in(client, "a", "a.example.test")
    token = token_at(client, "/settings", "a.example.test")
    assert post(client, "/settings", token, "a.example.test").status_code == 303
    assert app_tenants.TEAMS == {"a": "renamed"}


def test_hosts_differing_in_case_only_are_one_host(client: FlaskClient) -> None:
    sign_in(client, "a", "a.example.test")
    token = token_at(client, "/settings", "a.example.test")
    assert post(client, "/settings", token, "A.Example.TEST").status_code == 303


@pytest.mark.parametrize("query", ["org=b", "org=a&org=b", "", "org=a&x=1", "org=%61"])
def test_a_token_of_one_query_does_not_run_with_another(
        client: FlaskClient, query: str) -> None:
    sign_in(client, "a")
    token = token_at(client, "/orgs?org=a")
    response = post(client, f"/orgs?{query}" if query else "/orgs", token)
    assert response.status_code == 400
    assert app_tenants.TEAMS == {}


def test_a_token_runs_with_its_own_query_and_returns_there(client: FlaskClient) -> None:
    sign_in(client, "a")
    token = token_at(client, "/orgs?org=a")
    response = post(client, "/orgs?org=a", token)
    assert response.status_code == 303
    assert response.headers["Location"] == "/orgs?org=a"
    assert app_tenants.TEAMS == {"a": "renamed"}


def test_a_post_view_mints_no_token_to_run_under_the_get_view(client: FlaskClient) -> None:
    # A token minted by a URL's POST view could only ever be posted to that
    # URL's GET view: it is refused while the page renders (and would be 400).
    client.application.testing = True
    with pytest.raises(ActionWithoutPage, match="view 'notes_posted'"):
        client.post("/notes", base_url="http://example.test", data={"x": "1"})
    assert STORE == []


def test_a_token_of_the_get_view_runs_at_its_url(client: FlaskClient) -> None:
    token = token_at(client, "/notes")
    assert post(client, "/notes", token).status_code == 303
    assert STORE == [("note", "renamed")]


def test_a_prefixed_tenants_token_does_not_run_under_a_forwarded_prefix(
        client: FlaskClient) -> None:
    sign_in(client, "a")
    token = token_at(client, "/t/a/settings")
    # The same script root + path as one string, split elsewhere: the app's
    # own /settings rule, whose hooks check no team.
    response = post(client, "/settings", token, headers={"X-Forwarded-Prefix": "/t/a"})
    assert response.status_code == 400
    assert app_tenants.TEAMS == {}
    assert post(client, "/t/a/settings", token).status_code == 303
    assert app_tenants.TEAMS == {"a": "renamed"}


def test_a_long_query_string_never_breaks_the_page(client: FlaskClient) -> None:
    sign_in(client, "a")
    short = token_at(client, "/orgs?org=a")
    long_query = "org=a&" + "&".join(f"filter{n}=value{n}" for n in range(400))
    assert len(long_query) > 6000
    token = token_at(client, f"/orgs?{long_query}")
    # The query is bound by a digest: the token does not grow with it.
    assert abs(len(token) - len(short)) <= 4
    assert post(client, f"/orgs?{long_query}", token).status_code == 303
    assert app_tenants.TEAMS == {"a": "renamed"}


def resealed(app: Flask, token: str, request_tag: bytes, version: int = VERSION) -> str:
    """``token`` (of no bound arguments) sealed again with the request
    binding ``request_tag``, as a token of ``version``: what another
    request, or an earlier release, would have minted."""
    keys = app.extensions["server_actions"].keys(app)
    raw = decode(token)
    header = bytes([version]) + raw[1:9]
    nonce = raw[9:21]
    plain = keys.current.decrypt(nonce, raw[21:], raw[:9])
    body = plain[BINDING_SIZE + REQUEST_TAG_SIZE:]
    return encode(header + nonce + keys.current.encrypt(
        nonce, plain[:BINDING_SIZE] + request_tag + body, header))


def tag_of(app: Flask, path: str = "/notes", endpoint: str = "notes",
           rule: str | None = None) -> bytes:
    """The request binding of a GET of ``path`` on example.test served by
    ``endpoint`` at ``rule`` (by default ``path``)."""
    keys = app.extensions["server_actions"].keys(app)
    return keys.request_tag(request_identity("example.test", "", path, b"", rule or path,
                                             endpoint))


def test_a_token_minted_at_this_url_by_another_view_shows_the_page_again(
        app: Flask, client: FlaskClient) -> None:
    token = resealed(app, token_at(client, "/notes"), tag_of(app, endpoint="old_notes"))
    response = post(client, "/notes", token, title="typed")
    assert response.status_code == 422
    page = Page(client, "/notes", response)
    assert page.text(".action-notice") == ViewChanged.notice
    assert page.value("title") == "typed"
    assert STORE == []


@pytest.mark.parametrize("other", [
    pytest.param({"path": "/board", "endpoint": "notes", "rule": "/notes"}, id="another path"),
    pytest.param({"path": "/board", "endpoint": "old_notes"}, id="another path and view"),
])
def test_a_token_of_another_url_is_refused_whatever_its_view(
        app: Flask, client: FlaskClient, other: dict[str, str]) -> None:
    token = resealed(app, token_at(client, "/notes"), tag_of(app, **other))
    assert post(client, "/notes", token).status_code == 400
    assert STORE == []


def test_a_token_of_version_3_minted_before_the_upgrade_still_runs(
        app: Flask, client: FlaskClient) -> None:
    token = resealed(app, token_at(client, "/notes"), tag_of(app)[:WHOLE_TAG_SIZE], version=3)
    assert post(client, "/notes", token).status_code == 303
    assert STORE == [("note", "renamed")]


@pytest.mark.parametrize("other", [{"endpoint": "old_notes"}, {"path": "/board"}])
def test_a_token_of_version_3_of_another_request_is_refused(
        app: Flask, client: FlaskClient, other: dict[str, str]) -> None:
    # Its binding has no MAC of the place alone: it cannot tell a renamed
    # view from another URL, and is refused as it was before the upgrade.
    token = resealed(app, token_at(client, "/notes"), tag_of(app, **other)[:WHOLE_TAG_SIZE], version=3)
    assert post(client, "/notes", token).status_code == 400
    assert STORE == []


_parts = st.text(max_size=6)


@given(first=st.tuples(_parts, _parts, _parts, st.binary(max_size=6), _parts, _parts),
       second=st.tuples(_parts, _parts, _parts, st.binary(max_size=6), _parts, _parts))
@settings(max_examples=100, deadline=None)
def test_a_request_binding_tells_a_changed_view_from_another_url(
        first: tuple[t.Any, ...], second: tuple[t.Any, ...]) -> None:
    place = [first[0].lower(), first[1], first[2], first[3].decode("latin-1")]
    assert request_identity(*first) == (compact_json(place).encode(),
                                        compact_json([*place, *first[4:]]).encode())
    keys = KeyRing(["key"], "app")
    sealed = keys.request_tag(request_identity(*first))
    expected = keys.request_tag(request_identity(*second))
    found = compare_requests(sealed, expected)
    same_place = first[0].lower() == second[0].lower() and first[1:4] == second[1:4]
    if same_place and first[4:] == second[4:]:
        assert found == SAME_REQUEST
    elif same_place:
        assert found == SAME_PLACE
    else:
        assert found == OTHER_REQUEST
    # A token of version 3 has the whole MAC alone.
    assert (compare_requests(sealed[:WHOLE_TAG_SIZE], expected) == SAME_REQUEST) == (found == SAME_REQUEST)
    assert compare_requests(sealed[:WHOLE_TAG_SIZE], expected) != SAME_PLACE


def _heard(app: Flask, client: FlaskClient, token: str,
           caplog: pytest.LogCaptureFixture) -> tuple[int, list[tuple[str, str]]]:
    """The status of posting ``token`` to /notes, and the refusals signalled
    (the action's name, as the token wrote it, and why)."""
    heard: list[tuple[str, str]] = []

    def hear(sender: Flask, name: str, ref: str, reason: str) -> None:
        assert sender is app
        heard.append((ref.rpartition(".")[2].rpartition("~")[2], reason))

    with action_refused.connected_to(hear, app), caplog.at_level(logging.INFO,
                                                                  "flask_server_actions"):
        status = post(client, "/notes", token).status_code
    return status, heard


HERE = "'example.test/notes (view notes)'"


def test_a_token_of_another_request_is_logged_and_signalled_with_where_it_was_posted(
        app: Flask, client: FlaskClient, caplog: pytest.LogCaptureFixture) -> None:
    reasons: list[str] = []

    @app.errorhandler(PageMismatch)
    def note(error: PageMismatch) -> tuple[str, int]:
        reasons.append(error.reason)
        return "refused", 400

    token = resealed(app, token_at(client, "/notes"), tag_of(app, path="/board"))
    assert _heard(app, client, token, caplog) == (
        400, [("add_note", "token of another request")])
    assert reasons == [f"token of another request posted to {HERE}"]
    assert f"Refused an action post to {HERE}: its token, of the action" in caplog.text
    assert "was minted by another request" in caplog.text


def test_a_token_of_a_renamed_view_is_logged_and_signalled_as_stale(
        app: Flask, client: FlaskClient, caplog: pytest.LogCaptureFixture) -> None:
    token = resealed(app, token_at(client, "/notes"), tag_of(app, endpoint="old_notes"))
    assert _heard(app, client, token, caplog) == (
        422, [("add_note", f"token of another view posted to {HERE}")])
    assert f"Stale action post to {HERE}: its token was minted by another view" in caplog.text


def test_the_log_names_the_url_a_token_of_another_request_was_posted_to(
        client: FlaskClient, caplog: pytest.LogCaptureFixture) -> None:
    sign_in(client, "X")
    token = token_at(client, "/orgs?org=X")
    with caplog.at_level(logging.WARNING, "flask_server_actions"):
        assert post(client, "/orgs?org=XX", token).status_code == 400
    assert "'example.test/orgs?org=XX (view org_settings)'" in caplog.text


def test_an_expired_token_of_this_session_minted_by_another_view_keeps_the_input(
        app: Flask, client: FlaskClient, monkeypatch: pytest.MonkeyPatch) -> None:
    token = resealed(app, token_at(client, "/notes"), tag_of(app, endpoint="old_notes"))
    later = time.time() + app.config["SERVER_ACTIONS_MAX_AGE"] + 60
    monkeypatch.setattr(time, "time", lambda: later)
    response = post(client, "/notes", token, title="typed")
    assert response.status_code == 422
    page = Page(client, "/notes", response)
    assert (page.text(".action-notice"), page.value("title")) == (ViewChanged.notice, "typed")
    assert STORE == []
