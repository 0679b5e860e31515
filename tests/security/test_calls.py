"""JSON calls (``X-Server-Action``): a call may do only what its token was
minted for, and every malformed call is a 400 answered in JSON."""

from __future__ import annotations

import contextlib
import io
import json
import time
import tracemalloc
import typing as t

import pytest
from flask import Flask
from flask import request
from flask.testing import FlaskClient
from werkzeug.test import TestResponse

from flask_server_actions.errors import BadActionArguments
from flask_server_actions.post.calls import arguments

from ..html import ORIGIN
from ..html import Page
from ..store import STORE
from .app_secure import create_app


def tokens(client: FlaskClient, row: int = 7) -> dict[str, str]:
    """The page's form token and call tokens, by element id."""
    page = Page.get(client, f"/rows/{row}")
    found = {"form": page.form("#form").token()}
    for name in ("rename", "tag", "review", "search", "fields"):
        element = page.soup.select_one(f"#{name}")
        assert element is not None
        found[name] = str(element["data-server-action"])
    return found


def call(client: FlaskClient, token: str, body: t.Any = None, raw: bytes | None = None,
         headers: dict[str, str] | None = None, row: int = 7) -> TestResponse:
    data = raw if raw is not None else json.dumps(body)
    return client.post(f"/rows/{row}", data=data, content_type="application/json",
                       headers={"Origin": ORIGIN, "X-Server-Action": token, **(headers or {})})


def assert_json_refusal(response: TestResponse, status: int) -> str:
    assert (response.status_code, response.mimetype) == (status, "application/json")
    message = response.get_json()["error"]
    assert isinstance(message, str) and message
    return message


@pytest.mark.parametrize("body", [
    pytest.param([{}, 999], id="a sealed default"),
    pytest.param([{"name": {"$ne": None}}], id="the form parameter"),
    pytest.param([], id="nothing"),
])
def test_a_form_token_is_no_call_token(client: FlaskClient, body: list[t.Any]) -> None:
    message = assert_json_refusal(call(client, tokens(client)["form"], body), 400)
    assert "action.data" in message
    assert STORE == []


REFUSED = "The action cannot be called this way: "


@pytest.mark.parametrize(("name", "sent", "content_type", "message"), [
    ("form", b"[]", "application/json",
     "the token of tests.security.app_secure:create_app.<locals>.rows.<locals>.delete was"
     " minted for a form, not for calls; put the action on the element with action.data()"
     " to call it from client code."),
    ("rename", b'["a", 9]', "application/json",
     "rename() has its 'row_id' sealed in the token as a default; a call sends only the"
     " parameters without one."),
    ("rename", b'{"a": 1}', "application/json", "the body must be a JSON array of arguments."),
    ("review", b"[1]", "application/json",
     "an action that takes a form is called with a JSON object of its fields."),
    ("rename", b"name=x", "text/plain", "a call sends its arguments as application/json."),
])
def test_a_refused_call_says_why(client: FlaskClient, name: str, sent: bytes,
                                 content_type: str, message: str) -> None:
    response = client.post("/rows/7", data=sent, content_type=content_type,
                           headers={"Origin": ORIGIN, "X-Server-Action": tokens(client)[name]})
    assert assert_json_refusal(response, 400) == REFUSED + message
    assert STORE == []


def test_a_form_token_still_posts_its_form(client: FlaskClient) -> None:
    page = Page.get(client, "/rows/7")
    assert page.form("#form").submit().status_code == 303
    assert STORE[0][:2] == ("delete", 7)


def test_a_call_token_runs_its_call(client: FlaskClient) -> None:
    response = call(client, tokens(client)["rename"], ["new"])
    assert response.get_json() == {"row": 7, "name": "new"}
    assert STORE == [("rename", 7, "new")]


def test_a_sent_value_never_fills_a_sealed_default(client: FlaskClient) -> None:
    message = assert_json_refusal(call(client, tokens(client)["rename"], ["new", 999]), 400)
    assert "row_id" in message
    assert STORE == []


def test_a_module_level_actions_default_is_code_and_may_be_sent(client: FlaskClient) -> None:
    response = call(client, tokens(client)["search"], ["cats", 2])
    assert response.get_json() == {"query": "cats", "page": 2}


def test_sent_values_come_after_the_bound_ones(client: FlaskClient) -> None:
    assert call(client, tokens(client)["tag"], ["red"]).status_code == 200
    assert STORE == [("tag", 7, "red")]
    assert call(client, tokens(client)["tag"], [999, "red"]).status_code == 400


def test_a_form_action_minted_for_calls_validates_its_json_fields(client: FlaskClient) -> None:
    review = tokens(client)["review"]
    assert call(client, review, {"note": "fine"}).get_json() == "reviewed"
    assert call(client, review, {"note": "far too long"}).status_code == 422
    assert STORE == [("review", 7, "fine")]


NESTED = 100_000


@pytest.mark.parametrize("raw", [
    pytest.param(b"[" * NESTED + b"]" * NESTED, id="nested arrays"),
    pytest.param(b'{"a":' * NESTED + b"1" + b"}" * NESTED, id="nested objects"),
    pytest.param(b"[" + b"[" * 40 + b"]" * 40 + b"]", id="deeper than MAX_DEPTH"),
    pytest.param(b"[1,", id="cut short"),
    pytest.param(b"\xff\xfe[", id="not UTF-8"),
    pytest.param(b"[" + b"9" * 5000 + b"]", id="an integer too long"),
    pytest.param(b'{"a": 1}', id="an object"),
    pytest.param(b'"text"', id="a string"),
])
@pytest.mark.parametrize("name", ["rename", "review"])
def test_malformed_call_bodies_answer_400_in_json(client: FlaskClient, raw: bytes,
                                                  name: str) -> None:
    if name == "review" and raw == b'{"a": 1}':
        raw = b"[]"
    assert_json_refusal(call(client, tokens(client)[name], raw=raw), 400)
    assert STORE == []


BIG = 20 * 1024 * 1024


@pytest.mark.parametrize("raw", [
    pytest.param(b"[" + b"[]," * (BIG // 3) + b"[]]", id="millions of lists"),
    pytest.param(b"[" + b"1," * (BIG // 2) + b"1]", id="millions of numbers"),
    pytest.param(json.dumps(["x" * BIG]).encode(), id="one long string"),
])
def test_a_call_body_over_the_size_limit_is_refused_before_it_is_parsed(
        client: FlaskClient, raw: bytes) -> None:
    token = tokens(client)["rename"]
    tracemalloc.start()
    try:
        response = call(client, token, raw=raw)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert "SERVER_ACTIONS_MAX_CALL_SIZE" in assert_json_refusal(response, 413)
    assert peak < 3 * len(raw)
    assert STORE == []


@pytest.mark.parametrize(("limit", "size", "status"), [
    (1024, 1024, 200), (1024, 1025, 413), (None, 2 * 1024 * 1024, 200),
])
def test_the_call_size_limit_is_a_setting(limit: int | None, size: int, status: int) -> None:
    client = create_app(SERVER_ACTIONS_MAX_CALL_SIZE=limit).test_client()
    raw = json.dumps(["x" * (size - 4)]).encode()
    assert len(raw) == size
    assert call(client, tokens(client)["rename"], raw=raw).status_code == status


def test_a_call_body_without_a_length_is_held_to_the_limit(app: Flask) -> None:
    app.config["SERVER_ACTIONS_MAX_CALL_SIZE"] = 1024
    client = app.test_client()
    token = tokens(client)["rename"]

    def chunked(raw: bytes) -> TestResponse:
        return client.post("/rows/7", input_stream=io.BytesIO(raw),
                           content_type="application/json",
                           headers={"Origin": ORIGIN, "X-Server-Action": token,
                                    "Transfer-Encoding": "chunked"},
                           environ_overrides={"wsgi.input_terminated": True})

    assert chunked(json.dumps(["x" * 2000]).encode()).status_code == 413
    assert chunked(b'["short"]').status_code == 200
    assert STORE == [("rename", 7, "short")]
    # Held to the limit to the byte, as a body with a length is.
    exact = json.dumps(["x" * 1020]).encode()
    assert len(exact) == 1024
    assert chunked(exact).status_code == 200
    over = chunked(json.dumps(["x" * 1021]).encode())
    assert assert_json_refusal(over, 413) == (
        "The call's body is over SERVER_ACTIONS_MAX_CALL_SIZE (1024 bytes): send fewer or"
        " smaller arguments, or raise the setting.")


def test_a_call_body_with_a_length_over_the_limit_says_the_limit(app: Flask) -> None:
    app.config["SERVER_ACTIONS_MAX_CALL_SIZE"] = 1024
    client = app.test_client()
    response = call(client, tokens(client)["rename"], ["x" * 1021])
    assert assert_json_refusal(response, 413) == (
        "The call's body is over SERVER_ACTIONS_MAX_CALL_SIZE (1024 bytes): send fewer or"
        " smaller arguments, or raise the setting.")


def test_a_calls_json_fields_reach_a_form_as_a_browser_sends_them(client: FlaskClient) -> None:
    sent = {"tags": ["a", "b"], "agree": True, "spam": False, "gone": None, "count": 5,
            "price": 1.5, "name": "Ann"}
    # Several values for a list; a checked box; nothing for false or null;
    # numbers as written.
    assert call(client, tokens(client)["fields"], sent).json == {
        "tags": ["a", "b"], "agree": ["y"], "count": ["5"], "price": ["1.5"],
        "name": ["Ann"]}


def test_json_space_before_a_calls_body_is_json_and_other_space_is_not(
        client: FlaskClient) -> None:
    token = tokens(client)["rename"]
    assert call(client, token, raw=b' \t\r\n["spaced"]').json == {"row": 7, "name": "spaced"}
    # A form feed is whitespace to Python, not to JSON.
    refused = call(client, token, raw=b'\x0c["fed"]')
    assert assert_json_refusal(refused, 400) == (
        REFUSED + "the body must be a JSON array of arguments.")


def test_a_call_body_may_be_nested_as_deep_as_max_depth() -> None:
    client = create_app(SERVER_ACTIONS_MAX_DEPTH=4).test_client()
    token = tokens(client)["rename"]
    # The argument list is one level of the four.
    assert call(client, token, raw=b"[" * 4 + b"]" * 4).json == {"row": 7, "name": [[[]]]}
    deeper = call(client, token, raw=b"[" * 5 + b"]" * 5)
    assert assert_json_refusal(deeper, 400) == (
        "The action cannot be called this way: the body is nested more than 4 levels deep"
        " (SERVER_ACTIONS_MAX_DEPTH).")


@pytest.mark.parametrize("text", ["[" * 100, '\\"{' * 50 + "[" * 50, "]]]}}}"])
def test_brackets_in_a_string_are_not_nesting(client: FlaskClient, text: str) -> None:
    assert call(client, tokens(client)["rename"], [text]).json == {"row": 7, "name": text}


def test_a_depth_limit_beyond_pythons_own_still_answers_400() -> None:
    client = create_app(SERVER_ACTIONS_MAX_DEPTH=10 * NESTED).test_client()
    message = assert_json_refusal(
        call(client, tokens(client)["rename"], raw=b"[" * NESTED + b"]" * NESTED), 400)
    assert message == REFUSED + "the body is nested too deeply."


@pytest.mark.parametrize(("token", "headers", "status"), [
    pytest.param("forged", {}, 400, id="forged token"),
    pytest.param("", {}, 400, id="no token"),
    pytest.param(None, {"Origin": "https://evil.example"}, 403, id="cross-site"),
])
def test_refused_calls_answer_in_json(client: FlaskClient, token: str | None,
                                      headers: dict[str, str], status: int) -> None:
    real = tokens(client)["rename"]
    response = call(client, real if token is None else token, ["x"], headers=headers)
    assert_json_refusal(response, status)
    assert STORE == []


def test_a_check_refusing_a_call_answers_403_in_json(client: FlaskClient) -> None:
    actions = client.application.extensions["server_actions"]
    actions.before_action(lambda call: False)
    assert_json_refusal(call(client, tokens(client)["rename"], ["x"]), 403)
    assert STORE == []


def _peak(app: Flask, raw: bytes, read: t.Callable[[], object]) -> int:
    """The memory ``read`` allocates at its peak, on a call carrying ``raw``
    (already read: the body itself is counted for neither)."""
    with app.test_request_context("/", method="POST", data=raw,
                                  content_type="application/json",
                                  headers={"X-Server-Action": "t"}):
        request.get_data(cache=True)
        tracemalloc.start()
        try:
            with contextlib.suppress(BadActionArguments):
                read()
            return tracemalloc.get_traced_memory()[1]
        finally:
            tracemalloc.stop()


def _takes_two(first: object, second: object) -> None:
    """An action's signature."""


def _takes_any(*sent: object) -> None:
    """An action's signature."""


VALUES = 20_000


@pytest.mark.parametrize("raw", [
    pytest.param(b"[" + b",".join([b'"ab"'] * VALUES) + b"]", id="short strings"),
    pytest.param(b"[" + b",".join([b'"a\\"b"'] * VALUES) + b"]", id="escaped strings"),
    pytest.param(b"[" + b",".join([b"{}"] * VALUES) + b"]", id="empty objects"),
    pytest.param(b"[" + b",".join([b"[1]"] * VALUES) + b"]", id="lists"),
    pytest.param(b"[" + b",".join([b"7"] * VALUES) + b"]", id="numbers"),
])
@pytest.mark.parametrize(("fn", "ratio"), [
    pytest.param(_takes_two, 1.0, id="more values than the action takes"),
    pytest.param(_takes_any, 1.25, id="values the action takes"),
])
def test_a_call_peaks_near_flasks_own_get_json_on_the_same_body(
        app: Flask, raw: bytes, fn: t.Callable[..., None], ratio: float) -> None:
    app.config["SERVER_ACTIONS_MAX_CALL_SIZE"] = None
    ours = _peak(app, raw, lambda: arguments(fn, []))
    flasks = _peak(app, raw, lambda: request.get_json())
    assert ours < ratio * flasks


def test_a_call_with_more_values_than_the_action_takes_is_refused_unparsed(
        client: FlaskClient) -> None:
    message = assert_json_refusal(call(client, tokens(client)["rename"], ["a", 7, "c"]), 400)
    assert "rename() cannot be called with 3 argument(s) after 0 bound one(s): it takes 2" \
        " more at most" in message
    assert STORE == []


@pytest.mark.parametrize("raw", [
    pytest.param(b'["' + b"a" * 100_000, id="a string left open"),
    pytest.param(b'["' + b"\\a" * 50_000, id="escapes left open"),
    pytest.param(b'["a", "' + b"[" * 100_000, id="brackets in a string left open"),
])
def test_a_string_left_open_is_refused_in_linear_time(client: FlaskClient, raw: bytes) -> None:
    token = tokens(client)["rename"]
    started = time.perf_counter()
    assert_json_refusal(call(client, token, raw=raw), 400)
    # A pattern that backtracks took seconds for 28 bytes, and doubled with each one more.
    assert time.perf_counter() - started < 1
