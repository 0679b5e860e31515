"""A form the view sets up at render (a SelectField's choices) is set up the
same way at submit with ``@server_action(form=..., setup=...)``; a form that
cannot validate shows the page again with the input and logs the fix, never
a 500."""

from __future__ import annotations

import dataclasses
import logging

import pytest
from flask import Flask

from flask_server_actions import server_action
from flask_server_actions.closures import ResolveError
from flask_server_actions.closures import resolve
from flask_server_actions.errors import UnresolvableAction
from flask_server_actions.forms import SETUP_OPTION
from flask_server_actions.forms import setup_for

from ..html import Page
from ..store import STORE
from .app_setup import TaskForm
from .app_setup import create_app
from .app_setup import team_choices


@pytest.fixture
def app() -> Flask:
    return create_app()


@pytest.mark.parametrize(("url", "recorded"), [
    ("/tasks", ("task", "Ship it", 2)),
    ("/projects/8", ("project task", 8, "Ship it", 2)),  # inline: setup travels by name
])
def test_choices_set_by_setup_validate_a_submission(
        app: Flask, url: str, recorded: tuple[object, ...]) -> None:
    response = Page.get(app.test_client(), url).form("#task").submit(title="Ship it", team="2")
    assert response.status_code == 303
    assert STORE == [recorded]


def test_a_value_outside_the_choices_is_an_error_on_the_field(app: Flask) -> None:
    client = app.test_client()
    response = Page.get(client, "/projects/7").form("#task").submit(title="Ship it", team="2")
    assert response.status_code == 422
    page = Page(client, "/projects/7", response)
    assert page.text(".error") == "Not a valid choice."
    assert page.value("title") == "Ship it"
    assert STORE == []


def test_a_form_that_cannot_validate_keeps_the_input_and_logs_the_fix(
        app: Flask, caplog: pytest.LogCaptureFixture) -> None:
    client = app.test_client()
    with caplog.at_level(logging.INFO):
        response = Page.get(client, "/unset").form("#task").submit(title="Ship it", team="2")
    assert response.status_code == 422
    page = Page(client, "/unset", response)
    assert page.value("title") == "Ship it"
    assert "could not be checked" in page.text(".action-notice")
    [error] = [record.getMessage() for record in caplog.records
               if record.levelno == logging.ERROR]
    assert "The form TaskForm of the action" in error
    assert "Choices cannot be None" in error
    assert "@server_action(form=TaskForm, setup=...)" in error
    assert STORE == []


def test_a_setup_defined_in_the_view_is_refused_at_render(app: Flask) -> None:
    app.testing = True
    with pytest.raises(UnresolvableAction, match=r"setup= function .* module level"):
        app.test_client().get("/inner-setup")


def test_setup_must_be_callable() -> None:
    with pytest.raises(TypeError, match=r"setup=\.\.\.\) takes a function"):
        server_action(form=TaskForm, setup="team_choices")  # type: ignore[call-overload]


def test_setup_needs_a_form_class() -> None:
    with pytest.raises(TypeError, match=r"setup=\.\.\.\) sets up the form given with form="):
        server_action(setup=team_choices)  # type: ignore[call-overload]


@pytest.mark.parametrize(("ref", "reason"), [
    ("tests.forms.app_setup:gone", "cannot be imported"),
    ("tests.forms.app_setup:TEAMS", "is not callable"),
])
def test_a_setup_gone_since_the_page_was_shown_makes_its_token_stale(
        ref: str, reason: str) -> None:
    # A ResolveError, which shows the page again with the input (422), as for
    # a form class gone since the page was shown.
    target = resolve("tests.forms.app_setup:add_task")
    inline = dataclasses.replace(target, function=None)
    with pytest.raises(ResolveError, match=reason):
        setup_for(inline, {SETUP_OPTION: ref})


VALIDATE = {"Precognition": "true"}


@pytest.mark.parametrize("url", ["/tasks", "/projects/8"])
def test_a_validate_request_sets_the_form_up_as_the_submit_does(app: Flask, url: str) -> None:
    form = Page.get(app.test_client(), url).form("#task")
    response = form.submit(headers=VALIDATE, title="Ship it", team="2")
    assert (response.status_code, response.headers["Precognition-Success"]) == (204, "true")
    assert STORE == []


def test_a_validate_request_of_a_form_that_cannot_validate_logs_the_action(
        app: Flask, caplog: pytest.LogCaptureFixture) -> None:
    form = Page.get(app.test_client(), "/unset").form("#task")
    with caplog.at_level(logging.INFO):
        response = form.submit(headers=VALIDATE, title="Ship it", team="2")
    assert response.status_code == 422
    [error] = [record.getMessage() for record in caplog.records
               if record.levelno == logging.ERROR]
    assert ("The form TaskForm of the action tests.forms.app_setup:create_app.<locals>"
            ".unset.<locals>.add could not be validated") in error
