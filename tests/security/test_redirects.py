"""Open redirects: neither an action's redirect nor the page path in its
token can send the browser to another site."""

from __future__ import annotations

import json

import pytest
from flask import Flask
from flask.testing import FlaskClient

from flask_server_actions.post.dispatch import safe_location

from ..html import ORIGIN
from ..html import Page
from .app_secure import create_app
from .forge import post
from .forge import token_of

OFF_SITE = [
    "//evil.example", "///evil.example", "/\\evil.example", "\\\\evil.example",
    "\\/evil.example", "https:evil.example", "http:evil.example", "https:/evil.example",
    "https:///evil.example", "/\t/evil.example", "/\n/evil.example", "/\r\n/evil.example",
    "\t//evil.example", " //evil.example", "\x01//evil.example", "\x00//evil.example",
    "https://localhost@evil.example", "https://localhost:80@evil.example",
    "https://evil.example\\@localhost", "https://evil.example#@localhost",
    "https://evil.example?@localhost", "javascript:alert(1)", "JavaScript:alert(1)",
    "java\tscript:alert(1)", " javascript:alert(1)", "data:text/html,<script>x</script>",
    "DATA:text/html,x", "vbscript:msgbox", "HTTPS://EVIL.EXAMPLE", "https://evil.example",
    "https://\u0435vil.example", "https://localhost\u3002evil.example",
    "https://localhost.evil.example", "https://localhostevil.example", "https://[::1",
    "ftp://localhost/file", "https://xn--e1awd7f.example",
]
ON_SITE = ["/", "/posts/1", "?page=2", "relative/path", "#top", "https://localhost/x",
           "http://LOCALHOST/x", "https://user@localhost/x", "/evil.example"]


@pytest.mark.parametrize("location", OFF_SITE)
def test_off_site_locations_are_refused(app: Flask, location: str) -> None:
    with app.test_request_context(base_url=ORIGIN):
        assert not safe_location(location, ())


@pytest.mark.parametrize("location", ON_SITE)
def test_on_site_locations_pass(app: Flask, location: str) -> None:
    with app.test_request_context(base_url=ORIGIN):
        assert safe_location(location, ())


@pytest.mark.parametrize("location", [
    "//evil.example", "/\\evil.example", "/\t/evil.example", "https://localhost@evil.example",
    "javascript:alert(1)", "HTTPS://EVIL.EXAMPLE", "\x01//evil.example",
    "https://evil.example/phish",
])
def test_an_action_redirecting_off_site_answers_400(client: FlaskClient, location: str) -> None:
    response = post(client, token_of(client, "/go"), "/go", x=location)
    assert response.status_code == 400
    assert "Location" not in response.headers


def test_an_action_may_redirect_to_an_allowed_host() -> None:
    client = create_app(SERVER_ACTIONS_ALLOWED_REDIRECT_HOSTS=["*.example"]).test_client()
    response = post(client, token_of(client, "/go"), "/go", x="https://evil.example/phish")
    assert response.status_code == 303
    assert response.headers["Location"] == "https://evil.example/phish"


def test_an_allowed_redirect_host_does_not_allow_its_lookalikes() -> None:
    app = create_app(SERVER_ACTIONS_ALLOWED_REDIRECT_HOSTS=["*.example.com"])
    with app.test_request_context(base_url=ORIGIN):
        assert safe_location("https://pay.example.com/ok", app.config[
            "SERVER_ACTIONS_ALLOWED_REDIRECT_HOSTS"])
        for lookalike in ["https://pay.example.com.evil.io", "https://evil.io/.example.com",
                          "https://evil.io\\.example.com", "https://pay.example.com@evil.io"]:
            assert not safe_location(lookalike, ["*.example.com"])


@pytest.mark.parametrize(("path", "location"), [
    ("//evil.example/x", "/evil.example/x"),
    ("///evil.example", "/evil.example"),
    ("/\\evil.example", "/%5Cevil.example"),
    ("/\t/evil.example", "/%09/evil.example"),
    ("/ /evil.example", "/%20/evil.example"),
])
def test_a_page_at_a_tricky_path_redirects_on_site(path: str, location: str) -> None:
    client = create_app(merge_slashes=False).test_client()
    response = client.get("/", environ_overrides={"PATH_INFO": path})
    page = Page(client, "/", response)
    assert response.status_code == 200
    answer = post(client, page.form("#form").token(), "/",
                  environ={"PATH_INFO": path})
    assert answer.status_code == 303
    assert answer.headers["Location"] == location
    app = create_app()
    with app.test_request_context(base_url=ORIGIN):
        assert safe_location(location, ())


@pytest.mark.parametrize("headers", [
    # Whitespace around a value: browsers trim it, and htmx then reads the JSON.
    [("HX-Location", ' {"path":"//evil.example"}')],
    [("HX-Location", '\t{"path":"//evil.example","target":"#main"}')],
    [("HX-Location", ' {"path":"https://evil.example/x"} ')],
    [("HX-Redirect", " //evil.example")],
    # JSON, with the path among other fields, or not a string (htmx 4
    # makes it one: ["//evil.example"] is "//evil.example").
    [("HX-Location", '{"target":"#main","path":"https://evil.example"}')],
    [("HX-Location", '{"path":["//evil.example"]}')],
    [("HX-Location", '{"path":[["//evil.example"]],"swap":"none"}')],
    [("HX-Location", '{"path":"//evil.example","n":' + "1" * 5000 + "}")],
    # htmx 4 reads a value that is not JSON as "key:value" pairs.
    [("HX-Location", "/ path://evil.example")],
    [("HX-Location", "/ok,path://evil.example")],
    [("HX-Location", '/ok target:#main path:"//evil.example"')],
    [("HX-Location", "path:'//evil.example'")],
    [("HX-Location", 'path:["//evil.example"]')],
    [("HX-Location", "path:/ok path:https://evil.example")],
    [("HX-Location", "path.x:1 path:https://evil.example")],
    # A repeated header reaches htmx as one value, joined with ", ".
    [("HX-Location", "/ok"), ("HX-Location", "path://evil.example")],
    [("HX-Redirect", "//evil.example"), ("HX-Redirect", "/ok")],
    # htmx 2 follows HX-Location first, htmx 4 HX-Redirect: both are checked.
    [("HX-Redirect", "/ok"), ("HX-Location", "//evil.example")],
    [("HX-Location", "/ok"), ("HX-Redirect", "//evil.example")],
    [("HX-Refresh", "true"), ("HX-Location", "//evil.example")],
    [("HX-Redirect", ""), ("HX-Location", "//evil.example")],
    # htmx 4 drops the dashes and the case of a header's name.
    [("HX-Loca-tion", "//evil.example")],
    [("hx-re-direct", "https://evil.example")],
    [("HX-Location", "/ok"), ("HX-Location-", "path://evil.example")],
], ids=lambda headers: "; ".join(f"{name}: {value[:40]}" for name, value in headers))
@pytest.mark.parametrize("htmx", [True, False], ids=["htmx", "plain"])
def test_a_client_location_off_site_as_htmx_reads_it_is_refused(
        client: FlaskClient, headers: list[tuple[str, str]], htmx: bool) -> None:
    sent = {"Origin": ORIGIN, **({"HX-Request": "true"} if htmx else {})}
    response = post(client, token_of(client, "/hx-headers"), "/hx-headers", headers=sent,
                    x=json.dumps(headers))
    assert response.status_code == 400
    assert "another site" in response.get_data(as_text=True)
    # Nothing that sends the browser anywhere; htmx shows the message in the
    # page's notice region.
    assert [(key, value) for key, value in response.headers.items()
            if key.lower().startswith("hx-")] == (
        [("HX-Retarget", "#action-notice"), ("HX-Reswap", "innerHTML")] if htmx else [])
    assert "Location" not in response.headers


@pytest.mark.parametrize(("headers", "location"), [
    ([("HX-Location", ' {"path":"/posts/1"}')], "/posts/1"),
    ([("HX-Location", '{"path":"/posts/1","target":"#main"}')], "/posts/1"),
    ([("HX-Location", "/search?q=a,b")], "/search?q=a,b"),
    ([("HX-Location", "/search?q=a,path:/b")], "/b"),
    ([("HX-Location", " /posts/2 ")], "/posts/2"),
    ([("HX-Redirect", "/x"), ("HX-Refresh", "true")], "/x"),
    ([("HX-Location", "/a"), ("HX-Location", "/b")], "/a,%20/b"),
], ids=repr)
def test_a_client_location_on_site_passes(client: FlaskClient, headers: list[tuple[str, str]],
                                          location: str) -> None:
    token = token_of(client, "/hx-headers")
    response = post(client, token, "/hx-headers", x=json.dumps(headers),
                    headers={"Origin": ORIGIN, "HX-Request": "true"})
    assert response.status_code == 200
    assert response.headers.getlist(headers[0][0]) == [value for name, value in headers
                                                       if name == headers[0][0]]
    plain = post(client, token_of(client, "/hx-headers"), "/hx-headers", x=json.dumps(headers))
    assert (plain.status_code, plain.headers["Location"]) == (303, location)
