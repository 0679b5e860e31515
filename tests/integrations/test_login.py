"""Flask-Login: tokens end at login and logout, ``current_user`` travels,
``require_login`` guards module-level actions next to a public one."""

from __future__ import annotations

import pytest
from flask import Flask
from flask.testing import FlaskClient

from flask_server_actions.errors import UnserializableValue

from ..html import Page
from ..store import STORE
from .login_app import create_app


@pytest.fixture
def app() -> Flask:
    return create_app()


def sign_in(client: FlaskClient, user: str = "1") -> None:
    response = Page.get(client, "/").form("#sign-in").submit(user=user)
    assert response.status_code == 303


def test_a_public_action_runs_for_anyone_and_a_protected_one_does_not(
        client: FlaskClient) -> None:
    response = Page.get(client, "/").form("#whoami").submit()
    assert response.status_code == 303  # to the login view, as login_required does
    assert response.headers["Location"].startswith("/?next=")
    assert STORE == []
    sign_in(client)
    assert Page.get(client, "/").form("#whoami").submit().status_code == 303
    assert STORE == [("whoami", "ann")]


def test_logging_out_ends_the_tokens_of_the_previous_user(client: FlaskClient) -> None:
    sign_in(client)
    old = Page.get(client, "/mine").form()
    assert Page.get(client, "/").form("#sign-out").submit().status_code == 303
    sign_in(client, "2")  # bob signs in on the same browser
    response = old.submit(name="from ann's page")
    assert response.status_code == 422
    assert "Your session changed" in response.get_data(as_text=True)
    assert STORE == []


def test_logging_in_ends_the_tokens_minted_before(client: FlaskClient) -> None:
    old = Page.get(client, "/").form("#sign-in")
    sign_in(client)
    assert old.submit(user="2").status_code == 422
    assert Page.get(client, "/").text("#who") == "ann"


def test_a_captured_current_user_travels_as_the_user(client: FlaskClient) -> None:
    sign_in(client)
    assert Page.get(client, "/mine").form().submit(name="Ann").status_code == 303
    assert STORE == [("rename", "User", "ann", "Ann")]


def test_capturing_an_unregistered_user_class_says_what_to_do(client: FlaskClient) -> None:
    sign_in(client, "guest")
    with pytest.raises(UnserializableValue, match=r"'user'.*Guest.*register"):
        client.get("/mine")
