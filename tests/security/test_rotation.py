"""Key rotation through ``SECRET_KEY_FALLBACKS``."""

from __future__ import annotations

from flask import Flask
from flask.testing import FlaskClient

from flask_server_actions.errors import RetiredKey

from ..html import Page
from ..store import STORE
from .forge import decode
from .forge import post
from .forge import token_of


def rotate(app: Flask, *fallbacks: str) -> None:
    app.config.update(SECRET_KEY="the new key", SECRET_KEY_FALLBACKS=list(fallbacks))


def test_a_token_of_a_fallback_key_still_runs(app: Flask, client: FlaskClient) -> None:
    token = token_of(client)
    rotate(app, "security secret")
    assert post(client, token).status_code == 303
    assert STORE == [("save", "typed")]


def test_new_tokens_use_the_new_key(app: Flask, client: FlaskClient) -> None:
    old = decode(token_of(client))[1:5]
    rotate(app, "security secret")
    new = decode(token_of(client))[1:5]
    assert old[:2] == new[:2] and old[2:] != new[2:]


def test_a_token_of_a_removed_key_never_runs_and_keeps_the_input(
        app: Flask, client: FlaskClient) -> None:
    token = token_of(client)
    rotate(app)
    response = post(client, token, x="kept input")
    assert response.status_code == 422
    page = Page(client, "/plain", response)
    assert page.text(".action-notice") == RetiredKey.notice
    assert page.value("x") == "kept input"
    assert STORE == []
    # The page shown again carries a token under the new key that works.
    assert page.form("#form").submit().status_code == 303
