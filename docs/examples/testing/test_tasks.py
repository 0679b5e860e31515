"""Tests of the tasks app with the test client (docs/testing.rst)."""

from __future__ import annotations

from flask import Flask

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


def test_sign_in_after_a_login_redirect(actions: ActionClient) -> None:
    page = actions.get("/tasks")  # Flask-Login sends the visitor to sign in
    assert page.url == "/?next=%2Ftasks"  # the form posts to this very URL
    page = page.form("sign-in").submit(name="ann", password="secret")
    assert page.url == "/tasks"


def test_an_expired_page_keeps_the_input(actions: ActionClient) -> None:
    page = sign_in(actions)
    with actions.expired():  # every token posted in the block is too old
        page = page.form("add").submit(title="Buy milk")
    assert page.status_code == 422
    assert page.notices == ["This form expired. Your input is kept: please submit again."]
    page = page.form("add").submit()  # the page came back with fresh tokens
    assert page.redirects == [303] and "Buy milk" in page


def test_a_replayed_form_runs_again(actions: ActionClient) -> None:
    form = sign_in(actions).form("add")
    form.submit(title="Call Bob")
    page = form.submit()  # the same token again: back button, double click
    assert page.html.count("Call Bob") == 2  # use once=True to refuse a replay


def test_another_browser_cannot_use_the_token(app: Flask, actions: ActionClient) -> None:
    form = sign_in(actions).form("add")
    other = ActionClient(app)  # another browser, signed in as well
    sign_in(other)
    page = form.submit(by=other, title="Not mine")
    assert page.status_code == 422  # its session did not see the form: nothing ran
    assert page.notices == ["Your session changed since this form was shown."
                            " Your input is kept: please submit again."]
    assert "Not mine" not in actions.get("/tasks")
