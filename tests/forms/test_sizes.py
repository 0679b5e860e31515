"""Oversized bodies answer a clear 413; malformed multipart never a 500."""

from __future__ import annotations

import io
import typing as t

import pytest

from flask_server_actions.errors import FormTooLarge

from ..html import ORIGIN
from ..html import Page
from ..store import STORE
from .app_forms import create_app
from .posting import post


@pytest.mark.parametrize(("url", "config", "values"), [
    ("/plain", {"MAX_CONTENT_LENGTH": 1000},
     {"attachment": (b"x" * 2000, "big.bin")}),
    ("/plain", {"MAX_CONTENT_LENGTH": 1000}, {"name": "x" * 2000}),
    ("/plain", {"MAX_FORM_MEMORY_SIZE": 100}, {"name": "x" * 200}),
    ("/plain", {"MAX_FORM_PARTS": 5}, {"tags": [str(n) for n in range(10)]}),
    ("/posts/1", {"MAX_CONTENT_LENGTH": 1000}, {"title": "x" * 2000}),  # urlencoded
])
def test_oversized_action_post_answers_413(url: str, config: dict[str, int],
                                           values: dict[str, t.Any]) -> None:
    client = create_app(**config).test_client()
    form = Page.get(client, url).form()
    # A fresh file each run (the test is run again by scripts/mutate).
    sent = {name: (io.BytesIO(value[0]), value[1]) if isinstance(value, tuple) else value
            for name, value in values.items()}
    response = post(form, **sent)
    assert response.status_code == 413
    assert FormTooLarge.description in response.get_data(as_text=True)
    assert STORE == []


def _multipart(body: bytes, boundary: str = "b0undary") -> dict[str, t.Any]:
    return {"data": body, "headers": {
        "Origin": ORIGIN, "Content-Type": f"multipart/form-data; boundary={boundary}"}}


def _truncated(token: str) -> bytes:
    return (b'--b0undary\r\nContent-Disposition: form-data; name="__action"\r\n\r\n'
            + token.encode() + b'\r\n--b0undary\r\nContent-Disposition: form-data; name="na')


def test_malformed_multipart_action_post_answers_400() -> None:
    client = create_app().test_client()
    token = Page.get(client, "/plain").form("#plain").token()
    response = client.post("/plain", **_multipart(_truncated(token)))
    assert response.status_code == 400
    assert "arrived incomplete" in response.get_data(as_text=True)
    assert STORE == []


@pytest.mark.parametrize(("url", "status", "body"), [
    ("/plain", 405, None),  # a GET-only page: the app's routing answers
    ("/echo", 200, "echo []"),  # the app's own POST view gets the (empty) form
])
def test_malformed_multipart_that_is_no_action_post_is_left_to_the_app(
        url: str, status: int, body: str | None) -> None:
    client = create_app(WTF_CSRF_ENABLED=False).test_client()
    broken = b'--b0undary\r\nContent-Disposition: form-data; name="x"\r\n\r\nvalue'
    response = client.post(url, **_multipart(broken))
    assert response.status_code == status
    if body is not None:
        assert response.get_data(as_text=True) == body


def test_well_formed_multipart_action_post_runs() -> None:
    client = create_app().test_client()
    token = Page.get(client, "/plain").form("#plain").token()
    body = (b'--b0undary\r\nContent-Disposition: form-data; name="__action"\r\n\r\n'
            + token.encode() + b'\r\n--b0undary\r\nContent-Disposition: form-data;'
            b' name="name"\r\n\r\nZed\r\n--b0undary--\r\n')
    assert client.post("/plain", **_multipart(body)).status_code == 303
    assert STORE == [("plain", "Zed", [], [], {"attachment": [], "photos": []})]
