"""4. Only action posts are touched: other form posts keep their raw body
and their own limits."""

from __future__ import annotations

import hashlib

from flask import Flask
from flask import request
from flask.testing import FlaskClient

from ..store import STORE

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
