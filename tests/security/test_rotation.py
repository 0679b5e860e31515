"""Key rotation through ``SECRET_KEY_FALLBACKS``."""

from __future__ import annotations

from flask import Flask
from flask.testing import FlaskClient

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


def test_a_token_of_a_removed_key_never_runs_and_asks_for_a_reload(
        app: Flask, client: FlaskClient) -> None:
    # It cannot be told from a made-up token: nothing of it is trusted, so
    # nothing runs and nothing posted is shown (the limit docs/security.rst
    # names: keep a retired secret as a fallback for MAX_AGE).
    token = token_of(client)
    rotate(app)
    response = post(client, token, x="kept input")
    assert response.status_code == 400
    text = response.get_data(as_text=True)
    assert "reload the page" in text and "kept input" not in text
    assert STORE == []
    # The page loaded again carries a token under the new key that works.
    assert Page.get(client, "/plain").form("#form").submit().status_code == 303
