"""JSON calls from client code: the token in a header, JSON in and out, and
every check a form post gets."""

from __future__ import annotations

import json
import logging
import typing as t
from types import SimpleNamespace

import pytest
from flask import Flask
from flask import abort
from flask import request
from flask.testing import FlaskClient
from werkzeug.exceptions import Forbidden
from werkzeug.exceptions import HTTPException
from werkzeug.exceptions import InternalServerError
from werkzeug.test import TestResponse
from werkzeug.wrappers import Response

from flask_server_actions import ActionCall
from flask_server_actions import ActionState
from flask_server_actions.errors import UnserializableValue
from flask_server_actions.post import calls

from ..html import ORIGIN
from ..html import Page
from ..store import STORE


def token_and_url(client: FlaskClient) -> tuple[str, str]:
    button = Page.get(client, "/posts/1").soup.select_one("#add")
    assert button is not None
    return str(button["data-server-action"]), str(button["data-server-action-url"])


def call(client: FlaskClient, body: t.Any = (), token: str | None = None,
         headers: dict[str, str] | None = None, raw: bytes | None = None) -> TestResponse:
    found, url = token_and_url(client)
    return client.post(url, data=raw if raw is not None else json.dumps(list(body)),
                       content_type="application/json",
                       headers={"Origin": ORIGIN, "X-Server-Action": token or found,
                                **(headers or {})})


def test_call_answers_the_return_value_as_tagged_json(client: FlaskClient) -> None:
    response = call(client, [5])
    assert (response.status_code, response.mimetype) == (200, "application/json")
    assert response.get_json() == {"sum": 15, "on": {"#d": "2024-05-17"}, "pair": {"#t": [1, 2]}}


def test_sent_arguments_come_after_the_bound_ones(client: FlaskClient) -> None:
    assert call(client, [1]).get_json()["sum"] == 11


def test_data_attributes_name_the_page_the_token_was_minted_on(client: FlaskClient) -> None:
    assert token_and_url(client)[1] == "/posts/1"


@pytest.mark.parametrize(("body", "reason"), [
    (b"[1, 2, 3, 4]", "cannot be called with 4 argument(s) after 1 bound"),
    (b"[]", "cannot be called with 0 argument(s)"),
    (b'{"amount": 1}', "must be a JSON array"),
    (b"[1,", "the body is not JSON"),
])
def test_arguments_the_action_cannot_take_answer_400(client: FlaskClient, body: bytes,
                                                     reason: str) -> None:
    response = call(client, raw=body)
    assert response.status_code == 400
    assert reason in response.get_data(as_text=True)


def test_a_body_that_is_not_json_answers_400(client: FlaskClient) -> None:
    token, url = token_and_url(client)
    response = client.post(url, data={"amount": "1"},
                           headers={"Origin": ORIGIN, "X-Server-Action": token})
    assert response.status_code == 400
    assert "application/json" in response.get_data(as_text=True)


def test_empty_body_means_no_arguments(client: FlaskClient) -> None:
    response = call(client, raw=b"")  # add() needs an amount
    assert "with 0 argument(s)" in response.get_data(as_text=True)


def test_action_error_answers_422_with_the_message_and_field(client: FlaskClient) -> None:
    response = call(client, [-1])
    assert response.status_code == 422
    assert response.get_json() == {"error": "Only positive amounts.", "field": "amount"}


def test_expired_token_answers_422_with_the_notice(client: FlaskClient) -> None:
    token, _ = token_and_url(client)
    client.application.config["SERVER_ACTIONS_MAX_AGE"] = -1
    response = call(client, [1], token=token)
    assert response.status_code == 422
    assert "expired" in response.get_json()["error"]


def test_token_of_another_session_does_not_run(client: FlaskClient) -> None:
    token, _ = token_and_url(client)
    other = client.application.test_client()
    response = call(other, [1], token=token)
    assert (response.status_code, response.get_json()["field"]) == (422, None)


def test_cross_origin_call_is_refused(client: FlaskClient) -> None:
    assert call(client, [1], headers={"Origin": "https://evil.example"}).status_code == 403


def test_tampered_token_is_refused(client: FlaskClient) -> None:
    token, _ = token_and_url(client)
    assert call(client, [1], token=token[:-4] + "AAAA").status_code == 400


def test_before_request_hooks_run_before_a_call(client: FlaskClient) -> None:
    @client.application.before_request
    def members_only() -> None:
        if request.headers.get("X-Server-Action") and not request.headers.get("X-Member"):
            abort(401)

    assert call(client, [1]).status_code == 401
    assert call(client, [1], headers={"X-Member": "yes"}).status_code == 200


def test_unserializable_return_value_is_a_clear_error(client: FlaskClient) -> None:
    client.application.testing = True
    page = Page.get(client, "/posts/1")
    token = str(page.soup.select_one("#update")["data-server-action"])  # type: ignore[index]
    with pytest.raises(UnserializableValue) as raised:
        client.post("/posts/1", json=[{"title": "object"}],
                    headers={"Origin": ORIGIN, "X-Server-Action": token})
    assert str(raised.value) == (
        "The value an action returned to a JSON call cannot be sent as JSON: dict (object)."
        " Return JSON data, dates, UUIDs, decimals, tuples or sets, or register the type"
        " with ServerActions.register_type().")
    # The action returned it: no variable or argument of its token failed.
    error = raised.value
    assert (error.action, error.name, error.value_type) == ("", "return value", dict)


def test_a_response_returned_to_a_call_passes_through(client: FlaskClient) -> None:
    token = str(Page.get(client, "/posts/1").soup.select_one("#update")["data-server-action"])  # type: ignore[index]
    response = client.post("/posts/1", json=[{"title": "home"}],
                           headers={"Origin": ORIGIN, "X-Server-Action": token})
    assert (response.status_code, response.headers["Location"]) == (303, "/")
    assert STORE == [("update_post", 1, "home")]


def test_client_script_is_served(client: FlaskClient) -> None:
    with client.get("/_server_actions/static/client.js") as response:
        assert response.status_code == 200
        assert "window.serverActions" in response.get_data(as_text=True)


def test_failure_carries_the_form_errors(client: FlaskClient) -> None:
    state = ActionState(form=SimpleNamespace(errors={"title": ["This field is required."]}))
    response = calls.failure(state, 422)
    assert json.loads(response.get_data()) == {
        "error": None, "field": None, "errors": {"title": ["This field is required."]}}


def test_before_action_checks_run_for_calls(client: FlaskClient) -> None:
    seen: list[tuple[str, tuple[t.Any, ...]]] = []

    def check(call: ActionCall) -> bool:
        seen.append((call.name, call.args))
        return call.name != "add"

    client.application.extensions["server_actions"].before_action(check)
    response = call(client, [1])
    assert response.status_code == 403
    assert seen == [("add", (10,))]


def order(client: FlaskClient, body: bytes) -> TestResponse:
    button = Page.get(client, "/posts/1").soup.select_one("#order")
    assert button is not None
    return client.post("/posts/1", data=body, content_type="application/json",
                       headers={"Origin": ORIGIN, "X-Server-Action": str(button["data-server-action"])})


def test_action_taking_a_form_gets_the_json_fields_validated(client: FlaskClient) -> None:
    response = order(client, b'{"amount": 3, "note": "hi", "urgent": true}')
    assert response.get_json() == {"amount": 3, "note": "hi", "urgent": True}


@pytest.mark.parametrize("body", [b'{"amount": 2, "urgent": false}', b'{"amount": 2, "urgent": null}'])
def test_false_and_null_fields_are_left_out_as_a_browser_would(client: FlaskClient,
                                                              body: bytes) -> None:
    assert order(client, body).get_json()["urgent"] is False


def test_invalid_fields_answer_422_with_the_form_errors(client: FlaskClient) -> None:
    response = order(client, b'{"amount": [0], "note": "too long"}')
    assert response.status_code == 422
    body = response.get_json()
    assert set(body["errors"]) == {"amount", "note"}
    assert body["error"] == "Please correct the marked fields and submit again."


def test_action_taking_a_form_needs_a_json_object(client: FlaskClient) -> None:
    response = order(client, b"[1]")
    assert response.status_code == 400
    assert "JSON object of its fields" in response.get_data(as_text=True)


@pytest.mark.parametrize("error", [
    InternalServerError(),  # not the client's fault: the app's error page
    Forbidden(response=Response("the app's own answer", 403)),  # answered already
], ids=["5xx", "with its response"])
def test_a_calls_refusal_is_turned_into_json_only_when_it_is_a_bare_4xx(
        error: HTTPException) -> None:
    before = error.response
    calls.answer_in_json(error)
    assert error.response is before
    refused = Forbidden("no")
    calls.answer_in_json(refused)
    assert refused.response is not None and refused.response.get_json() == {"error": "no"}


def test_a_call_of_more_fields_than_a_form_may_have_is_refused_413(
        app: Flask, client: FlaskClient, caplog: pytest.LogCaptureFixture) -> None:
    app.config["SERVER_ACTIONS_MAX_FORM_FIELDS"] = 3
    assert order(client, b'{"amount": 3, "note": "hi", "urgent": true}').status_code == 200
    with caplog.at_level(logging.INFO):
        response = order(client, b'{"amount": 3, "note": "hi", "urgent": true, "x": 1}')
    assert response.status_code == 413
    assert response.get_json()["error"] == (
        "The form is too large for this site: send smaller or fewer files, or shorter text.")
    assert ("Refused a call to '/posts/1' of 4 fields, over SERVER_ACTIONS_MAX_FORM_FIELDS"
            in caplog.messages)
