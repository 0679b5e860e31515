"""Response helpers: the headers htmx acts on."""

from __future__ import annotations

import json

from flask import Response

from flask_server_actions import htmx


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
