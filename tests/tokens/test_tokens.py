"""The token on the page: small, carrying only the action's name, the page and
the captured values, and bound to a session value that is set once and
reused by every page after."""

from __future__ import annotations

import base64
import json
import struct
import time

import pytest
from flask import Flask
from flask.testing import FlaskClient

from flask_server_actions.errors import BadActionToken
from flask_server_actions.token.envelope import VERSION
from flask_server_actions.token.envelope import binding_tag
from flask_server_actions.token.envelope import open_token

from ..html import Page
from .decrypt import decrypt


def binding(app: Flask, client: FlaskClient) -> object:
    with client.session_transaction() as session:
        return session.get(app.config["SERVER_ACTIONS_SESSION_KEY"])


def test_the_seed_update_post_token_fits_in_220_characters(client: FlaskClient) -> None:
    # Captures post_id; page /posts/1; ref tests.core.core_app:create_app.<locals>
    # .show_post.<locals>.update_post, longer than most apps' would be. The
    # padding to 16-byte blocks adds up to 15 bytes (20 characters).
    token = Page.get(client, "/posts/1").form("#edit").token()
    assert len(token) <= 220


def test_the_token_carries_only_the_name_and_captured_values(client: FlaskClient) -> None:
    token = Page.get(client, "/posts/1").form("#edit").token()
    # The page is bound by a MAC of fixed size before the JSON (the request
    # binding tests are in tests/security/test_request_binding.py).
    # [name, number of bound arguments, captures]: the name of an action
    # defined in the page's view is written relative to the view, which the
    # request binding seals; empty fields at the end are left out.
    assert json.loads(decrypt(token, "test secret", "tests.core.core_app")) == [
        "~update_post", 0, {"post_id": 1}]


def test_the_session_binding_is_set_once_and_reused_across_pages(
        app: Flask, client: FlaskClient) -> None:
    first = client.get("/posts/1")
    value = binding(app, client)
    assert isinstance(value, str) and "Set-Cookie" in first.headers
    second = client.get("/rows")
    assert binding(app, client) == value
    # Nothing changed in the session, so no new cookie is sent.
    assert "Set-Cookie" not in second.headers


def test_a_page_without_tokens_sets_no_binding(app: Flask, client: FlaskClient) -> None:
    response = client.get("/")
    assert binding(app, client) is None
    assert "Set-Cookie" not in response.headers
    assert "Cookie" not in response.vary


def test_a_token_that_authenticates_but_holds_no_body_is_refused(
        app: Flask, client: FlaskClient) -> None:
    # Only a bug of ours could seal such a token; it must still be a 400.
    Page.get(client, "/posts/1")
    keys = app.extensions["server_actions"].keys(app)
    with client.session_transaction() as session:
        tag = binding_tag(session[app.config["SERVER_ACTIONS_SESSION_KEY"]])
    header = struct.pack(">B4sI", VERSION, keys.current_id, int(time.time()))
    nonce = bytes(12)
    cipher = keys.cipher(keys.current_id)
    raw = header + nonce + cipher.encrypt(nonce, tag + b"[1, 2]", header)
    with pytest.raises(BadActionToken) as info:
        open_token(base64.urlsafe_b64encode(raw).rstrip(b"=").decode(), keys, tag,
                   int(time.time()), 60, 8192)
    assert info.value.reason.startswith("token body is malformed")
