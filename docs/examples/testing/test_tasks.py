"""Tests of the tasks app with the test client (docs/testing.rst)."""

from __future__ import annotations

from flask_server_actions.testing import ActionClient
from flask_server_actions.testing import Page


def sign_in(actions: ActionClient) -> Page:
    page = actions.get("/")
    return page.form("sign-in").submit(name="ann", password="secret")


def test_sign_in_and_add_a_task(actions: ActionClient) -> None:
    page = sign_in(actions)
    assert page.url == "/tasks"
    page = page.form("add").submit(title="Water the plants")
    assert page.redirects == [303]  # the action ran and redirected
    assert "Water the plants" in page


def test_a_task_without_a_title_is_refused(actions: ActionClient) -> None:
    page = sign_in(actions).form("add").submit(title=" ")
    assert page.status_code == 422
    assert page.notices == ["A task needs a title."]
    assert page.state.error is not None  # the ActionState the page saw


def test_a_task_is_toggled_by_its_button(actions: ActionClient) -> None:
    page = sign_in(actions).form("add").submit(title="Call Bob")
    page = page.form(button="Done").submit()
    assert page.form(button="Undo")


def test_a_wrong_password_keeps_the_name(actions: ActionClient) -> None:
    page = actions.get("/").form("sign-in").submit(name="ann", password="guess")
    assert page.status_code == 422
    assert page.notices == ["Wrong name or password."]
    assert 'value="ann"' in page
