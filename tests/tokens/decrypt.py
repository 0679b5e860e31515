"""Read a token's plaintext as the server does, for tests that check what
travels inside it."""

from __future__ import annotations

import base64

from flask import Flask

from flask_server_actions.token.envelope import BINDING_SIZE
from flask_server_actions.token.envelope import REQUEST_TAG_SIZE
from flask_server_actions.token.envelope import KeyRing
from flask_server_actions.token.envelope import app_identity

_HEADER_SIZE = 9
_NONCE_SIZE = 12


def _raw(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def decrypt(token: str, secret: str, app_name: str, padding: bool = False) -> bytes:
    """The plaintext JSON of ``token``'s envelope (without its session and
    request bindings) of the app ``app_name`` with Flask's default settings,
    then, for a token with a row part, a newline and the row part's plaintext
    (the bound arguments); with ``padding``, the spaces after each too."""
    envelope, _, row = token.partition(".")
    raw = _raw(envelope)
    keys = KeyRing([secret], app_identity(app_name, Flask.default_config))
    cipher = keys.cipher(raw[1:5])
    assert cipher is not None, "token of another secret or app"
    nonce = raw[_HEADER_SIZE:_HEADER_SIZE + _NONCE_SIZE]
    plain = cipher.decrypt(nonce, raw[_HEADER_SIZE + _NONCE_SIZE:], raw[:_HEADER_SIZE])
    body = plain[BINDING_SIZE + REQUEST_TAG_SIZE:]
    if row:
        context = raw[:_HEADER_SIZE + _NONCE_SIZE]
        body += b"\n" + keys.open_row(context, _raw(row))
    return body if padding else b"\n".join(part.rstrip(b" ") for part in body.split(b"\n"))
