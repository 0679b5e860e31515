"""Fuzz targets: the token decoder and the whole action dispatcher.

Hypothesis generates the inputs: random bytes and strings, and mutations of
real tokens (bit flips, cuts, insertions), posted with varied headers,
fields, encodings and URLs. The properties:

* ``open_token`` either opens a token the server minted, untouched, or
  raises one of the library's own errors (:class:`ServerActionError`);
* a post never crashes (no 5xx), and an action runs only when the post
  carries, byte for byte, a token the server minted, from an accepted origin;
* a JSON call (``X-Server-Action``) with any body, content type and token
  never crashes, answers every 4xx in JSON, runs only with a token minted
  for calls, and never changes a value the token sealed;
* a real token runs only on the request that minted it: posted with another
  host (or port), script root, path or query string it never runs.

A short run is part of the test suite (``test_fuzz_smoke.py``); a long one
is ``bash scripts/fuzz [seconds]`` (default 600). Failures are shrunk to a
minimal example and printed; the command exits non-zero.
"""

from __future__ import annotations

import functools
import json
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

from ..html import Page
from ..store import STORE
from .app_secure import create_app
from .forge import decode
from .forge import encode
from .forge import opener
from .forge import token_of

PAGES = ["/plain", "/pay", "/transfer", "/admin/1", "/members", "/secret"]
#: The page whose elements carry call tokens, and their ids.
CALL_PAGE = "/rows/7"
CALLS = ["rename", "tag", "review"]
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
    found = {page: token_of(client, page) for page in PAGES}
    rows = Page.get(client, CALL_PAGE)
    for name in CALLS:
        element = rows.soup.select_one(f"#{name}")
        assert element is not None
        found[name] = str(element["data-server-action"])
    found["form"] = rows.form("#form").token()
    return Target(app, client, found)


def _mutate(token: str, edits: list[tuple[int, int, int]]) -> str:
    # The envelope or the row part (of a token with bound arguments).
    parts = token.split(".")
    which = edits[0][1] % len(parts)
    parts[which] = _mutate_bytes(parts[which], edits)
    return ".".join(parts)


def _mutate_bytes(part: str, edits: list[tuple[int, int, int]]) -> str:
    raw = bytearray(decode(part))
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


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=20),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner,
                                                                 max_size=4),
    max_leaves=12)


def _nested(depth: int, kind: int) -> bytes:
    opening, closing = [(b"[", b"]"), (b'{"a":', b"}"), (b'[{"a":', b"}]")][kind]
    return opening * depth + b"1" + closing * depth


bodies = st.one_of(
    st.lists(json_values, max_size=2).map(lambda values: json.dumps(values).encode()),
    json_values.map(lambda value: json.dumps(value).encode()),
    st.binary(max_size=200),
    st.tuples(st.integers(1, 200_000), st.integers(0, 2)).map(lambda pair: _nested(*pair)),
    st.lists(json_values, max_size=3).map(lambda values: json.dumps([999, *values]).encode()),
)


@dataclass
class Call:
    token: str
    body: bytes
    content_type: str | None
    origin: str | None


calls = st.builds(
    Call,
    token=st.one_of(
        st.sampled_from(CALLS).map(lambda name: target().tokens[name]),
        st.sampled_from(["form", *PAGES]).map(lambda name: target().tokens[name]),
        # A header value cannot hold a line break.
        tokens.map(lambda text: text.replace("\r", "").replace("\n", ""))),
    body=bodies,
    content_type=st.sampled_from(["application/json", "application/json", None,
                                  "text/plain", "application/x-www-form-urlencoded"]),
    origin=st.sampled_from(["http://localhost", "http://localhost", *ORIGINS]),
)


def check_call(call: Call) -> None:
    """No call crashes, every refusal is JSON, and only a call token runs,
    never with another value than those it sealed."""
    headers = {"X-Server-Action": call.token}
    if call.origin is not None:
        headers["Origin"] = call.origin
    STORE.clear()
    response = target().client.post(CALL_PAGE, data=call.body, headers=headers,
                                    content_type=call.content_type)
    assert response.status_code < 500, response.status_code
    if response.status_code >= 400:
        assert response.mimetype == "application/json", response.get_data()
        assert isinstance(response.get_json()["error"], str)
    call_tokens = [target().tokens[name] for name in CALLS]
    for entry in STORE:
        assert call.token in call_tokens, f"a token not minted for calls ran: {entry}"
        assert entry[1] == 7, f"a call changed the sealed row: {entry}"


def _run(check: t.Callable[[t.Any], None], strategy: st.SearchStrategy[t.Any],
         examples: int) -> None:
    @settings(max_examples=examples, deadline=None, database=None, derandomize=False,
              suppress_health_check=list(HealthCheck), print_blob=True)
    @given(strategy)
    def fuzz(value: t.Any) -> None:
        check(value)

    fuzz()


#: Where a token is minted and posted: host, script root, path and query.
Request = tuple[str, str, str, str]
_requests: st.SearchStrategy[Request] = st.tuples(
    st.sampled_from(["localhost", "localhost:8080", "other.example"]),
    st.sampled_from(["", "/mount", "/mount/plain"]),
    st.sampled_from(["/plain", "/pay", "/plain/", "/", "/mount/plain"]),
    st.text(alphabet="ab=&1", max_size=8))
#: The same request twice (the control), or two requests that may differ
#: in any part.
bindings = st.one_of(_requests.map(lambda request: (request, request)),
                     st.tuples(_requests, _requests))


@functools.cache
def binding_target() -> FlaskClient:
    """A browser of the attacked app, which forgets no forged post."""
    app = create_app(SERVER_ACTIONS_THROTTLE=None)
    app.config["PROPAGATE_EXCEPTIONS"] = True
    return app.test_client()


def _at(request: Request) -> dict[str, t.Any]:
    host, root, path, query = request
    return {"base_url": f"http://{host}", "path": f"{path}?{query}" if query else path,
            "environ_overrides": {"SCRIPT_NAME": root}}


def check_page_binding(case: tuple[Request, Request]) -> None:
    """A token runs only where it was minted: the same host, script root,
    path and query string."""
    minted, posted = case
    client = binding_target()
    response = client.get(**_at(minted))
    if response.status_code != 200 or b'name="__action"' not in response.data:
        return  # no page there: nothing minted
    token = Page(client, minted[2], response).form().token()
    STORE.clear()
    response = client.post(**_at(posted), data={"__action": token, "x": "fuzz"},
                           headers={"Origin": f"http://{posted[0]}"})
    assert response.status_code < 500, response.status_code
    if minted == posted:
        assert response.status_code == 303 and STORE, (response.status_code, STORE)
    else:
        assert not STORE, f"a token of {minted} ran at {posted}"


def fuzz_page_binding(examples: int) -> None:
    _run(check_page_binding, bindings, examples)


def fuzz_open_token(examples: int) -> None:
    _run(check_open_token, tokens, examples)


def fuzz_dispatch(examples: int) -> None:
    _run(check_dispatch, attacks, examples)


def fuzz_calls(examples: int) -> None:
    _run(check_call, calls, examples)


def main(argv: list[str]) -> int:
    seconds = float(argv[1]) if len(argv) > 1 else 600.0
    logging.getLogger("flask_server_actions").addHandler(logging.NullHandler())
    logging.getLogger("flask_server_actions").propagate = False
    deadline = time.monotonic() + seconds
    rounds = 0
    while time.monotonic() < deadline:
        fuzz_open_token(2000)
        fuzz_dispatch(500)
        fuzz_calls(500)
        fuzz_page_binding(500)
        rounds += 1
        print(f"round {rounds}: 2000 tokens, 500 posts, 500 calls, 500 bindings, no failure",
              flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
