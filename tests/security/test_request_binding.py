"""A token runs only on the request that minted it: its host, script root,
path, query and view (issue 18, root cause 1)."""

from __future__ import annotations

import pytest
from flask import Flask
from flask.testing import FlaskClient
from werkzeug.test import TestResponse

from flask_server_actions.errors import ActionWithoutPage

from ..html import Page
from ..store import STORE
from . import app_tenants


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
