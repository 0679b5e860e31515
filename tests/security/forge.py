"""Tools of the attacker: take tokens apart, change them, post them."""

from __future__ import annotations

import base64
import json
import typing as t

from flask import Flask
from flask.testing import FlaskClient
from werkzeug.test import TestResponse

from flask_server_actions.token.envelope import BINDING_SIZE
from flask_server_actions.token.envelope import REQUEST_TAG_SIZE
from flask_server_actions.token.envelope import ActionToken
from flask_server_actions.token.envelope import binding_tag
from flask_server_actions.token.envelope import open_token

from ..html import ORIGIN
from ..html import Page

#: Byte ranges of a raw token, by field.
REGIONS = {
    "version": (0, 1),
    "key id, app part": (1, 3),
    "key id, key part": (3, 5),
    "issued at": (5, 9),
    "nonce": (9, 21),
}
TAG_SIZE = 16


def region(raw: bytes, name: str) -> range:
    """Byte positions of one field; ``ciphertext`` and ``tag`` come last."""
    if name == "ciphertext":
        return range(21, len(raw) - TAG_SIZE)
    if name == "tag":
        return range(len(raw) - TAG_SIZE, len(raw))
    start, end = REGIONS[name]
    return range(start, end)


def decode(token: str) -> bytes:
    return base64.urlsafe_b64decode(token + "=" * (-len(token) % 4))


def encode(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode("ascii")


def flip(raw: bytes, position: int, bit: int) -> bytes:
    changed = bytearray(raw)
    changed[position] ^= 1 << bit
    return bytes(changed)


def token_of(client: FlaskClient, url: str = "/plain") -> str:
    return Page.get(client, url).form("#form").token()


def post(client: FlaskClient, token: str, url: str = "/plain",
         headers: dict[str, str] | None = None, environ: dict[str, t.Any] | None = None,
         **fields: str) -> TestResponse:
    """Post ``token`` as the form's action, as a same-origin browser would."""
    data = {"__action": token, "x": "typed", **fields}
    sent = {"Origin": ORIGIN} if headers is None else headers
    return client.post(url, data=data, headers=sent, environ_overrides=environ)


def session_tag(client: FlaskClient, app: Flask) -> bytes | None:
    with client.session_transaction() as session:
        value = session.get(app.config["SERVER_ACTIONS_SESSION_KEY"])
    return binding_tag(value) if isinstance(value, str) else None


def opener(app: Flask, client: FlaskClient, now: int) -> t.Callable[[str], ActionToken]:
    """``open_token`` with the app's keys and the client's session."""
    keys = app.extensions["server_actions"].keys(app)
    tag = session_tag(client, app)
    config = app.config

    def open_(text: str) -> ActionToken:
        return open_token(text, keys, tag, now, config["SERVER_ACTIONS_MAX_AGE"],
                          config["SERVER_ACTIONS_MAX_TOKEN_SIZE"])

    return open_


def same_browser(browser: FlaskClient, other: Flask) -> FlaskClient:
    """A client of ``other`` holding ``browser``'s session cookie: the same
    browser reaching another worker or instance."""
    client = other.test_client()
    cookie = browser.get_cookie("session")
    assert cookie is not None
    client.set_cookie("session", cookie.value)
    return client


def as_version_2(app: Flask, token: str, page: str) -> str:
    """``token`` sealed as version 2 (0.2) sealed it: the session binding,
    then JSON with the page's path after the ref and the bound arguments
    inline, no request binding and no row part. What a page opened before
    the upgrade posts."""
    keys = app.extensions["server_actions"].keys(app)
    envelope, _, row = token.partition(".")
    raw = decode(envelope)
    header = b"\x02" + raw[1:9]
    nonce = raw[9:21]
    plain = keys.current.decrypt(nonce, raw[21:], raw[:9])
    fields = json.loads(plain[BINDING_SIZE + REQUEST_TAG_SIZE:])
    ref, names, values, _, options = [*fields, *["", [], [], 0, {}][len(fields):]]
    args = json.loads(b"[" + keys.open_row(raw[:21], decode(row))
                      .rstrip(b" ") + b"]") if row else []
    body = json.dumps([ref, page, names, values, args, options],
                      separators=(",", ":")).encode()
    return encode(header + nonce + keys.current.encrypt(nonce, plain[:BINDING_SIZE] + body,
                                                        header))
