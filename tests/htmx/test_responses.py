"""Response helpers: the headers htmx acts on."""

from __future__ import annotations

import json

import pytest
from flask import Response

from flask_server_actions import htmx
from flask_server_actions.htmx import client_location_of


def test_client_redirect_sets_hx_redirect() -> None:
    response = htmx.client_redirect("/posts")
    assert (response.status_code, response.headers["HX-Redirect"]) == (200, "/posts")


def test_client_location_is_a_plain_path_without_options() -> None:
    assert htmx.client_location("/posts").headers["HX-Location"] == "/posts"


def test_client_location_with_options_is_json() -> None:
    header = htmx.client_location("/posts", target="#main", swap="outerHTML").headers["HX-Location"]
    assert json.loads(header) == {"path": "/posts", "target": "#main", "swap": "outerHTML"}


def test_client_refresh_sets_hx_refresh() -> None:
    assert htmx.client_refresh().headers["HX-Refresh"] == "true"


def test_retarget_and_reswap_set_their_headers() -> None:
    response = htmx.reswap(htmx.retarget(Response("x"), "#post"), "innerHTML")
    assert (response.headers["HX-Retarget"], response.headers["HX-Reswap"]) == ("#post", "innerHTML")


def test_trigger_client_event_adds_events_with_details() -> None:
    response = htmx.trigger_client_event(Response("x"), "saved", {"id": 1})
    htmx.trigger_client_event(response, "refresh")
    assert json.loads(response.headers["HX-Trigger"]) == {"saved": {"id": 1}, "refresh": None}


def test_push_url_pushes_a_url_or_stops_pushing() -> None:
    assert htmx.push_url(Response("x"), "/posts/1").headers["HX-Push-Url"] == "/posts/1"
    assert htmx.push_url(Response("x"), False).headers["HX-Push-Url"] == "false"


@pytest.mark.parametrize(("headers", "destinations"), [
    ([], None),
    ([("HX-Trigger", "saved")], None),
    ([("HX-Refresh", "true")], None),
    ([("HX-Location", "/posts")], ("/posts",)),
    ([("HX-Redirect", "/a"), ("HX-Location", "/b")], ("/a", "/b")),
    # htmx 4 makes the path a string; htmx 2 goes nowhere unless it is one.
    ([("HX-Location", '{"target":"#main"}')], ("undefined",)),
    ([("HX-Location", '{"path":null}')], ("null",)),
    ([("HX-Location", '{"path":true}')], ("true",)),
    ([("HX-Location", '{"path":false}')], ("false",)),
    ([("HX-Location", '{"path":12}')], ("12",)),
    ([("HX-Location", '{"path":1.5}')], ("1.5",)),
    ([("HX-Location", '{"path":1e400}')], ("Infinity",)),
    ([("HX-Location", '{"path":-1e400}')], ("-Infinity",)),
    ([("HX-Location", '{"path":{"a":1}}')], ("[object Object]",)),
    ([("HX-Location", '{"path":["/a",null,["b",2]]}')], ("/a,,b,2",)),
    # htmx 4's key:value pairs: values are JSON when they parse, "a.b" nests.
    # (htmx 2 reads them as a URL.)
    ([("HX-Location", "path:NaN")], ("NaN", "path:NaN")),
    ([("HX-Location", "path:'/x' target:#main")], ("/x", "path:'/x' target:#main")),
    ([("HX-Location", 'path:{"a":1} path.b:2')], ("[object Object]", 'path:{"a":1} path.b:2')),
    ([("HX-Location", 'path:{"constructor":1} path.b:2')],
     ("[object Object]", 'path:{"constructor":1} path.b:2')),
    ([("HX-Location", "__proto__:1 path:<a/x/>")], ("a/x", "__proto__:1 path:<a/x/>")),
], ids=lambda value: repr(value)[:60])
def test_client_location_of_reads_the_headers_as_htmx_4_and_2_do(
        headers: list[tuple[str, str]], destinations: tuple[str, ...] | None) -> None:
    response = Response()
    for name, value in headers:
        response.headers.add(name, value)
    found = client_location_of(response)
    assert (found and found.destinations) == destinations


@pytest.mark.parametrize("location", [
    '{"path":"/x"', "{'path':'/x'}", '{"path":"/x","n":NaN}',
    '{"path":' + "[" * 100_000 + "]" * 100_000 + "}",
])
def test_an_hx_location_that_cannot_be_read_is_an_error(location: str) -> None:
    response = htmx.client_location("/x")
    response.headers["HX-Location"] = location
    with pytest.raises(ValueError):
        client_location_of(response)
