"""What Laravel's own Precognition clients send and read: the fields as a
JSON object (``{"__action": ..., "title": ...}``), ``Accept:
application/json``; an expired page answered 419 to a validate request;
a failed real submit that asks for JSON answered 422 ``{message, errors}``."""

from __future__ import annotations

import io
import json
import typing as t

import pytest
from flask import Flask
from flask.testing import FlaskClient
from werkzeug.test import TestResponse

from ..html import ORIGIN
from ..html import Page
from ..store import STORE
from .clients_app import create_app

JSON = "application/json"
VALIDATE = {"Precognition": "true", "Accept": JSON}


@pytest.fixture
def app() -> Flask:
    return create_app()


def post_json(client: FlaskClient, body: object, url: str = "/write",
              headers: dict[str, str] | None = None, selector: str = "#note") -> TestResponse:
    """Post ``body`` as JSON as the clients do, with the token of the form
    ``selector`` as ``__action`` when ``body`` is a dict without one."""
    if isinstance(body, dict) and "__action" not in body:
        body = {"__action": Page.get(client, "/write").form(selector).token(), **body}
    STORE.clear()
    return client.post(url, data=json.dumps(body), content_type=JSON,
                       headers={"Origin": ORIGIN, **(headers or {})})


def json_of(response: TestResponse, status: int) -> dict[str, t.Any]:
    assert response.status_code == status, response.get_data(as_text=True)
    assert response.mimetype == JSON
    body: dict[str, t.Any] = json.loads(response.get_data())
    assert set(body) == {"message", "errors"}
    return body


def test_a_valid_json_validate_request_answers_204(client: FlaskClient) -> None:
    response = post_json(client, {"title": "Hello"}, headers=VALIDATE)
    assert response.status_code == 204
    assert response.headers["Precognition"] == "true"
    assert response.headers["Precognition-Success"] == "true"
    assert STORE == []


def test_validate_requests_of_an_action_without_a_limit_are_not_counted(
        app: Flask, client: FlaskClient) -> None:
    app.config["SERVER_ACTIONS_VALIDATE_LIMIT"] = "1/minute"
    statuses = [post_json(client, {"title": "Hello"}, headers=VALIDATE).status_code
                for _ in range(3)]
    assert statuses == [204, 204, 204]


def test_an_invalid_json_validate_request_answers_422_with_errors(client: FlaskClient) -> None:
    body = json_of(post_json(client, {"title": "x" * 21}, headers=VALIDATE), 422)
    assert body["errors"] == {"title": ["Field cannot be longer than 20 characters."]}


def test_validate_only_names_the_fields_of_a_json_body(client: FlaskClient) -> None:
    only = {**VALIDATE, "Precognition-Validate-Only": "tags"}
    assert post_json(client, {"title": "", "tags": ["news"]}, headers=only).status_code == 204
    body = json_of(post_json(client, {"title": "", "tags": ["cats"]}, headers=only), 422)
    assert list(body["errors"]) == ["tags"]


def test_a_json_body_submits_the_form(client: FlaskClient) -> None:
    response = post_json(client, {"title": "Hello", "tags": ["news", "flask"], "draft": True,
                                  "pages": 12})
    assert response.status_code == 303
    assert STORE == [("note", "Hello", ["news", "flask"], True, "12")]


@pytest.mark.parametrize("left_out", [False, None])
def test_false_and_null_are_left_out_as_a_browser_leaves_them(
        client: FlaskClient, left_out: object) -> None:
    post_json(client, {"title": "Hello", "draft": left_out, "pages": left_out})
    assert STORE == [("note", "Hello", [], False, None)]


@pytest.mark.parametrize("value", [{"first": "a"}, [{"name": "news"}], [["news"]]])
def test_a_nested_value_is_refused_400(client: FlaskClient, value: object) -> None:
    response = post_json(client, {"title": "Hello", "tags": value})
    assert response.status_code == 400
    assert "a list of those" in response.get_data(as_text=True)
    assert STORE == []


def test_a_json_body_over_the_call_size_is_refused_413(app: Flask, client: FlaskClient) -> None:
    app.config["SERVER_ACTIONS_MAX_CALL_SIZE"] = 2000
    assert post_json(client, {"title": "Hello", "pages": "x" * 1000}).status_code == 303
    assert post_json(client, {"title": "Hello", "pages": "x" * 2000}).status_code == 413
    assert STORE == []


def test_a_json_body_is_unbounded_without_a_call_size(app: Flask, client: FlaskClient) -> None:
    app.config["SERVER_ACTIONS_MAX_CALL_SIZE"] = None
    assert post_json(client, {"title": "Hello", "pages": "x" * 2_000_000}).status_code == 303


def test_a_json_body_of_too_many_fields_is_refused_413(app: Flask, client: FlaskClient) -> None:
    app.config["SERVER_ACTIONS_MAX_FORM_FIELDS"] = 5
    fields = {f"extra{number}": "x" for number in range(5)}
    assert post_json(client, {"title": "Hello", **fields}).status_code == 413
    assert STORE == []


@pytest.mark.parametrize("body", [
    {"title": "no token"},
    {"title": "__action"},
    ["__action"],
    '{"__action": ',
    {"__action": ["a", "list"]},
])
def test_a_json_body_without_a_token_field_is_no_action_post(
        client: FlaskClient, body: object) -> None:
    data = body if isinstance(body, str) else json.dumps(body)
    assert client.post("/write", data=data, content_type=JSON).status_code == 405
    echoed = client.post("/echo", data=data, content_type=JSON)
    assert echoed.status_code == 200
    assert echoed.get_data(as_text=True) == data


def test_an_expired_page_answers_a_validate_request_419(app: Flask, client: FlaskClient) -> None:
    form = Page.get(client, "/write").form("#note")
    app.config["SERVER_ACTIONS_MAX_AGE"] = -1000
    response = post_json(client, {"__action": form.token(), "title": "Hello"}, headers=VALIDATE)
    body = json_of(response, 419)
    assert response.headers["Precognition"] == "true"
    assert body["errors"] == {}
    assert body["message"]


def test_an_expired_page_answers_a_submit_asking_for_json_419(
        app: Flask, client: FlaskClient) -> None:
    form = Page.get(client, "/write").form("#note")
    app.config["SERVER_ACTIONS_MAX_AGE"] = -1000
    response = post_json(client, {"__action": form.token(), "title": "Hello"},
                         headers={"Accept": JSON})
    assert json_of(response, 419)["errors"] == {}
    assert STORE == []


def test_an_action_error_asking_for_json_is_422_with_its_field(client: FlaskClient) -> None:
    body = json_of(post_json(client, {"title": "taken"}, headers={"Accept": JSON}), 422)
    assert body == {"message": "That title is taken.", "errors": {"title": ["That title is taken."]}}


def test_an_action_error_without_a_message_answers_an_empty_message(
        client: FlaskClient) -> None:
    body = json_of(post_json(client, {"title": "quiet"}, headers={"Accept": JSON}), 422)
    assert body == {"message": "", "errors": {}}


def test_a_failed_submit_asking_for_json_answers_422_with_errors(client: FlaskClient) -> None:
    response = post_json(client, {"title": ""}, headers={"Accept": JSON})
    body = json_of(response, 422)
    assert body["errors"] == {"title": ["This field is required."]}
    assert body["message"]
    assert STORE == []


def test_a_failed_form_post_asking_for_json_answers_422_with_errors(
        client: FlaskClient) -> None:
    form = Page.get(client, "/write").form("#note")
    accept = {"Accept": "application/vnd.api+json"}
    body = json_of(form.submit(headers=accept, title="x" * 21), 422)
    assert list(body["errors"]) == ["title"]


@pytest.mark.parametrize("headers", [
    {"Accept": "text/html, */*"},
    {"Accept": JSON, "HX-Request": "true"},  # htmx swaps the page's HTML in
])
def test_a_failed_submit_asking_for_html_shows_the_page(
        client: FlaskClient, headers: dict[str, str]) -> None:
    response = post_json(client, {"title": ""}, headers=headers)
    assert response.status_code == 422
    assert response.mimetype == "text/html"


def test_a_successful_submit_asking_for_json_redirects_to_the_page(
        client: FlaskClient) -> None:
    response = post_json(client, {"title": "Hello"}, headers={"Accept": JSON})
    assert response.status_code == 303
    assert response.headers["Location"] == "/write"


def test_a_validate_request_leaves_out_the_validators_of_a_file_left_out(
        client: FlaskClient) -> None:
    response = post_json(client, {"title": "Hello", "attachment": None}, headers=VALIDATE,
                         selector="#post")
    assert response.status_code == 204


def test_a_validate_request_with_the_file_validates_it(client: FlaskClient) -> None:
    form = Page.get(client, "/write").form("#post")
    response = form.submit(headers=VALIDATE, title="Hello",
                           files={"attachment": (io.BytesIO(b"text"), "notes.txt")})
    assert list(json_of(response, 422)["errors"]) == ["attachment"]


def test_a_real_submit_without_the_file_fails_on_it(client: FlaskClient) -> None:
    response = post_json(client, {"title": "Hello", "attachment": None},
                         headers={"Accept": JSON}, selector="#post")
    assert json_of(response, 422)["errors"] == {"attachment": ["This field is required."]}


def test_a_json_call_stays_a_call(client: FlaskClient) -> None:
    # The token in the X-Server-Action header: a call, answered as one, whether
    # or not the body names the token field: a form's token is not callable.
    token = Page.get(client, "/write").form("#note").token()
    for body in ({"title": "Hello"}, {"__action": token, "title": "Hello"}):
        STORE.clear()
        response = client.post("/write", data=json.dumps(body), content_type=JSON,
                               headers={"Origin": ORIGIN, "X-Server-Action": token})
        assert response.status_code == 400
        assert "minted for a form, not for calls" in response.get_json()["error"]
        assert STORE == []


@pytest.mark.parametrize(("body", "headers", "status"), [
    ({"__action": "forged", "title": "Hello"}, {}, 400),  # a token that does not open
    ({"title": "Hello"}, {"Origin": "https://evil.example"}, 403),  # another site
], ids=["forged", "cross-origin"])
def test_a_refused_submit_asking_for_json_answers_json(
        client: FlaskClient, body: dict[str, str], headers: dict[str, str],
        status: int) -> None:
    response = post_json(client, body, headers={"Accept": JSON, **headers})
    message = json_of(response, status)["message"]
    assert message and "<" not in message
    assert STORE == []


def test_a_refused_submit_asking_for_html_gets_the_error_page(client: FlaskClient) -> None:
    response = post_json(client, {"__action": "forged", "title": "Hello"},
                         headers={"Accept": "text/html"})
    assert response.status_code == 400
    assert response.mimetype == "text/html"


def test_a_check_refusing_a_submit_asking_for_json_answers_json(
        app: Flask, client: FlaskClient) -> None:
    with app.app_context():
        @app.extensions["server_actions"].before_action
        def nobody(call: object) -> bool:
            return False

    body = json_of(post_json(client, {"title": "Hello"}, headers={"Accept": JSON}), 403)
    assert body["message"]
    assert STORE == []
