"""1. A token runs only at the URL of the page that minted it (the host,
query and view: tests/security/test_request_binding.py)."""

from __future__ import annotations

import logging
import typing as t

import pytest
from flask import Flask
from flask.testing import FlaskClient

from flask_server_actions import closures
from flask_server_actions.page import minting
from flask_server_actions.post import guards
from flask_server_actions.post import view_guards
from flask_server_actions.token import envelope as tokens

from ..html import ORIGIN
from ..html import Page
from ..store import STORE
from . import app_lifecycle


def post_token(client: FlaskClient, url: str, token: str, **fields: str) -> t.Any:
    return client.post(url, data={"__action": token, **fields}, headers={"Origin": ORIGIN})


def test_a_token_posted_to_another_page_never_runs(
        client: FlaskClient, sign_in: t.Callable[..., None],
        caplog: pytest.LogCaptureFixture) -> None:
    sign_in(role="admin")
    token = Page.get(client, "/admin/").form().token()
    sign_in(role="user")  # the role was revoked
    with caplog.at_level(logging.WARNING, "flask_server_actions"):
        response = post_token(client, "/items", token, title="pwned")
    assert response.status_code == 400
    assert "another request" in caplog.text and "/items" in caplog.text
    assert STORE == []


def test_a_team_admins_module_action_does_not_rename_another_team(
        client: FlaskClient, sign_in: t.Callable[..., None]) -> None:
    sign_in(team="1")
    token = Page.get(client, "/teams/1").form().token()
    sign_in(team="2")  # also admin of team 2 now: the guard lets /teams/2 through
    response = post_token(client, "/teams/2", token, title="mine now")
    assert response.status_code == 400
    assert app_lifecycle.TEAMS == {}
    assert post_token(client, "/teams/1", token, title="x").status_code == 403


def test_the_page_itself_still_runs_the_module_action(
        client: FlaskClient, sign_in: t.Callable[..., None]) -> None:
    sign_in(team="1")
    response = Page.get(client, "/teams/1").form().submit(title="Blue")
    assert response.status_code == 303
    assert app_lifecycle.TEAMS == {1: "Blue"}


def test_a_token_returns_to_its_page_with_its_query(client: FlaskClient) -> None:
    token = Page.get(client, "/items?sort=new").form().token()
    assert post_token(client, "/items?sort=old", token, title="t").status_code == 400
    response = post_token(client, "/items?sort=new", token, title="t")
    assert response.status_code == 303
    assert response.headers["Location"] == "/items?sort=new"
    assert STORE == [("add item", "t")]


def test_an_action_answering_307_is_answered_303_and_runs_once(client: FlaskClient) -> None:
    response = Page.get(client, "/redirecting/307").form().submit()
    assert response.status_code == 303
    assert client.get(response.headers["Location"]).status_code == 200
    assert STORE == [("go", "307")]


def test_a_token_posted_to_a_post_only_url_is_that_views_own_post(
        client: FlaskClient) -> None:
    token = Page.get(client, "/items").form().token()
    response = post_token(client, "/hooks/slack", token)
    assert response.status_code == 200
    assert response.json is not None and response.json["length"] > len(token)
    assert STORE == []


def cache_sizes(app: Flask) -> dict[str, int]:
    return {"extensions": len(app.extensions), "resolved": len(closures._cache),
            "checks": len(guards._checks), "minted": len(minting._checked),
            "rebuilt": len(view_guards._rebuilt), "viewed": len(view_guards._checked)}


def test_no_cache_grows_with_what_an_attacker_sends(
        app: Flask, client: FlaskClient, sign_in: t.Callable[..., None]) -> None:
    sign_in(team="1")
    token = Page.get(client, "/teams/1").form().token()
    forged = token[:-8] + "AAAAAAAA"
    post_token(client, "/items", token, title="warm up")
    post_token(client, "/teams/1", forged, title="warm up")  # sets up the throttle's store
    client.get("/nowhere")  # the 404 page mints a token too
    before = cache_sizes(app)
    for number in range(300):
        for url, sent in ((f"/teams/{number}", token), (f"/{number}/greet", forged),
                          (f"/nowhere/{number}", token)):
            response = client.post(url, data={"__action": sent, "title": "x"},
                                   headers={"Origin": f"http://host{number}.example",
                                            "Host": f"host{number}.example"})
            assert response.status_code in (400, 403, 404, 405, 429)
    assert cache_sizes(app) == before
    # Each new session's binding is cached, up to a bound (an LRU).
    assert tokens.binding_tag.cache_info().maxsize == 4096
