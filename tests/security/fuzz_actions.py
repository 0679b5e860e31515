"""Fuzz targets: the token decoder and the whole action dispatcher.

Hypothesis generates the inputs: random bytes and strings, and mutations of
real tokens (bit flips, cuts, insertions), posted with varied headers,
fields, encodings and URLs. The properties:

* ``open_token`` either opens a token the server minted, untouched, or
  raises one of the library's own errors (:class:`ServerActionError`);
* a post never crashes (no 5xx), and an action runs only when the post
  carries, byte for byte, a token the server minted, from an accepted origin.

A short run is part of the test suite (``test_fuzz_smoke.py``); a long one
is ``bash scripts/fuzz [seconds]`` (default 600). Failures are shrunk to a
minimal example and printed; the command exits non-zero.
"""

from __future__ import annotations

import functools
import logging
import sys
import time
import typing as t
from dataclasses import dataclass
from urllib.parse import urlsplit

from flask import Flask
from flask.testing import FlaskClient
from hypothesis import HealthCheck
from hypothesis import given
from hypothesis import settings
from hypothesis import strategies as st

from flask_server_actions.errors import ServerActionError

from ..store import STORE
from .app_secure import create_app
from .forge import decode
from .forge import encode
from .forge import opener
from .forge import token_of

PAGES = ["/plain", "/pay", "/transfer", "/admin/1", "/members", "/secret"]
ORIGINS = [None, "http://localhost", "https://evil.example", "null", "",
           "http://localhost:8080", "http://localhost.evil.example"]


@dataclass
class Target:
    """The attacked app, a browser session on it, and the tokens it was given."""

    app: Flask
    client: FlaskClient
    tokens: dict[str, str]

    def open(self, text: str) -> t.Any:
        return opener(self.app, self.client, int(time.time()))(text)


@functools.cache
def target() -> Target:
    app = create_app()
    app.config["PROPAGATE_EXCEPTIONS"] = True  # a crash fails the run with its traceback
    client = app.test_client()
    client.post("/login?admin=1")
    return Target(app, client, {page: token_of(client, page) for page in PAGES})


def _mutate(token: str, edits: list[tuple[int, int, int]]) -> str:
    raw = bytearray(decode(token))
    for kind, where, value in edits:
        position = where % (len(raw) + 1)
        if kind == 0:
            raw.insert(position, value)
        elif raw and kind == 1:
            del raw[position % len(raw)]
        elif raw and kind == 2:
            raw[position % len(raw)] ^= 1 << (value % 8)
        elif raw:
            raw[position % len(raw)] = value
    return encode(bytes(raw))


def _text_mutate(token: str, cut: int, extra: str) -> str:
    cut %= len(token) + 1
    return token[:cut] + extra + token[cut:]


edits = st.lists(st.tuples(st.integers(0, 3), st.integers(0, 4096), st.integers(0, 255)),
                 min_size=1, max_size=6)
real_tokens = st.sampled_from(PAGES).map(lambda page: target().tokens[page])
tokens = st.one_of(
    st.text(max_size=400),
    st.binary(max_size=400).map(encode),
    st.tuples(real_tokens, edits).map(lambda pair: _mutate(*pair)),
    st.tuples(real_tokens, st.integers(0, 400), st.text(max_size=8)).map(
        lambda triple: _text_mutate(*triple)),
    real_tokens,
)


def check_open_token(text: str) -> None:
    """``open_token`` opens only untouched tokens, and raises nothing but
    the library's errors otherwise."""
    try:
        target().open(text)
    except ServerActionError:
        return
    assert text in target().tokens.values(), f"a forged token opened: {text!r}"


@dataclass
class Attack:
    url: str
    token: str
    button: bool
    origin: str | None
    referer: str | None
    fields: dict[str, str]
    multipart: bool


attacks = st.builds(
    Attack,
    url=st.sampled_from([*PAGES, "/nowhere", "/"]),
    token=tokens,
    button=st.booleans(),
    origin=st.sampled_from(ORIGINS),
    referer=st.sampled_from([None, "http://localhost/plain", "https://evil.example/"]),
    fields=st.dictionaries(st.sampled_from(["x", "__action", "__action_button", "y"]),
                           st.text(max_size=40), max_size=3),
    multipart=st.booleans(),
)


def check_dispatch(attack: Attack) -> None:
    """No post crashes, and only a real token from an accepted origin runs."""
    headers = {name: value for name, value in
               (("Origin", attack.origin), ("Referer", attack.referer)) if value is not None}
    data = {"x": "fuzz", **attack.fields,
            "__action_button" if attack.button else "__action": attack.token}
    STORE.clear()
    response = target().client.post(
        attack.url, data=data, headers=headers,
        content_type="multipart/form-data" if attack.multipart else None)
    assert response.status_code < 500, response.status_code
    ran = [entry for entry in STORE if entry[0] != "checked"]
    if ran:
        assert attack.token in target().tokens.values(), f"a forged token ran: {ran}"
        source = attack.origin if attack.origin is not None else attack.referer
        assert source is None or urlsplit(source).netloc == "localhost", (
            f"a post from {source!r} ran")


def _run(check: t.Callable[[t.Any], None], strategy: st.SearchStrategy[t.Any],
         examples: int) -> None:
    @settings(max_examples=examples, deadline=None, database=None, derandomize=False,
              suppress_health_check=list(HealthCheck), print_blob=True)
    @given(strategy)
    def fuzz(value: t.Any) -> None:
        check(value)

    fuzz()


def fuzz_open_token(examples: int) -> None:
    _run(check_open_token, tokens, examples)


def fuzz_dispatch(examples: int) -> None:
    _run(check_dispatch, attacks, examples)


def main(argv: list[str]) -> int:
    seconds = float(argv[1]) if len(argv) > 1 else 600.0
    logging.getLogger("flask_server_actions").addHandler(logging.NullHandler())
    logging.getLogger("flask_server_actions").propagate = False
    deadline = time.monotonic() + seconds
    rounds = 0
    while time.monotonic() < deadline:
        fuzz_open_token(2000)
        fuzz_dispatch(500)
        rounds += 1
        print(f"round {rounds}: 2000 tokens, 500 posts, no failure", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
