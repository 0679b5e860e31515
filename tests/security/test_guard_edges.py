"""What a mutation run of ``post/guards.py`` found untested, one behaviour
a test: the lifetime and issue time the store is given for a one-time
token, the reasons a refused one-time form is logged with, a validate
request and a stale form that never ask the store for an action that is
not one-time, the validate budget counted by the action's ``key=``, and a
``require=`` check imported once per module, named in the error when it
is gone."""

from __future__ import annotations

import logging
import sys
import time
import types
import typing as t

import pytest
from flask import Flask
from flask import render_template_string
from flask.testing import FlaskClient

from flask_server_actions import ActionCall
from flask_server_actions import MemoryStore
from flask_server_actions import ServerActions
from flask_server_actions import server_action
from flask_server_actions.closures import ResolveError
from flask_server_actions.integrations.stores import Claim
from flask_server_actions.post import guards
from flask_server_actions.token.envelope import CLOCK_SKEW

from ..html import ORIGIN
from ..html import Page
from ..store import STORE
from .app_secure import create_app
from .forge import post
from .forge import token_of

VALIDATE = {"Precognition": "true", "Origin": ORIGIN}


class RecordingStore(MemoryStore):
    """A memory store that notes what it is asked, and can answer a claim
    or a peek as a store that lost track of a post would."""

    def __init__(self, answer: Claim | None = None) -> None:
        super().__init__()
        self.answer = answer
        self.asked: list[tuple[str, str, int, int | None]] = []

    def claim(self, token_id: str, ttl: int, issued_at: int) -> Claim:
        self.asked.append(("claim", token_id, issued_at, ttl))
        found = super().claim(token_id, ttl, issued_at)
        return self.answer or found

    def peek(self, token_id: str, issued_at: int) -> Claim | None:
        self.asked.append(("peek", token_id, issued_at, None))
        return self.answer or super().peek(token_id, issued_at)


def refusals(caplog: pytest.LogCaptureFixture) -> list[str]:
    return [record.getMessage() for record in caplog.records
            if record.name == "flask_server_actions"]


def test_a_one_time_token_is_recorded_for_the_rest_of_its_life() -> None:
    store = RecordingStore()
    app = create_app(store=store, SERVER_ACTIONS_MAX_AGE=600)
    client = app.test_client()
    before = int(time.time())
    token = token_of(client, "/pay")
    assert client.post("/pay", data={"__action": token, "x": "1"}, headers=VALIDATE
                       ).status_code == 204
    assert post(client, token, "/pay", x="1").status_code == 303
    ((peek, peeked, peek_issued, _), (claim, claimed, issued_at, ttl)) = store.asked
    assert (peek, claim) == ("peek", "claim")
    assert peeked == claimed
    assert before <= issued_at <= int(time.time())
    assert peek_issued == issued_at  # a store that lost records since then can tell
    # Kept for as long as the token could still be posted, and no longer.
    assert 600 <= ttl <= 600 + CLOCK_SKEW + 1


@pytest.mark.parametrize(("answer", "reason"), [
    (Claim.DONE, "was used before"),
    (Claim.PENDING, "was recorded but not known to have run (pending)"),
])
@pytest.mark.parametrize("validate", [False, True], ids=["post", "validate request"])
def test_a_one_time_form_sent_again_is_logged_with_what_its_record_says(
        caplog: pytest.LogCaptureFixture, answer: Claim, reason: str, validate: bool) -> None:
    client = create_app(store=RecordingStore(answer)).test_client()
    token = token_of(client, "/pay")
    with caplog.at_level(logging.INFO, "flask_server_actions"):
        response = client.post("/pay", data={"__action": token, "x": "1"},
                               headers=VALIDATE if validate else {"Origin": ORIGIN})
    # A validate request is answered as Laravel's clients read an expired page.
    assert response.status_code == (419 if validate else 422)
    (message,) = refusals(caplog)
    assert reason in message, message
    assert STORE == []


@pytest.mark.parametrize(("answer", "refusal"), [
    (Claim.DONE, "AlreadySubmitted"),
    (Claim.PENDING, "OutcomeUnknown"),
])
def test_an_expired_one_time_form_says_what_its_record_says(
        caplog: pytest.LogCaptureFixture, answer: Claim, refusal: str) -> None:
    app = create_app(store=RecordingStore(answer))
    client = app.test_client()
    token = token_of(client, "/pay")
    app.config["SERVER_ACTIONS_MAX_AGE"] = -CLOCK_SKEW - 10  # expired as soon as minted
    with caplog.at_level(logging.INFO, "flask_server_actions"):
        response = client.post("/pay", data={"__action": token, "x": "1"},
                               headers={"Origin": ORIGIN})
    assert response.status_code == 422
    page = Page(client, "/pay", response)
    notice = {"AlreadySubmitted": "already", "OutcomeUnknown": "cannot tell"}[refusal]
    assert notice in page.text(".action-notice").lower()
    (message,) = refusals(caplog)
    assert message.endswith(f"; its one-time record says {answer.value}")
    assert "s old, over the" in message


class Unreachable(MemoryStore):
    """A store every question to which fails: nothing may ask it."""

    def peek(self, token_id: str, issued_at: int) -> Claim | None:
        raise AssertionError("the store was asked")

    def claim(self, token_id: str, ttl: int, issued_at: int) -> Claim:
        raise AssertionError("the store was asked")


def test_a_form_that_is_not_one_time_never_asks_the_store_for_its_record() -> None:
    app = create_app(store=Unreachable())
    client = app.test_client()
    token = token_of(client)
    # A validate request, and a stale (expired) post: no record to look for.
    assert client.post("/plain", data={"__action": token, "x": "1"}, headers=VALIDATE
                       ).status_code == 204
    app.config["SERVER_ACTIONS_MAX_AGE"] = -CLOCK_SKEW - 10
    assert post(client, token, "/plain", x="1").status_code == 422


def by_team(call: ActionCall) -> str:
    """The ``key=`` of the budget below: the team the form is for."""
    return str(call.args[0])


def teams_page(**options: t.Any) -> tuple[FlaskClient, dict[str, str]]:
    """A client of an app whose page has a form to join each team, its
    action marked with ``options``; the token of each team's form."""
    app = Flask(__name__)
    app.config.update(SECRET_KEY="key secret", SERVER_ACTIONS_VALIDATE_LIMIT="1/minute")
    ServerActions(app)

    @app.get("/")
    def teams() -> str:
        @server_action(**options)
        def join(team: str, form: t.Any) -> None:
            STORE.append(("join", team))

        return render_template_string(
            '<form id="red" method="post">{{ action(join, "red") }}</form>'
            '<form id="blue" method="post">{{ action(join, "blue") }}</form>', join=join)

    client = app.test_client()
    page = Page.get(client, "/")
    return client, {team: page.form(f"#{team}").token() for team in ("red", "blue")}


@pytest.mark.parametrize("limits", [
    {"limit": "5/minute"},  # the validate budget is SERVER_ACTIONS_VALIDATE_LIMIT
    {"validate_limit": "1/minute"},  # its own, without a limit on the posts
])
def test_a_validate_budget_is_counted_by_the_actions_key(limits: dict[str, str]) -> None:
    client, tokens = teams_page(key=by_team, **limits)

    def validate(team: str) -> int:
        return client.post("/", data={"__action": tokens[team]}, headers=VALIDATE).status_code

    # One client typing for two teams: each team's budget is its own.
    assert [validate("red"), validate("red"), validate("blue")] == [204, 429, 204]


def test_a_key_without_a_limit_travels_in_no_token() -> None:
    # Nothing is counted, so the key (here one no token could name) is left out.
    client, tokens = teams_page(key=lambda call: "anyone")
    assert post(client, tokens["red"], "/", x="1").status_code == 303
    assert STORE == [("join", "red")]


def test_a_check_is_imported_once_and_again_when_its_module_is_replaced(
        client: FlaskClient, monkeypatch: pytest.MonkeyPatch) -> None:
    imported: list[str] = []
    import_named = guards.import_named

    def noted(ref: str, what: str) -> t.Any:
        imported.append(ref)
        return import_named(ref, what)

    monkeypatch.setattr(guards, "import_named", noted)
    monkeypatch.setattr(guards, "_checks", {})  # what earlier tests loaded
    client.post("/login")
    token = token_of(client, "/members")
    assert [post(client, token, "/members", x=str(n)).status_code for n in range(3)] == [303] * 3
    assert imported == ["tests.security.app_checks:login_page"]
    # A reloaded module: its check is the one that runs from now on.
    original = sys.modules["tests.security.app_checks"]
    replaced = types.ModuleType(original.__name__)
    replaced.__dict__.update(original.__dict__)
    replaced.login_page = lambda call: ("replaced", 401)  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, original.__name__, replaced)
    assert post(client, token, "/members", x="again").status_code == 401
    assert imported == ["tests.security.app_checks:login_page"] * 2


@pytest.mark.parametrize(("replacement", "reason"), [
    (None, "the check tests.security.app_checks:login_page cannot be imported: "),
    ("not callable", "the check tests.security.app_checks:login_page is not callable"),
])
def test_a_check_gone_since_the_page_is_named_in_the_error(
        monkeypatch: pytest.MonkeyPatch, replacement: str | None, reason: str) -> None:
    # What a token's require= names at the next post, its module reloaded without it.
    module = types.ModuleType("tests.security.app_checks")
    if replacement is not None:
        module.login_page = replacement  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, module.__name__, module)
    with pytest.raises(ResolveError) as raised:
        guards.load_check("tests.security.app_checks:login_page")
    assert str(raised.value).startswith(reason)

