"""Live validation and accessible errors in Chromium, on the to-do list's
Add form: typing shows a field's error without submitting (one validate
request per pause), and without JavaScript nothing changes."""

from __future__ import annotations

import time

from .test_todo import Todo
from .test_todo import todo  # noqa: F401  (the fixture, run in every mode)
from .test_todo import todo_apps  # noqa: F401

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
