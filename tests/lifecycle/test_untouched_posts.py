"""4. Only action posts are touched: other form posts keep their raw body
and their own limits."""

from __future__ import annotations

import hashlib
import hmac
import io
import typing as t
from urllib.parse import urlencode

import pytest
from flask import Flask
from flask import request
from flask.testing import FlaskClient
from werkzeug.datastructures import FileStorage
from werkzeug.test import EnvironBuilder
from werkzeug.test import encode_multipart
from werkzeug.test import run_wsgi_app

from ..html import ORIGIN
from ..html import Page
from ..store import STORE
from .app_lifecycle import WEBHOOK_KEY

BODY = b"token=abc&team_id=T1&text=%2Fdeploy+now&__actionable=1"


def test_a_form_encoded_webhook_keeps_its_raw_body(client: FlaskClient) -> None:
    response = client.post("/hooks/slack", data=BODY,
                           content_type="application/x-www-form-urlencoded")
    assert response.json == {"length": len(BODY), "sha256": hashlib.sha256(BODY).hexdigest()}


def test_a_webhook_keeps_its_own_limits(app: Flask, client: FlaskClient) -> None:
    app.config["MAX_FORM_MEMORY_SIZE"] = 100
    body = b"payload=" + b"x" * 5000
    response = client.post("/hooks/slack", data=body,
                           content_type="application/x-www-form-urlencoded")
    assert response.status_code == 200
    assert response.json is not None and response.json["length"] == len(body)


def test_a_post_to_a_pages_own_post_view_keeps_its_raw_body(client: FlaskClient) -> None:
    response = client.post("/items", data=BODY,
                           content_type="application/x-www-form-urlencoded")
    assert response.status_code == 201
    assert STORE == [("POST view ran", None)]


def test_a_match_asked_for_a_method_is_left_alone(app: Flask) -> None:
    with app.test_request_context("/items", method="POST", data={"__action": "x"}):
        adapter = app.create_url_adapter(request)
        assert adapter is not None
        assert adapter.match("/items", "POST") == ("create_item", {})
        assert adapter.match("/items", "GET") == ("items", {})


def _urlencoded(size: int) -> tuple[bytes, str]:
    return (urlencode({"field": "value", "__actionable": "1", "pad": "x" * size}).encode(),
            "application/x-www-form-urlencoded")


def _multipart(size: int) -> tuple[bytes, str]:
    pad = FileStorage(io.BytesIO(b"x" * size), filename="pad.txt", content_type="text/plain")
    boundary, body = encode_multipart({"field": "value", "note": "__action in a value",
                                       "pad": pad})
    return body, f"multipart/form-data; boundary={boundary}"


@pytest.mark.parametrize("read", ["stream", "data", "form"])
@pytest.mark.parametrize(("encode", "size"), [
    (_urlencoded, 10), (_urlencoded, 100 * 1024), (_urlencoded, 2 * 1024 * 1024),
    (_multipart, 10), (_multipart, 100 * 1024), (_multipart, 2 * 1024 * 1024),
], ids=lambda value: getattr(value, "__name__", value))
def test_a_post_beside_a_page_reaches_its_view_as_it_came(
        client: FlaskClient, encode: t.Callable[[int], tuple[bytes, str]], size: int,
        read: str) -> None:
    body, content_type = encode(size)
    signature = hmac.new(WEBHOOK_KEY, body, hashlib.sha256).hexdigest()
    response = client.post(f"/hooks/signed?read={read}", data=body, content_type=content_type,
                           headers={"X-Signature": signature})
    assert response.status_code == 200
    assert response.json == ({"field": "value"} if read == "form"
                             else {"signed": True, "length": len(body)})


def test_an_action_post_beside_a_webhook_runs_the_action(client: FlaskClient) -> None:
    Page.get(client, "/hooks/signed").form().submit(title="hello")
    assert STORE == [("ping", "hello")]


def _action_post(client: FlaskClient, title: str) -> dict[str, t.Any]:
    """The environ of an action post of the signed hook's page, ``title``
    in its form, for the WSGI app itself (no test client in between)."""
    # Minted where it is posted: a token is bound to its page's query too.
    token = Page.get(client, "/hooks/signed?read=data").form().token()
    cookie = client.get_cookie("session")
    assert cookie is not None
    return EnvironBuilder(
        "/hooks/signed?read=data", method="POST", data={"__action": token, "title": title},
        headers={"Origin": ORIGIN, "Cookie": f"session={cookie.value}",
                 "X-Signature": ""}).get_environ()


@pytest.mark.parametrize(("terminated", "ran"), [
    (True, [("ping", "chunked")]),  # a server that ends the body (chunked encoding)
    (False, []),  # no length and no end: werkzeug reads no body, nor do we
])
def test_a_post_without_a_length_is_read_as_werkzeug_reads_it(
        app: Flask, client: FlaskClient, terminated: bool, ran: list[tuple[str, str]]) -> None:
    environ = _action_post(client, "chunked")
    del environ["CONTENT_LENGTH"]
    if terminated:
        environ["wsgi.input_terminated"] = True
    _, status, _ = run_wsgi_app(app.wsgi_app, environ, buffered=True)
    assert STORE == ran
    assert status.startswith("303" if terminated else "200")


class _Trickle(io.RawIOBase):
    """A body that arrives a few bytes a read, as a socket gives it, then
    may end early (the client went away) or fail."""

    def __init__(self, body: bytes, cut: int | None = None, fail: bool = False) -> None:
        self.body, self.fail = body if cut is None else body[:cut], fail

    def read(self, size: int = -1) -> bytes:
        if self.fail and not self.body:
            raise OSError("connection reset by peer")
        chunk, self.body = self.body[:7], self.body[7:]
        return chunk


@pytest.mark.parametrize(("cut", "fail", "status", "ran"), [
    (None, False, "303", [("ping", "trickled")]),  # every byte, in short reads
    (40, False, "400", []),  # ends before its Content-Length: the client went away
    (40, True, "400", []),  # the connection fails while it is read
])
def test_an_action_post_is_read_to_its_length_or_refused(
        client: FlaskClient, app: Flask, cut: int | None, fail: bool, status: str,
        ran: list[tuple[str, str]]) -> None:
    environ = _action_post(client, "trickled")
    environ["wsgi.input"] = _Trickle(environ["wsgi.input"].read(), cut, fail)
    _, answer, _ = run_wsgi_app(app.wsgi_app, environ, buffered=True)
    assert answer.startswith(status)
    assert STORE == ran


@pytest.mark.parametrize("action", [True, False], ids=["action post", "webhook"])
def test_a_body_kept_on_disk_is_closed_when_the_request_ends(
        client: FlaskClient, app: Flask, action: bool) -> None:
    if action:
        environ = _action_post(client, "x" * 600 * 1024)
    else:
        body, content_type = _urlencoded(600 * 1024)
        environ = EnvironBuilder(
            "/hooks/signed?read=data", method="POST", data=body, content_type=content_type,
            headers={"X-Signature": hmac.new(WEBHOOK_KEY, body, hashlib.sha256).hexdigest()},
        ).get_environ()
    statuses: list[str] = []
    b"".join(app.wsgi_app(environ, lambda status, *_: statuses.append(status)))
    assert statuses[0].startswith("303" if action else "200")
    assert STORE == ([("ping", "x" * 600 * 1024)] if action else [])
    spooled = environ["wsgi.input"]  # the copy the request read
    assert spooled.__class__.__name__ == "SpooledTemporaryFile"
    assert spooled.closed
