"""Integrity: no changed, cut, extended, re-encoded or foreign token runs.

Every attack is checked twice: against ``open_token`` itself (every bit of
every field) and through a full POST (the answer, and that nothing ran).
"""

from __future__ import annotations

import base64
import functools
import struct
import time
import types
import typing as t

import pytest
from flask import Flask
from flask.testing import FlaskClient
from hypothesis import assume
from hypothesis import given
from hypothesis import settings
from hypothesis import strategies as st

import flask_server_actions.page.minting
from flask_server_actions.errors import BadActionToken
from flask_server_actions.errors import RetiredKey
from flask_server_actions.errors import ServerActionError

from ..store import STORE
from .app_secure import create_app
from .forge import decode
from .forge import encode
from .forge import flip
from .forge import opener
from .forge import post
from .forge import region
from .forge import token_of

FORGED_REGIONS = ["version", "key id, app part", "issued at", "nonce", "ciphertext", "tag"]


@pytest.fixture
def app() -> Flask:
    # These tests send hundreds of forged tokens from one address; the
    # throttle that answers them 429 is test_throttle.py's.
    return create_app(SERVER_ACTIONS_THROTTLE=None)


@pytest.fixture
def token(client: FlaskClient) -> str:
    return token_of(client)


def assert_refused(client: FlaskClient, forged: str, status: int = 400) -> None:
    response = post(client, forged)
    assert response.status_code == status, forged
    assert STORE == []


def test_the_untouched_token_runs(client: FlaskClient, token: str) -> None:
    # The control for every attack below: the same post with the real token works.
    assert post(client, token).status_code == 303
    assert STORE == [("save", "typed")]


@pytest.mark.parametrize("field", FORGED_REGIONS)
def test_every_bit_flip_is_refused(app: Flask, client: FlaskClient, token: str,
                                   field: str) -> None:
    raw = decode(token)
    open_ = opener(app, client, int(time.time()))
    for position in region(raw, field):
        for bit in range(8):
            with pytest.raises(BadActionToken):
                open_(encode(flip(raw, position, bit)))
        assert_refused(client, encode(flip(raw, position, position % 8)))


def test_a_flipped_key_id_reads_as_a_retired_key_and_never_runs(
        app: Flask, client: FlaskClient, token: str) -> None:
    # A key id of this app that no key has is what a retired key looks like,
    # and what anyone can write: it authenticates nothing, so it is a 400.
    raw = decode(token)
    open_ = opener(app, client, int(time.time()))
    for position in region(raw, "key id, key part"):
        for bit in range(8):
            with pytest.raises(RetiredKey):
                open_(encode(flip(raw, position, bit)))
        assert_refused(client, encode(flip(raw, position, position % 8)))


def test_every_truncation_is_refused(app: Flask, client: FlaskClient, token: str) -> None:
    open_ = opener(app, client, int(time.time()))
    for length in range(len(token)):
        with pytest.raises(BadActionToken):
            open_(token[:length])


@pytest.mark.parametrize("cut", [
    pytest.param(lambda token: "", id="empty"),
    pytest.param(lambda token: token[:5], id="inside the header"),
    pytest.param(lambda token: token[:28], id="inside the nonce"),
    pytest.param(lambda token: encode(decode(token)[:-16]), id="tag removed"),
    pytest.param(lambda token: encode(decode(token)[:-1]), id="one byte short"),
    *[pytest.param(lambda token, r=r: token[:len(token) - 8 - (len(token) - r) % 4],
                   id=f"length {r} mod 4") for r in range(4)],
])
def test_truncated_tokens_answer_400(client: FlaskClient, token: str,
                                     cut: t.Callable[[str], str]) -> None:
    assert_refused(client, cut(token))


@pytest.mark.parametrize("extend", [
    pytest.param(lambda token: token + "A", id="one char"),
    pytest.param(lambda token: token + "AA", id="two chars"),
    pytest.param(lambda token: token + "AAAA", id="four chars"),
    pytest.param(lambda token: encode(decode(token) + b"\0"), id="one byte"),
    pytest.param(lambda token: encode(decode(token) + decode(token)[-16:]), id="tag twice"),
    pytest.param(lambda token: token + token, id="token twice"),
])
def test_extended_tokens_answer_400(client: FlaskClient, token: str,
                                    extend: t.Callable[[str], str]) -> None:
    assert_refused(client, extend(token))


def _with_unused_bits(client: FlaskClient) -> str:
    # Pick a page whose token's last base64 character has unused low bits.
    for page in ("/plain", "/pay", "/transfer", "/members", "/secret", "/capture/fine"):
        token = token_of(client, page)
        if len(token) % 4 and "." not in token:
            return token
    raise AssertionError("no token length leaves unused bits")  # pragma: no cover


def _with_url_safe_chars(client: FlaskClient) -> str:
    for _ in range(50):
        token = token_of(client)
        if "-" in token or "_" in token:
            return token
    raise AssertionError("no token with - or _ in 50 tries")  # pragma: no cover


def _non_canonical(token: str) -> str:
    alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"
    last = alphabet.index(token[-1])
    unused = 0b1111 if len(token) % 4 == 2 else 0b11
    return token[:-1] + alphabet[last ^ (unused & 1 or 1)]


@pytest.mark.parametrize("reencode", [
    pytest.param(lambda token: token + "=" * (-len(token) % 4 or 4), id="padding"),
    pytest.param(lambda token: base64.b64encode(decode(token)).decode(), id="standard alphabet"),
    pytest.param(lambda token: token[:10] + "\n" + token[10:], id="newline inside"),
    pytest.param(lambda token: " " + token, id="leading space"),
    pytest.param(lambda token: token.swapcase(), id="swapped case"),
    pytest.param(_non_canonical, id="non-canonical last char"),
])
def test_reencoded_tokens_answer_400(client: FlaskClient,
                                     reencode: t.Callable[[str], str]) -> None:
    token = _with_unused_bits(client) if reencode is _non_canonical else _with_url_safe_chars(client)
    forged = reencode(token)
    assert forged != token
    assert_refused(client, forged)


def test_non_canonical_last_char_decodes_to_the_same_bytes(client: FlaskClient) -> None:
    # Proof the attack above is meaningful: a lax decoder would accept it.
    token = _with_unused_bits(client)
    assert decode(_non_canonical(token)) == decode(token)


def _set_header(token: str, version: int | None = None, kid: bytes | None = None,
                issued_at: int | None = None) -> str:
    raw = decode(token)
    old_version, old_kid, old_issued = struct.unpack_from(">B4sI", raw)
    header = struct.pack(">B4sI", old_version if version is None else version,
                         old_kid if kid is None else kid,
                         old_issued if issued_at is None else issued_at)
    return encode(header + raw[9:])


@pytest.mark.parametrize("version", [0, 1, 3, 4, 6, 255])
def test_another_version_answers_400(client: FlaskClient, token: str, version: int) -> None:
    assert_refused(client, _set_header(token, version=version))


@pytest.mark.parametrize("shift", [-1, 1, -3600, 30])
def test_changed_issued_at_answers_400(client: FlaskClient, token: str, shift: int) -> None:
    issued = struct.unpack_from(">I", decode(token), 5)[0]
    assert_refused(client, _set_header(token, issued_at=issued + shift))


def test_key_id_of_another_app_answers_400(client: FlaskClient, token: str) -> None:
    foreign = token_of(create_app(name="tests.security.elsewhere").test_client())
    assert_refused(client, _set_header(token, kid=decode(foreign)[1:5]))


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """The minting clock, set by the test."""
    now = [int(time.time())]
    monkeypatch.setattr(flask_server_actions.page.minting, "time",
                        types.SimpleNamespace(time=lambda: now[0]))
    return now


def test_header_of_one_token_on_the_body_of_another_answers_400(
        client: FlaskClient, clock: list[int]) -> None:
    first = decode(token_of(client))
    clock[0] -= 10
    second = decode(token_of(client))
    assert first[:9] != second[:9]
    assert_refused(client, encode(first[:9] + second[9:]))


def test_nonce_of_one_token_with_the_ciphertext_of_another_answers_400(
        client: FlaskClient) -> None:
    first, second = decode(token_of(client)), decode(token_of(client))
    assert_refused(client, encode(first[:21] + second[21:]))


def test_token_of_another_app_answers_400(client: FlaskClient) -> None:
    token_of(client)  # this browser has a session with the attacked app
    assert_refused(client, token_of(create_app(name="tests.security.elsewhere").test_client()))


def test_token_of_another_secret_never_runs(client: FlaskClient) -> None:
    # Same app name, another SECRET_KEY: indistinguishable from a key retired
    # from SECRET_KEY_FALLBACKS, and refused like it (400).
    token_of(client)
    assert_refused(client, token_of(create_app(secret="another").test_client()))


@functools.cache
def _fresh() -> tuple[Flask, FlaskClient, str]:
    """One app, browser and token for all examples of a property test."""
    app = create_app(SERVER_ACTIONS_THROTTLE=None)
    client = app.test_client()
    return app, client, token_of(client)


@settings(max_examples=300, deadline=None)
@given(st.binary(max_size=600))
def test_random_bytes_only_raise_library_errors(data: bytes) -> None:
    app, client, _ = _fresh()
    with pytest.raises(ServerActionError):
        opener(app, client, int(time.time()))(encode(data))


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=600))
def test_random_strings_only_raise_library_errors(text: str) -> None:
    app, client, _ = _fresh()
    with pytest.raises(ServerActionError):
        opener(app, client, int(time.time()))(text)


mutations = st.lists(st.tuples(st.sampled_from(["flip", "delete", "insert", "replace"]),
                               st.integers(0, 10_000), st.integers(0, 255)),
                     min_size=1, max_size=4)


def mutate(token: str, edits: list[tuple[str, int, int]]) -> str:
    raw = bytearray(decode(token))
    for kind, where, value in edits:
        position = where % (len(raw) or 1)
        if kind == "flip" and raw:
            raw[position] ^= 1 << (value % 8)
        elif kind == "delete" and raw:
            del raw[position]
        elif kind == "insert":
            raw.insert(position, value)
        elif raw:
            raw[position] = value
    return encode(bytes(raw))


@settings(max_examples=300, deadline=None)
@given(mutations)
def test_mutated_tokens_only_raise_library_errors(edits: list[tuple[str, int, int]]) -> None:
    app, client, token = _fresh()
    forged = mutate(token, edits)
    assume(forged != token)
    with pytest.raises(ServerActionError):
        opener(app, client, int(time.time()))(forged)


@settings(max_examples=150, deadline=None)
@given(st.one_of(st.text(max_size=300), st.binary(max_size=300).map(encode), mutations))
def test_posted_garbage_never_reaches_an_action(attack: str | list[t.Any]) -> None:
    _, client, token = _fresh()
    forged = attack if isinstance(attack, str) else mutate(token, attack)
    assume(forged != token)
    STORE.clear()
    response = post(client, forged)
    assert response.status_code in (400, 422)
    assert STORE == []
