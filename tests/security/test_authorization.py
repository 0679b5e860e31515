"""Authorization hooks: ``@actions.before_action`` and ``require=``."""

from __future__ import annotations

import time
import types
import typing as t

import pytest
from flask import Flask
from flask import abort
from flask.testing import FlaskClient

import flask_server_actions.post.guards
from flask_server_actions import ActionCall
from flask_server_actions.errors import ActionNotFound
from flask_server_actions.errors import UnresolvableAction

from ..html import Page
from ..store import STORE
from . import app_checks
from . import app_secure
from .app_secure import create_app
from .forge import opener
from .forge import post
from .forge import same_browser
from .forge import token_of


def hooked(hook: t.Callable[[ActionCall], t.Any]) -> FlaskClient:
    app = create_app()
    app.extensions["server_actions"].before_action(hook)
    return app.test_client()


def test_before_action_sees_name_captured_values_and_bound_args() -> None:
    calls: list[ActionCall] = []
    client = hooked(calls.append)
    client.post("/login?admin=1")
    post(client, token_of(client, "/admin/5"), "/admin/5")
    post(client, token_of(client, "/transfer"), "/transfer")
    purge, transfer = calls
    assert (purge.name, purge.captured, purge.args, purge.once) == ("purge", {"item": 5}, (), False)
    assert purge.ref == "tests.security.app_secure:create_app.<locals>.admin.<locals>.purge"
    assert (transfer.name, transfer.captured, transfer.args, transfer.once) == (
        "transfer", {}, (10,), True)


def test_before_action_leaves_out_variables_unassigned_when_rendered() -> None:
    calls: list[ActionCall] = []
    client = hooked(lambda call: calls.append(call) or False)
    assert post(client, token_of(client, "/late"), "/late").status_code == 403
    assert calls[0].captured == {}


def _abort_401(call: ActionCall) -> None:
    abort(401)


@pytest.mark.parametrize(("hook", "status", "body"), [
    pytest.param(_abort_401, 401, None, id="abort"),
    pytest.param(lambda call: False, 403, None, id="False"),
    pytest.param(lambda call: ("go away", 429), 429, "go away", id="response"),
])
def test_before_action_refuses_and_nothing_runs(
        hook: t.Callable[[ActionCall], t.Any], status: int, body: str | None) -> None:
    client = hooked(hook)
    response = post(client, token_of(client))
    assert response.status_code == status
    assert body is None or response.get_data(as_text=True) == body
    assert STORE == []


@pytest.mark.parametrize("allow", [None, True])
def test_before_action_returning_none_or_true_lets_the_action_run(allow: bool | None) -> None:
    client = hooked(lambda call: allow)
    assert post(client, token_of(client)).status_code == 303
    assert STORE == [("save", "typed")]


def test_before_action_is_a_decorator_returning_the_hook(app: Flask) -> None:
    def hook(call: ActionCall) -> None:
        return None

    assert app.extensions["server_actions"].before_action(hook) is hook


def test_require_refuses_a_non_admin_and_nothing_runs(client: FlaskClient) -> None:
    client.post("/login")
    assert post(client, token_of(client, "/admin/3"), "/admin/3").status_code == 403
    assert STORE == [("checked", "purge")]


def test_require_lets_an_admin_run_the_action(client: FlaskClient) -> None:
    client.post("/login?admin=1")
    assert post(client, token_of(client, "/admin/3"), "/admin/3").status_code == 303
    assert STORE == [("checked", "purge"), ("purge", 3)]


def test_require_may_answer_with_its_own_response(client: FlaskClient) -> None:
    response = post(client, token_of(client, "/members"), "/members")
    assert (response.status_code, response.get_data(as_text=True)) == (401, "please log in")
    assert STORE == []


def test_require_returning_false_answers_403(client: FlaskClient) -> None:
    assert post(client, token_of(client, "/transfer"), "/transfer").status_code == 403
    assert STORE == []


def test_hooks_run_before_the_actions_own_check() -> None:
    client = hooked(lambda call: STORE.append(("hook", call.name)))
    post(client, token_of(client, "/admin/1"), "/admin/1")
    assert STORE == [("hook", "purge"), ("checked", "purge")]


def test_inline_require_travels_in_the_token_by_name(app: Flask, client: FlaskClient) -> None:
    token = token_of(client, "/admin/2")
    options = dict(opener(app, client, int(time.time()))(token).options)
    assert options.pop("decorator")  # see test_deploy_options.py
    assert options == {"require": "tests.security.app_checks:admin_only"}


def test_another_instance_enforces_an_inline_require_from_the_token(
        client: FlaskClient) -> None:
    client.post("/login")
    token = token_of(client, "/admin/6")
    other = same_browser(client, create_app())  # never rendered /admin/6
    assert post(other, token, "/admin/6").status_code == 403
    assert STORE == [("checked", "purge")]


def test_a_require_check_that_cannot_be_imported_is_a_render_time_error(app: Flask) -> None:
    app.testing = True
    with pytest.raises(UnresolvableAction, match="define the check with `def` at module level"):
        app.test_client().get("/lambda-check")


def test_a_require_check_gone_since_rendering_fails_closed(
        client: FlaskClient, monkeypatch: pytest.MonkeyPatch) -> None:
    client.post("/login?admin=1")
    token = token_of(client, "/admin/4")
    # A deploy renamed the check: the old name is gone, the view uses the new one.
    monkeypatch.setattr(app_secure, "app_checks",
                        types.SimpleNamespace(admin_only=app_checks.renamed_admin_only))
    monkeypatch.delattr(app_checks, "admin_only")
    monkeypatch.setattr(flask_server_actions.post.guards, "_checks", {})
    response = post(client, token, "/admin/4")
    assert response.status_code == 422
    assert Page(client, "/admin/4", response).text(".action-notice") == ActionNotFound.notice
    assert STORE == []


@pytest.mark.parametrize("ref", ["tests.security.nowhere:check", "tests.security.app_checks:STORE"])
def test_load_check_refuses_what_is_not_an_importable_callable(ref: str) -> None:
    with pytest.raises(LookupError):
        flask_server_actions.post.guards.load_check(ref)
