"""Confidentiality: what an action captured cannot be read from the page."""

from __future__ import annotations

import base64
import json
import time
import urllib.parse

import pytest
from flask import Flask
from flask.testing import FlaskClient

from .app_secure import SECRET
from .forge import opener
from .forge import token_of


def encodings(secret: str) -> dict[str, str]:
    """The secret as it would show if the token only encoded it."""
    raw = secret.encode("utf-8")
    forms = {
        "plain": secret,
        "JSON": json.dumps(secret),
        "JSON, ASCII": json.dumps(secret, ensure_ascii=True)[1:-1],
        "URL-quoted": urllib.parse.quote(secret),
        "hex": raw.hex(),
        "HEX": raw.hex().upper(),
    }
    # Base64 of the secret inside a longer message depends on its offset
    # modulo 3: take the middle of the encoding for each of the three.
    for offset in range(3):
        padded = b"\0" * offset + raw
        for name, encode in (("base64", base64.b64encode), ("base64url", base64.urlsafe_b64encode)):
            text = encode(padded).decode("ascii").rstrip("=")
            forms[f"{name} at offset {offset}"] = text[4:-4]
    return forms


#: The secret captured (in the envelope), and bound (in the row part).
PAGES = ["/secret", "/secret-bound"]


@pytest.fixture(params=PAGES)
def html(client: FlaskClient, request: pytest.FixtureRequest) -> str:
    return client.get(request.param).get_data(as_text=True)


@pytest.mark.parametrize("url", PAGES)
def test_the_token_carries_the_secret(app: Flask, client: FlaskClient, url: str) -> None:
    # The control: the secret really is in the token, encrypted.
    token = token_of(client, url)
    opened = opener(app, client, int(time.time()))(token)
    assert SECRET in [*opened.values, *opened.args]
    assert ("." in token) is (url == "/secret-bound")


@pytest.mark.parametrize(("form", "text"), encodings(SECRET).items())
def test_no_form_of_the_secret_is_in_the_html(html: str, form: str, text: str) -> None:
    assert len(text) >= 16
    assert text not in html
    assert text.lower() not in html.lower()


def test_no_long_piece_of_the_secret_is_in_the_html(html: str) -> None:
    pieces = {SECRET[start:start + 8] for start in range(len(SECRET) - 7)}
    assert not [piece for piece in pieces if piece in html]
