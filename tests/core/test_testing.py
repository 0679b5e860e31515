"""The test client for users: forms found, filled and submitted as a
browser does, actions called as client code does."""

from __future__ import annotations

import io
import typing as t

import pytest
from flask import Flask
from werkzeug.datastructures import FileStorage

from flask_server_actions.testing import ActionClient

from ..store import STORE
from .testing_app import create_app


@pytest.fixture
def app() -> Flask:
    return create_app()


def test_a_form_is_submitted_with_what_a_browser_sends(actions: ActionClient) -> None:
    page = actions.get("/").form("compose").submit()
    assert page.redirects == [303] and page.status_code == 200 and page.url == "/"
    assert STORE == [("send", [
        ("body", "Hello"), ("copy", "on"), ("kind", "mail"), ("lang", "en"),
        ("tags", "a"), ("tags", "b"), ("to", "ann"), ("tone", "dry")])]


def test_fields_are_filled_by_name(actions: ActionClient) -> None:
    form = actions.get("/").form("compose").fill(
        to="bob", urgent=True, copy=False, tags=["c"], lang="fr")
    assert form.fields.getlist("tags") == ["c"] and "copy" not in form.fields
    form.submit(tone="warm")
    (_, sent), = STORE
    assert ("urgent", "yes") in sent and ("to", "bob") in sent and ("tone", "warm") in sent


def test_a_button_is_clicked_by_its_label(actions: ActionClient) -> None:
    page = actions.get("/").form("compose").submit("Discard draft")
    assert STORE == [("discard", 7)]
    assert page.redirects == [303] and "found discarded" in page
    actions.get("/").form(button="Send later").submit()
    assert ("later", "Send later") in STORE[-1][1]


def test_a_form_is_found_by_the_action_it_calls(actions: ActionClient) -> None:
    actions.get("/").form(action="discard").submit()
    assert STORE == [("discard", 7)]
    page = actions.get("/").form(action="tests.core.testing_app:send", button="Send").submit()
    assert page.redirects == [303]


def test_a_failed_action_shows_the_page_again_with_its_state(actions: ActionClient) -> None:
    page = actions.get("/").form("compose").submit(to="nobody")
    assert page.status_code == 422 and page.redirects == []
    assert page.state.error is not None and page.state.error.field == "to"
    assert page.notices == ["Nobody cannot receive mail."]
    page = page.form("compose").submit(to="back")
    assert page.status_code == 200 and page.state.value == "sent back"


def test_a_get_form_is_sent_as_a_query(actions: ActionClient) -> None:
    page = actions.get("/").form("search").submit()
    assert "found x old=None" in page


def test_a_page_with_one_form_needs_no_name(actions: ActionClient) -> None:
    assert actions.get("/one").form().submit(to="z").redirects == [303]


def test_an_action_is_called_as_client_code_calls_it(actions: ActionClient) -> None:
    result = actions.get("/").call("add", 3)
    assert result.status_code == 200 and result.value == {"sum": 5} and result.error is None
    failed = actions.get("/").call("refuse")
    assert failed.status_code == 422 and failed.error == "No." and failed.value is None


def test_a_token_from_another_session_names_no_action(app: Flask,
                                                      actions: ActionClient) -> None:
    page = actions.get("/")
    ActionClient(app, app.test_client())  # a second client does not disturb the first
    with actions.client.session_transaction() as session:
        session.clear()
    with pytest.raises(LookupError, match="No form with action='discard'"):
        page.form(action="discard")


@pytest.mark.parametrize(("find", "message"), [
    (lambda page: page.form(), "has 3 forms"),
    (lambda page: page.form("nope"), "No form with id='nope'"),
    (lambda page: page.form(button="Fly"), "button='Fly'"),
    (lambda page: page.form("compose").fill(too="x"), "no field 'too'"),
    (lambda page: page.form("compose").submit("Fly"), "no button labelled 'Fly'"),
    (lambda page: page.call("send"), "No element with data-server-action for 'send'"),
])
def test_what_is_not_on_the_page_is_named(actions: ActionClient, find: t.Any,
                                          message: str) -> None:
    with pytest.raises(LookupError, match=message):
        find(actions.get("/"))


def test_a_form_without_a_button_is_submitted_as_enter_would(actions: ActionClient) -> None:
    assert actions.get("/").form("bare").submit(to="eve").redirects == [303]
    assert STORE == [("send", [("to", "eve")])]


def test_files_are_uploaded_as_tuples_or_file_storages(actions: ActionClient) -> None:
    page = actions.get("/uploads").form("upload").submit(
        doc=(b"%PDF", "report.pdf", "application/pdf"),  # bytes or a stream
        more=[(io.BytesIO(b"a"), "a.txt"),
              FileStorage(io.BytesIO(b"b"), "b.txt", content_type="text/plain")])
    assert page.redirects == [303]
    assert STORE == [("upload", "Report", [
        ("doc", "report.pdf", "application/pdf", b"%PDF"),
        ("more", "a.txt", "text/plain", b"a"),
        ("more", "b.txt", "text/plain", b"b")])]


def test_a_file_for_a_form_that_cannot_send_files_is_an_error(actions: ActionClient) -> None:
    form = actions.get("/uploads").form("urlencoded")
    with pytest.raises(ValueError, match='enctype="multipart/form-data"'):
        form.submit(doc=(io.BytesIO(b"x"), "x.txt"))
    with pytest.raises(LookupError, match="no field 'title'"):
        actions.get("/uploads").form("urlencoded").submit(title=(io.BytesIO(b"x"), "x.txt"))


def test_a_file_is_only_for_a_file_input(actions: ActionClient) -> None:
    with pytest.raises(ValueError, match="'title' is not a file input"):
        actions.get("/uploads").form("upload").submit(title=(io.BytesIO(b"x"), "x.txt"))


def test_htmx_submits_as_htmx_does_and_gets_the_fragment(actions: ActionClient) -> None:
    page = actions.get("/notes").form("add").submit(text="Milk", htmx=True)
    assert page.status_code == 200 and page.redirects == []
    assert page.html.startswith('<ul id="notes">') and "<h1>" not in page
    assert "Milk" in page
    request = page.response.request
    assert request.headers["HX-Request"] == "true"
    assert request.headers["HX-Current-URL"] == "http://localhost/notes"
    assert request.headers["HX-Target"] == "notes"
    assert request.headers["HX-Trigger"] == "add"
    assert request.headers["HX-Request-Type"] == "partial"


def test_htmx_answers_show_their_hx_headers(actions: ActionClient) -> None:
    page = actions.get("/notes").form("leave").submit(htmx=True)
    assert page.status_code == 200 and page.redirects == []
    assert page.htmx_headers == {"HX-Redirect": "/uploads"}


def test_extra_headers_are_sent(actions: ActionClient) -> None:
    actions.get("/notes").form("add").submit(text="Tea", headers={"X-Team": "blue"})
    assert STORE == [("note", "Tea", "blue")]


def test_the_clicked_button_is_public(actions: ActionClient) -> None:
    assert actions.get("/").form(action="discard").clicked == "Discard draft"
    assert actions.get("/").form("compose").clicked == "Send"
    assert actions.get("/").form("compose", button="Send later").clicked == "Send later"


def test_a_button_with_its_own_hx_post_is_the_trigger(actions: ActionClient) -> None:
    actions.get("/notes").form("add").submit(text="Milk")
    page = actions.get("/notes").form(button="Clear").submit(htmx=True)
    assert page.html.startswith('<ul id="notes">') and "Milk" not in page
    headers = page.response.request.headers
    assert (headers["HX-Target"], headers["HX-Trigger"]) == ("notes", "clear")
    assert headers["HX-Trigger-Name"] == "__action_button"


def test_htmx_without_ids_sends_no_target(actions: ActionClient) -> None:
    page = actions.get("/one").form().submit(to="back", htmx=True)
    headers = page.response.request.headers
    assert headers["HX-Request"] == "true"
    assert "HX-Target" not in headers and "HX-Trigger" not in headers


@pytest.mark.parametrize(("url", "landed"), [
    ("/signin?next=%2Fsearch%3Fq%3Dback", "found back"),  # Flask-Login's next=
    ("/in/caf%C3%A9%20bar?next=%2Fsearch%3Fq%3D%C3%A9t%C3%A9", "found été"),
    ("/in/a%2Fb?next=/search?q=plain", "found plain"),
])
def test_a_page_with_an_encoded_url_is_posted_to_its_own_url(actions: ActionClient,
                                                             url: str, landed: str) -> None:
    page = actions.get(url).form().submit()
    assert page.redirects == [303] and landed in page


def test_an_expired_form_is_still_found_by_its_action(app: Flask,
                                                      actions: ActionClient) -> None:
    page = actions.get("/")
    with actions.expired():
        page = page.form(action="discard").submit()
        assert page.status_code == 422 and STORE == []
    assert page.notices == ["This form expired. Your input is kept: please submit again."]
    assert page.form(action="discard").submit().redirects == [303]
    assert STORE == [("discard", 7)]


def test_notices_are_one_message_each(actions: ActionClient) -> None:
    assert actions.get("/titled").notices == []  # an empty alert says nothing
    page = actions.get("/titled").form("titled").submit(title="", body="too long")
    assert page.status_code == 422
    assert page.notices == ["Please correct the marked fields and submit again.",
                            "This field is required.",
                            "Field cannot be longer than 5 characters."]
    assert actions.get("/").form("compose").submit(to="nobody").notices == [
        "Nobody cannot receive mail."]


def test_a_validate_request_answers_with_the_errors(actions: ActionClient) -> None:
    form = actions.get("/titled").form("titled")
    checked = form.validate(title="", body="too long")
    assert checked.status_code == 422 and not checked.valid
    assert checked.errors == {"title": ["This field is required."],
                              "body": ["Field cannot be longer than 5 characters."]}
    only = form.validate(only=["body"], title="", body="ok")
    assert only.status_code == 204 and only.valid and only.errors == {}
    assert form.validate(only=["title"]).errors == {"title": ["This field is required."]}
    assert [entry[0] for entry in STORE] == ["validated"] * 3  # never the action
    assert form.submit(title="Tea").redirects == [303] and STORE[-1] == ("retitle", "Tea")


def test_a_validate_request_leaves_files_out(actions: ActionClient) -> None:
    form = actions.get("/titled").form("titled").fill(doc=(b"x", "x.txt"))
    assert form.validate(title="Tea").valid
    assert STORE == [("validated", "multipart/form-data", [])]


def test_a_validate_request_of_a_refused_token_has_its_message(
        actions: ActionClient) -> None:
    form = actions.get("/titled").form("titled")
    with actions.expired():
        checked = form.validate(title="")
    assert checked.status_code == 419 and checked.errors == {}
    assert checked.message == "This form expired. Your input is kept: please submit again."


def test_a_replayed_form_is_the_same_token_posted_again(actions: ActionClient) -> None:
    form = actions.get("/").form(action="discard")
    assert form.submit().redirects == [303]
    assert form.submit().redirects == [303]  # not one-time: it runs again
    assert STORE == [("discard", 7), ("discard", 7)]


def test_a_form_submitted_by_another_browser_is_refused(app: Flask,
                                                        actions: ActionClient) -> None:
    form = actions.get("/").form("compose")
    page = form.submit(by=ActionClient(app))
    assert page.status_code == 422 and STORE == []
    assert page.notices == ["Your session changed since this form was shown."
                            " Your input is kept: please submit again."]
