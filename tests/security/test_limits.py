"""Resource limits: oversized tokens are refused before any decryption,
request bodies stay within Flask's limits, and captures too big or too deep
to travel are errors at render time naming the variable."""

from __future__ import annotations

import re
import typing as t

import pytest
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from flask import Flask
from flask.testing import FlaskClient

from flask_server_actions.errors import UnserializableValue
from flask_server_actions.token.envelope import KeyRing

from ..html import ORIGIN
from ..store import STORE
from .app_secure import create_app
from .forge import post
from .forge import token_of


class CountingCipher:
    def __init__(self, cipher: AESGCM, calls: list[int]) -> None:
        self._cipher = cipher
        self._calls = calls

    def encrypt(self, nonce: bytes, data: bytes, associated: bytes) -> bytes:
        return self._cipher.encrypt(nonce, data, associated)

    def decrypt(self, nonce: bytes, data: bytes, associated: bytes) -> bytes:
        self._calls.append(len(data))
        return self._cipher.decrypt(nonce, data, associated)


@pytest.fixture
def decryptions(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """Every decryption attempt, by ciphertext length."""
    calls: list[int] = []
    real = KeyRing.cipher

    def counting(self: KeyRing, kid: bytes) -> t.Any:
        cipher = real(self, kid)
        return None if cipher is None else CountingCipher(cipher, calls)

    monkeypatch.setattr(KeyRing, "cipher", counting)
    return calls


def test_an_oversized_token_is_refused_without_decrypting(
        client: FlaskClient, decryptions: list[int]) -> None:
    token = token_of(client)
    assert post(client, token).status_code == 303
    assert len(decryptions) == 1  # the control: a normal post decrypts once
    oversized = token + "A" * (8192 - len(token) + 4)
    assert post(client, oversized).status_code == 400
    assert len(decryptions) == 1


def test_the_token_size_limit_is_a_setting(decryptions: list[int]) -> None:
    app = create_app()
    client = app.test_client()
    token = token_of(client)
    app.config["SERVER_ACTIONS_MAX_TOKEN_SIZE"] = 64
    assert post(client, token).status_code == 400
    assert decryptions == []
    assert STORE == []


def test_max_content_length_is_honoured_before_the_token_is_read() -> None:
    client = create_app(MAX_CONTENT_LENGTH=2048).test_client()
    token = token_of(client)
    assert post(client, token, x="y" * 4096).status_code == 413
    assert STORE == []


@pytest.mark.parametrize(("setting", "fields"), [
    ({"MAX_FORM_MEMORY_SIZE": 1024}, {"x": "y" * 2048}),
    ({"MAX_FORM_PARTS": 10}, {f"f{index}": "v" for index in range(20)}),
])
def test_multipart_form_limits_are_honoured(setting: dict[str, int],
                                            fields: dict[str, str]) -> None:
    client = create_app(**setting).test_client()
    data = {"__action": token_of(client), **fields}
    response = client.post("/plain", data=data, content_type="multipart/form-data",
                           headers={"Origin": ORIGIN})
    assert response.status_code == 413
    assert STORE == []


@pytest.mark.parametrize(("kind", "message"), [
    ("huge", "over the limit of 4096 (SERVER_ACTIONS_MAX_CAPTURE_BYTES)"),
    ("deep", "nested deeper than 32 levels"),
])
def test_a_capture_too_big_or_too_deep_is_a_render_error_naming_it(
        app: Flask, kind: str, message: str) -> None:
    app.testing = True
    with pytest.raises(UnserializableValue, match=r"'blob'.*" + re.escape(message)) as caught:
        app.test_client().get(f"/capture/{kind}")
    assert caught.value.name == "blob"


@pytest.mark.parametrize(("setting", "url", "fails"), [
    ({"SERVER_ACTIONS_MAX_CAPTURE_BYTES": 3}, "/capture/fine", True),
    ({"SERVER_ACTIONS_MAX_CAPTURE_BYTES": 4}, "/capture/fine", False),
    ({"SERVER_ACTIONS_MAX_DEPTH": 64}, "/capture/deep", False),
    ({"SERVER_ACTIONS_MAX_CAPTURE_BYTES": 20_000, "SERVER_ACTIONS_MAX_TOKEN_SIZE": 40_000},
     "/capture/huge", False),
])
def test_capture_limits_are_settings(setting: dict[str, int], url: str, fails: bool) -> None:
    app = create_app(**setting)
    app.testing = True
    if fails:
        with pytest.raises(UnserializableValue, match="'blob'"):
            app.test_client().get(url)
    else:
        assert app.test_client().get(url).status_code == 200
