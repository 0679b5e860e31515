"""2. App-level hooks see the page: endpoint, blueprint, view arguments,
URL rule, and URL value preprocessors."""

from __future__ import annotations

import typing as t

from flask.testing import FlaskClient

from ..html import Page
from ..store import STORE
from . import app_lifecycle


def test_app_level_before_request_sees_the_page_as_its_get_does(
        client: FlaskClient) -> None:
    page = Page.get(client, "/en/greet")
    app_lifecycle.SEEN.clear()
    page.form().submit(title="hi")
    (seen,) = app_lifecycle.SEEN
    assert seen == {"endpoint": "greet", "blueprint": None, "view_args": {},
                    "rule": "/<lang>/greet"}


def test_an_app_level_blueprint_guard_refuses_a_demoted_users_action(
        client: FlaskClient, sign_in: t.Callable[..., None]) -> None:
    sign_in(role="staff")
    page = Page.get(client, "/staff/desk")
    assert app_lifecycle.SEEN[-1]["blueprint"] == "staff"
    sign_in(role="user")
    assert client.get("/staff/desk").status_code == 403
    assert page.form().submit(title="report").status_code == 403
    assert STORE == []


def test_app_url_value_preprocessors_run_for_the_action_and_the_rerender(
        client: FlaskClient) -> None:
    response = Page.get(client, "/fr/greet").form().submit(title="salut")
    assert response.status_code == 200  # the action returned a value: re-render
    assert STORE == [("say", "fr", "fr", "salut")]
    rerendered = Page(client, "/fr/greet", response)
    assert rerendered.text("#lang") == "fr"
    assert rerendered.form().tag.get("action") is None
