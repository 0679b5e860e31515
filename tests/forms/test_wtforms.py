"""Actions that take a validated WTForms form."""

from __future__ import annotations

import pytest
from flask.testing import FlaskClient
from wtforms import Form

from flask_server_actions import server_action
from flask_server_actions.errors import UnresolvableAction

from ..html import Page
from ..store import STORE
from .posting import submit_page


@pytest.mark.parametrize(("url", "entry"), [
    ("/posts/3", ("save", 3, "New", True)),
    ("/annotated", ("annotated", "New")),
    ("/module", ("publish", "New")),
    ("/module-annotated", ("annotated_publish", "New")),
])
def test_valid_form_reaches_the_action_as_a_form(
        client: FlaskClient, url: str, entry: tuple[object, ...]) -> None:
    response = Page.get(client, url).form("#edit").submit(title="New", published="y")
    assert STORE == [entry]
    assert response.status_code in (200, 303)


@pytest.mark.parametrize("url", ["/posts/3", "/annotated", "/module", "/module-annotated"])
@pytest.mark.parametrize(("title", "error"), [
    ("", "This field is required."),
    ("x" * 21, "Field cannot be longer than 20 characters."),
])
def test_invalid_form_rerenders_422_with_errors_and_input(
        client: FlaskClient, url: str, title: str, error: str) -> None:
    page = submit_page(client, url, 422, title=title)
    assert page.text(".error") == error
    assert page.value("title") == title
    assert STORE == []


def test_bound_arguments_come_before_the_form(client: FlaskClient) -> None:
    form = Page.get(client, "/bound/9").form()
    assert form.submit(title="Bound").status_code == 303
    assert STORE == [("bound", 9, "Bound")]
    response = form.submit(title="")
    assert response.status_code == 422
    assert Page(client, "/bound/9", response).value("title") == ""


@pytest.mark.parametrize(("url", "title", "status", "shown"), [
    ("/posts/4", "state", 200, {"#value": "4 saved"}),
    ("/module", "Mod", 200, {"#value": "published Mod"}),
    ("/posts/4", "taken", 422, {".error": "That title is taken.",
                                ".action-notice": "That title is taken."}),
    ("/posts/4", "whole", 422, {".error": "",
                                ".action-notice": "Something is off with the whole form."}),
])
def test_value_or_action_error_rerenders_the_page_with_the_input(
        client: FlaskClient, url: str, title: str, status: int, shown: dict[str, str]) -> None:
    page = submit_page(client, url, status, title=title)
    assert {selector: page.text(selector) for selector in shown} == shown
    assert page.value("title") == title


def test_flask_wtf_form_with_csrfprotect_needs_no_exemption(client: FlaskClient) -> None:
    page = Page.get(client, "/flask-wtf")
    response = page.form("#edit").submit(title="")
    assert response.status_code == 422
    again = Page(client, "/flask-wtf", response)
    assert again.text(".error") == "This field is required."
    assert again.form("#edit").submit(title="Fixed").status_code == 303
    assert STORE == [("flask_wtf", "Fixed")]


def test_csrfprotect_still_guards_the_view_own_posts(client: FlaskClient) -> None:
    response = client.post("/flask-wtf", data={"title": "x"},
                           headers={"Origin": "http://localhost"})
    assert response.status_code == 400


def test_decorator_refuses_what_is_not_a_form_class() -> None:
    with pytest.raises(TypeError, match="WTForms form class"):
        server_action(form=dict)  # type: ignore[arg-type]


def test_form_class_defined_in_a_view_is_a_render_time_error(client: FlaskClient) -> None:
    app = client.application
    app.testing = True  # let the render-time error reach the test

    @app.get("/local-form")
    def local_form() -> str:
        class LocalForm(Form):
            pass

        @server_action(form=LocalForm)
        def save(form: LocalForm) -> None:
            pass

        from flask import render_template_string
        return render_template_string("{{ action(save) }}", save=save)

    with pytest.raises(UnresolvableAction, match="Define form classes at module level"):
        client.get("/local-form")


@pytest.mark.parametrize("ref", [
    "tests.forms.app_forms:NotAForm", "tests.forms.app_forms:Gone", "tests.gone:PostForm"])
def test_token_naming_what_is_no_form_class_runs_nothing(
        client: FlaskClient, monkeypatch: pytest.MonkeyPatch, ref: str) -> None:
    # A token can only name what the app wrote into it; make it name a non-form.
    monkeypatch.setattr("flask_server_actions.page.minting.form_ref", lambda cls, action: ref)
    form = Page.get(client, "/annotated").form("#edit")
    monkeypatch.undo()
    response = form.submit(title="kept")
    assert response.status_code == 422
    assert "earlier version" in Page(client, "/annotated", response).text(".action-notice")
    assert STORE == []


@pytest.mark.parametrize(("button", "entry"), [
    (None, ("raw", "raw")), ("#untyped", ("untyped", "raw"))])
def test_annotation_that_is_no_form_class_gives_the_raw_form_data(
        client: FlaskClient, button: str | None, entry: tuple[str, str]) -> None:
    Page.get(client, "/raw").form().submit(button, title="raw")
    assert STORE == [entry]


def test_state_of_another_action_is_empty(client: FlaskClient) -> None:
    from flask_server_actions import action_state
    from flask_server_actions.page.state import ActionState
    from flask_server_actions.page.state import set_state

    with client.application.test_request_context():
        set_state(ActionState(ref="tests:some_other", active=True))
        assert not action_state(server_action(lambda form: None))
        assert action_state()
