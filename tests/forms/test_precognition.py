"""Live validation with Laravel Precognition's protocol: the action post
itself, sent with ``Precognition: true``, runs every check and validates the
form, and never runs the action."""

from __future__ import annotations

import json
import typing as t

import pytest
from flask import Flask
from flask import Response
from flask import flash
from flask.testing import FlaskClient
from werkzeug.test import TestResponse

from flask_server_actions.errors import AlreadySubmitted
from flask_server_actions.errors import OutcomeUnknown

from ..html import Page
from ..store import STORE
from .live_app import create_app
from .live_app import record_signals

VALID = {"name": "Ada", "email": "ada@example.com"}


@pytest.fixture
def app() -> Flask:
    return create_app()


def validate(client: FlaskClient, url: str = "/signup", only: str | None = None,
             selector: str = "#signup", **values: str) -> TestResponse:
    headers = {"Precognition": "true"}
    if only is not None:
        headers["Precognition-Validate-Only"] = only
    page = Page.get(client, url)
    STORE.clear()
    return page.form(selector).submit(headers=headers, **values)


def test_valid_form_answers_204_with_success_headers(client: FlaskClient) -> None:
    response = validate(client, **VALID)
    assert response.status_code == 204
    assert response.headers["Precognition"] == "true"
    assert response.headers["Precognition-Success"] == "true"
    assert "Precognition" in response.headers["Vary"]
    assert response.get_data() == b""


def test_validate_request_never_runs_the_action(app: Flask, client: FlaskClient) -> None:
    seen = record_signals(app)
    validate(client, **VALID)
    assert not [entry for entry in STORE if entry[0] == "signup"]
    assert seen == []


def test_validate_request_runs_every_check_in_order(client: FlaskClient) -> None:
    validate(client, **VALID)
    assert [entry[0] for entry in STORE] == ["before_request", "before_action", "require",
                                             "lookup", "rollback"]


def test_invalid_form_answers_422_with_json_errors(client: FlaskClient) -> None:
    response = validate(client, name="", email="not an e-mail")
    assert response.status_code == 422
    assert response.headers["Precognition"] == "true"
    assert "Precognition-Success" not in response.headers
    assert "Precognition" in response.headers["Vary"]
    body = response.get_json()
    assert body["message"] == "Please correct the marked fields and submit again."
    assert set(body["errors"]) == {"name", "email"}
    assert body["errors"]["name"] == ["This field is required."]
    assert all(isinstance(message, str) for message in body["errors"]["email"])


def test_rule_that_needs_the_database_runs(client: FlaskClient) -> None:
    response = validate(client, name="Ada", email="taken@example.com")
    assert response.status_code == 422
    assert response.get_json()["errors"] == {
        "email": ["This e-mail address is already registered."]}


def test_validate_only_limits_errors_to_named_fields(client: FlaskClient) -> None:
    response = validate(client, only="email", name="", email="nope")
    assert response.status_code == 422
    assert set(response.get_json()["errors"]) == {"email"}


def test_valid_named_field_with_invalid_untouched_one_is_204(client: FlaskClient) -> None:
    response = validate(client, only="name, email ", name="", email="ada@example.com")
    assert response.status_code == 422
    response = validate(client, only="email", name="", email="ada@example.com")
    assert response.status_code == 204
    assert response.headers["Precognition-Success"] == "true"


def test_once_action_still_runs_once_after_validation(client: FlaskClient) -> None:
    page = Page.get(client, "/signup")
    form = page.form("#signup")
    assert form.submit(headers={"Precognition": "true"}, **VALID).status_code == 204
    assert form.submit(headers={"Precognition": "true"}, **VALID).status_code == 204
    assert form.submit(**VALID).status_code == 303
    assert ("signup", "Ada", "ada@example.com") in STORE
    assert form.submit(**VALID).status_code == 422  # already submitted


def test_no_flash_is_consumed(client: FlaskClient) -> None:
    form = Page.get(client, "/signup").form("#signup")
    client.get("/flash")
    assert form.submit(headers={"Precognition": "true"}, **VALID).status_code == 204
    with client.session_transaction() as session:
        assert [message for _, message in session["_flashes"]] == ["Saved earlier"]


@pytest.mark.parametrize("values", [VALID, {"name": "", "email": ""}])
def test_no_flash_is_added(app: Flask, client: FlaskClient, values: dict[str, str]) -> None:
    @app.before_request
    def flashing() -> None:
        flash("From a hook")

    form = Page.get(client, "/signup").form("#signup")
    form.submit(headers={"Precognition": "true"}, **values)
    with client.session_transaction() as session:
        assert "_flashes" not in session


def test_action_without_form_answers_204_after_the_checks(client: FlaskClient) -> None:
    response = validate(client, selector="#ping")
    assert response.status_code == 204
    assert response.headers["Precognition-Success"] == "true"
    assert ("before_action", "ping") in STORE
    assert ("ping",) not in STORE


def refused_json(response: TestResponse, status: int) -> dict[str, t.Any]:
    assert response.status_code == status, response.get_data(as_text=True)
    assert response.mimetype == "application/json"
    assert response.headers["Precognition"] == "true"
    assert "Precognition" in response.headers["Vary"]
    body: dict[str, t.Any] = json.loads(response.get_data())
    assert isinstance(body["message"], str) and body["message"]
    return body


def test_require_check_refusal_is_403_in_json(client: FlaskClient) -> None:
    client.get("/ban")
    body = refused_json(validate(client, **VALID), 403)
    assert body["errors"] == {}
    assert ("lookup", "ada@example.com") not in STORE


def test_forged_token_is_400_in_json(client: FlaskClient) -> None:
    page = Page.get(client, "/signup")
    response = page.form("#signup").submit(headers={"Precognition": "true"},
                                           __action="forged", **VALID)
    refused_json(response, 400)


def test_other_origin_is_403_in_json(client: FlaskClient) -> None:
    page = Page.get(client, "/signup")
    response = page.form("#signup").submit(
        headers={"Precognition": "true", "Origin": "https://evil.example"}, **VALID)
    refused_json(response, 403)


def test_expired_token_is_419_with_its_notice(app: Flask, client: FlaskClient) -> None:
    page = Page.get(client, "/signup")
    app.config["SERVER_ACTIONS_MAX_AGE"] = -1000
    body = refused_json(page.form("#signup").submit(headers={"Precognition": "true"},
                                                    **VALID), 419)
    assert body["errors"] == {}
    assert not [entry for entry in STORE if entry[0] == "signup"]


def test_view_decorator_runs_and_its_redirect_is_kept(client: FlaskClient) -> None:
    client.get("/login")
    page = Page.get(client, "/private")
    with client.session_transaction() as session:
        del session["user"]
    STORE.clear()
    response = page.form("#signup").submit(headers={"Precognition": "true"}, **VALID)
    assert response.status_code == 303
    assert response.headers["Location"] == "/login"
    assert response.headers["Precognition"] == "true"
    assert ("decorator", "private_page") in STORE
    assert ("private signup",) not in STORE


def test_throttled_client_gets_429_in_json(app: Flask, client: FlaskClient) -> None:
    app.config["SERVER_ACTIONS_THROTTLE"] = "1/60"
    page = Page.get(client, "/signup")
    form = page.form("#signup")
    form.submit(__action="forged", **VALID)
    refused_json(form.submit(headers={"Precognition": "true"}, __action="forged", **VALID),
                 429)


def test_plain_post_is_unchanged_and_varies_on_precognition(client: FlaskClient) -> None:
    page = Page.get(client, "/signup")
    response = page.form("#signup").submit(name="", email="")
    assert response.status_code == 422
    assert response.mimetype == "text/html"
    assert "Precognition" not in response.headers
    assert "Precognition" in response.headers["Vary"]


def test_precognition_false_is_a_plain_post(client: FlaskClient) -> None:
    page = Page.get(client, "/signup")
    response = page.form("#signup").submit(headers={"Precognition": "false"}, **VALID)
    assert response.status_code == 303
    assert ("signup", "Ada", "ada@example.com") in STORE


def test_flash_added_by_a_hook_is_taken_back(app: Flask, client: FlaskClient) -> None:
    @app.before_request
    def flashing() -> None:
        flash("From a hook")

    form = Page.get(client, "/signup").form("#signup")
    client.get("/flash")
    form.submit(headers={"Precognition": "true"}, **VALID)
    with client.session_transaction() as session:
        assert [message for _, message in session["_flashes"]] == ["From a hook", "Saved earlier"]


def precognitive(form: t.Any, **values: str) -> TestResponse:
    return t.cast(TestResponse, form.submit(headers={"Precognition": "true"}, **values))


def test_validate_requests_never_spend_the_real_posts_limit(client: FlaskClient) -> None:
    # A contact form limited to "3/600": three pauses in typing, then the message.
    form = Page.get(client, "/contact").form("#signup")
    assert [precognitive(form, **VALID).status_code for _ in range(3)] == [204] * 3
    assert [form.submit(**VALID).status_code for _ in range(4)] == [303, 303, 303, 429]
    assert STORE.count(("contact", "Ada")) == 3


def test_validate_requests_over_their_own_budget_get_429_in_json(client: FlaskClient) -> None:
    form = Page.get(client, "/contact-strict").form("#signup")  # validate_limit="2/600"
    answers = [precognitive(form, **VALID) for _ in range(3)]
    assert [answer.status_code for answer in answers[:2]] == [204, 204]
    body = refused_json(answers[2], 429)
    assert body == {"message": "Too many attempts: please try again in 10 minutes.",
                    "errors": {}}
    assert answers[2].headers["Retry-After"] == "600"
    assert form.submit(**VALID).status_code == 303  # the real post's budget is untouched


def test_each_action_has_its_own_validate_budget() -> None:
    client = create_app(SERVER_ACTIONS_VALIDATE_LIMIT="1/60").test_client()
    contact = Page.get(client, "/contact").form("#signup")
    strict = Page.get(client, "/contact-strict").form("#signup")  # validate_limit="2/600"
    assert precognitive(contact, **VALID).status_code == 204
    assert precognitive(contact, **VALID).status_code == 429
    # Typing in one form never spends another action's validate budget.
    assert [precognitive(strict, **VALID).status_code for _ in range(2)] == [204, 204]


@pytest.mark.parametrize(("setting", "statuses"), [("1/60", [204, 429]), (None, [204] * 70)])
def test_the_validate_budget_is_a_setting(setting: str | None, statuses: list[int]) -> None:
    client = create_app(SERVER_ACTIONS_VALIDATE_LIMIT=setting).test_client()
    form = Page.get(client, "/contact").form("#signup")
    assert [precognitive(form, **VALID).status_code for _ in statuses] == statuses


def test_a_validate_budget_that_cannot_be_read_is_a_clear_error() -> None:
    app = create_app(SERVER_ACTIONS_VALIDATE_LIMIT="often")
    app.testing = True
    form = Page.get(app.test_client(), "/contact").form("#signup")
    with pytest.raises(ValueError, match=r"^SERVER_ACTIONS_VALIDATE_LIMIT is 'often'"):
        precognitive(form, **VALID)


def test_the_default_validate_budget_is_generous(client: FlaskClient) -> None:
    form = Page.get(client, "/contact").form("#signup")
    assert {precognitive(form, **VALID).status_code for _ in range(60)} == {204}
    assert precognitive(form, **VALID).status_code == 429


def test_forged_validate_requests_feed_the_throttle(app: Flask, client: FlaskClient) -> None:
    app.config["SERVER_ACTIONS_THROTTLE"] = "2/60"
    form = Page.get(client, "/contact").form("#signup")
    statuses = [precognitive(form, __action="forged", **VALID).status_code for _ in range(3)]
    assert statuses == [400, 400, 429]


def _another_page(app: Flask, client: FlaskClient) -> str:
    return Page.get(client, "/contact").form("#signup").token()


def _retired_key(app: Flask, client: FlaskClient) -> str:
    token = Page.get(client, "/signup").form("#signup").token()
    app.config["SECRET_KEY"] = "a new secret, the old one retired"
    return token


def _tampered(app: Flask, client: FlaskClient) -> str:
    token = Page.get(client, "/signup").form("#signup").token()
    return token[:40] + ("A" if token[40] != "A" else "B") + token[41:]


@pytest.mark.parametrize("refused_token", [_tampered, _another_page, _retired_key])
def test_a_refused_validate_request_touches_no_session_state(
        app: Flask, client: FlaskClient, refused_token: t.Callable[[Flask, FlaskClient], str]
) -> None:
    form = Page.get(client, "/signup").form("#signup")
    token = refused_token(app, client)
    client.get("/flash")
    response = precognitive(form, __action=token, **VALID)
    refused_json(response, 400)
    assert "Set-Cookie" not in response.headers
    with client.session_transaction() as session:
        assert [message for _, message in session["_flashes"]] == ["Saved earlier"]


@pytest.mark.parametrize(("name", "status", "notice"), [
    ("Ada", 303, AlreadySubmitted.notice),  # it ran
    ("crash", 500, OutcomeUnknown.notice),  # recorded, never marked finished
])
def test_a_validate_request_with_a_recorded_one_time_token_answers_as_the_post_would(
        client: FlaskClient, name: str, status: int, notice: str) -> None:
    form = Page.get(client, "/signup").form("#signup")
    assert form.submit(**{**VALID, "name": name}).status_code == status
    # The page cannot be sent again: 419, as an expired one.
    body = refused_json(precognitive(form, **VALID), 419)
    assert body == {"message": notice, "errors": {}}
    assert form.submit(**VALID).status_code == 422


@pytest.mark.parametrize("vary", [None, "Accept-Language", "accept-language,PRECOGNITION"])
def test_every_answer_varies_on_precognition_once(app: Flask, client: FlaskClient,
                                                  vary: str | None) -> None:
    @app.after_request
    def own_vary(response: Response) -> Response:
        if vary is not None:
            response.headers["Vary"] = vary
        return response

    response = validate(client, **VALID)
    varies = [part.strip().lower() for part in response.headers["Vary"].split(",")]
    assert varies.count("precognition") == 1
    if vary is not None:  # the app's own are kept
        assert {part.lower() for part in vary.split(",")} <= set(varies)
