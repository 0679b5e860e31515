"""Live validation and accessible errors in Chromium, on the to-do list's
Add form: typing shows a field's error without submitting (one validate
request per pause), and without JavaScript nothing changes. On a form with
a file, a validate request leaves the file out unless the form asks."""

from __future__ import annotations

import threading
import time
import typing as t

import pytest
from flask import Flask
from flask import render_template_string
from flask import request
from werkzeug.serving import make_server

from flask_server_actions import ServerActions
from flask_server_actions import server_action

from ..forms.app_uploads import ApplicationForm
from ..store import STORE
from .test_todo import Todo
from .test_todo import todo  # noqa: F401  (the fixture, run in every mode)
from .test_todo import todo_apps  # noqa: F401

if t.TYPE_CHECKING:
    from playwright.sync_api import Browser

ADD = "#add #new-title"


def validate_requests(todo: Todo) -> list[str]:  # noqa: F811
    """The validate requests the page sends, as they are sent."""
    sent: list[str] = []
    todo.page.on("request", lambda request: sent.append(request.url)
                 if request.headers.get("precognition") == "true" else None)
    return sent


def test_typing_an_invalid_value_shows_its_error_without_submitting(todo: Todo) -> None:  # noqa: F811
    todo.open()
    sent = validate_requests(todo)
    field = todo.page.locator(ADD)
    field.press_sequentially("x" * 81, delay=5)
    if not todo.javascript:
        time.sleep(1)
        assert sent == []
        assert todo.page.text_content("#new-title-error") == ""
        return
    todo.page.wait_for_selector("#new-title[aria-invalid=true]")
    assert "80" in (todo.page.text_content("#new-title-error") or "")
    assert field.get_attribute("aria-describedby") == "new-title-error"
    assert len(sent) == 1  # one pause in typing, one request
    assert todo.titles() == todo.titles()  # nothing was added
    field.fill("Water the plants")
    todo.page.wait_for_selector("#new-title:not([aria-invalid])")
    assert todo.page.text_content("#new-title-error") == ""
    todo.swapped_in_place()


def test_leaving_a_field_after_a_pause_sends_nothing_new(todo: Todo) -> None:  # noqa: F811
    if not todo.javascript:
        return
    todo.open()
    sent = validate_requests(todo)
    todo.page.locator(ADD).press_sequentially("ok", delay=5)
    todo.page.wait_for_timeout(900)
    todo.page.locator(ADD).blur()
    todo.page.wait_for_timeout(300)
    assert len(sent) == 1


def test_untouched_fields_show_no_error(todo: Todo) -> None:  # noqa: F811
    todo.open()
    todo.page.focus(ADD)
    todo.page.locator(ADD).blur()
    todo.page.wait_for_timeout(700)
    assert todo.page.get_attribute(ADD, "aria-invalid") is None
    assert todo.page.text_content("#new-title-error") == ""


def test_failed_submit_marks_the_field_and_focuses_the_summary(todo: Todo) -> None:  # noqa: F811
    todo.open()
    before = todo.titles()
    todo.page.click("#add button")
    todo.page.wait_for_selector("#add .action-error-summary")
    assert todo.page.get_attribute(ADD, "aria-invalid") == "true"
    assert todo.page.locator("#add .action-error-summary a").get_attribute("href") == "#new-title"
    assert todo.titles() == before
    if todo.javascript:
        todo.page.wait_for_function(
            "document.activeElement.classList.contains('action-error-summary')")
        todo.swapped_in_place()
    else:
        assert todo.page.title() == "Error: To do"


# Files: a validate request leaves the chosen file out unless the form asks.

FILES_PAGE = """<!doctype html>
<title>Apply</title>
{{ action.client_script() }}
{% for id, opt_in in [("apply", ""), ("apply-with-files", "data-action-validate-files")] %}
<form id="{{ id }}" method="post" enctype="multipart/form-data" {{ opt_in }}>
  {{ action(apply) }}
  <input {{ action.field("name", id=id + "-name", live=True) }}>
  {{ action.field_error("name") }}
  <input type="file" {{ action.field("cv", id=id + "-cv", live=True) }}>
  <p id="{{ id }}-cv-error"></p>
  <button>Apply</button>
</form>
{% endfor %}
"""
CV = b"%PDF-1.7 " + b"0123456789" * 50_000  # 500 KB the pause must not send again


#: What the server received of each validate request: its length and the
#: filenames of its file parts (Chromium does not report a body's files).
RECEIVED: list[tuple[int, list[str]]] = []


@pytest.fixture(scope="module")
def files_site() -> t.Iterator[str]:
    app = Flask(__name__)
    app.config["SECRET_KEY"] = "browser kept files"
    ServerActions(app)

    @app.before_request
    def note() -> None:
        if request.headers.get("Precognition") == "true":
            RECEIVED.append((request.content_length or 0,
                             [file.filename or "" for file in request.files.values()]))

    @app.get("/apply")
    def apply_page() -> str:
        @server_action(form=ApplicationForm)
        def apply(form: ApplicationForm) -> None:
            STORE.append(("apply", form.name.data))

        return render_template_string(FILES_PAGE, apply=apply)

    http = make_server("127.0.0.1", 0, app, threaded=True)
    threading.Thread(target=http.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{http.server_port}/apply"
    finally:
        http.shutdown()


@pytest.mark.parametrize("form", ["apply", "apply-with-files"])
def test_a_validate_request_carries_the_file_only_if_the_form_asks(
        browser: Browser, files_site: str, form: str) -> None:
    RECEIVED.clear()
    context = browser.new_context()
    try:
        page = context.new_page()
        page.set_default_timeout(10_000)
        page.goto(files_site)
        page.set_input_files(f"#{form}-cv", files=[
            {"name": "cv.pdf", "mimeType": "application/pdf", "buffer": CV}])
        page.locator(f"#{form}-name").press_sequentially("Ada", delay=5)
        page.wait_for_timeout(900)
        page.locator(f"#{form}-name").blur()
        page.wait_for_timeout(300)
        assert RECEIVED, "no validate request was sent"
        if form == "apply":
            # No file part, no file bytes: the server skips the field's validators.
            assert all(length < 2000 and files == [] for length, files in RECEIVED)
        else:
            assert all(length > len(CV) and files == ["cv.pdf"] for length, files in RECEIVED)
        # Valid either way: a file left out is not "required" and missing.
        assert page.get_attribute(f"#{form}-name", "aria-invalid") is None
        assert page.get_attribute(f"#{form}-cv", "aria-invalid") is None
        assert STORE == []
    finally:
        context.close()
