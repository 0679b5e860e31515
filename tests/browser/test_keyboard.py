"""The examples with the keyboard alone, in Chromium: JavaScript off, htmx 4
and htmx 2.

After every htmx action focus lands on something sensible (the row's
control again, the next row's after a delete, the invalid field of a row
that failed) instead of falling to ``<body>``; after every failed submit
the error summary is focused, in every mode; and every message is
announced once: by one live region, or by the field focus moves to; in
English and in German.
"""

from __future__ import annotations

import typing as t

import pytest

from examples.todo.db import SEED

from .conftest import MODES
from .test_accessibility import notes_apps  # noqa: F401  (the fixture)
from .test_accessibility import notes_sign_in
from .test_todo import Todo
from .test_todo import todo  # noqa: F401  (the fixture)
from .test_todo import todo_apps  # noqa: F401  (the fixture)

if t.TYPE_CHECKING:
    from playwright.sync_api import Browser
    from playwright.sync_api import Page

# What a screen reader says of ``message``: the outermost live regions
# whose text holds it, and whether the focused element says it (its text or
# its description), apart from them. After a swap every live region (role
# alert or status, aria-live) counts; as a page loads, only alerts do (a
# polite region announces changes, not what it holds at first).
ANNOUNCED = """([message, loaded]) => {
  const LIVE = loaded ? "[role=alert]" :
    "[role=alert],[role=status],[aria-live]:not([aria-live=off])";
  const live = [...document.querySelectorAll(LIVE)].filter(element =>
    !(element.parentElement && element.parentElement.closest(LIVE)) &&
    element.textContent.includes(message));
  const focused = document.activeElement;
  const described = (focused.getAttribute("aria-describedby") || "").split(/\\s+/)
    .map(id => id && document.getElementById(id)).filter(Boolean)
    .map(element => element.textContent).join(" ");
  const says = focused !== document.body && !live.some(region => region.contains(focused)) &&
    (focused.textContent.includes(message) || described.includes(message));
  return {live: live.length, focused: says};
}"""
DUPLICATE = "Another item already says that."
HTMX_MODES = ["htmx4", "htmx2"]


def focused(page: Page) -> str:
    """The focused element, as a short description for the assertions."""
    return t.cast(str, page.evaluate("""() => {
      const element = document.activeElement;
      const row = element.parentElement && element.parentElement.closest("[id]");
      return element === document.body ? "body" :
        `${row ? "#" + row.id + " " : ""}${element.tagName.toLowerCase()}` +
        `${element.className ? "." + element.className.split(" ").join(".") : ""}`;
    }"""))


def announced_once(page: Page, message: str, focus_moved: bool = True,
                   loaded: bool = False) -> bool:
    """``message`` is said once: by one live region (and focus, if it moved
    there, is in it), or, with no live region, by the element focus moved
    to. ``loaded``: the page was loaded (JavaScript off), not swapped."""
    said = page.evaluate(ANNOUNCED, [message, loaded])
    return bool(said["live"] + (said["focused"] and focus_moved) == 1)


def settled(todo: Todo) -> None:  # noqa: F811
    todo.page.wait_for_function(
        "!document.querySelector('.htmx-request, .htmx-swapping, .htmx-settling')")


RENAMED = "document.querySelector('#todo-2 a').textContent === 'Write the changelog'"


@pytest.mark.parametrize("todo", HTMX_MODES, indirect=True)
@pytest.mark.parametrize(("control", "done", "after"), [
    ("#todo-3 .toggle", "document.querySelector('#todo-3.done')", "#todo-3 button.toggle"),
    ("#todo-2 .save", RENAMED, "#todo-2 button.save"),
    ("#todo-2 input[name=title]", RENAMED, "#todo-2 input"),
    ("#todo-1 .delete", "!document.querySelector('#todo-1')",
     "#todo-2 button.delete"),  # the next row's
])
def test_enter_on_a_rows_control_leaves_focus_on_the_rows_control(
        todo: Todo, control: str, done: str, after: str) -> None:  # noqa: F811
    todo.open()
    todo.page.fill("#todo-2 input[name=title]", "Write the changelog")
    todo.page.focus(control)
    todo.page.keyboard.press("Enter")
    todo.page.wait_for_function(done)
    settled(todo)
    todo.page.wait_for_function("document.activeElement !== document.body")
    assert focused(todo.page) == after
    if "delete" in control:  # the flash says what happened, once
        assert announced_once(todo.page, "Deleted.", focus_moved=False)
    todo.swapped_in_place()


@pytest.mark.parametrize("todo", HTMX_MODES, indirect=True)
@pytest.mark.parametrize(("page_size", "after"), [(2, "#todo-3 a"), (1, "#more button")])
def test_enter_on_load_more_leaves_focus_on_what_came_or_the_next_button(
        todo: Todo, page_size: int, after: str) -> None:  # noqa: F811
    """The last items: focus on the first that came; else on the next
    "Load more" (the items that came are before it)."""
    todo.app.config["TODO_PAGE_SIZE"] = page_size
    todo.open()
    todo.page.focus("#more button")
    todo.page.keyboard.press("Enter")
    todo.page.wait_for_selector(f"#todo-{page_size + 1}")
    settled(todo)
    todo.page.wait_for_function("document.activeElement !== document.body")
    assert focused(todo.page) == after
    todo.swapped_in_place()


def rename_to_a_taken_title(todo: Todo) -> None:  # noqa: F811
    todo.open()
    todo.page.fill("#todo-3 input[name=title]", SEED[0])
    todo.page.focus("#todo-3 .save")
    todo.page.keyboard.press("Enter")


@pytest.mark.parametrize("todo", HTMX_MODES, indirect=True)
def test_a_failed_rename_marks_the_rows_field_and_focuses_it(todo: Todo) -> None:  # noqa: F811
    rename_to_a_taken_title(todo)
    todo.page.wait_for_selector("#todo-3 [aria-invalid=true]")
    settled(todo)
    todo.page.wait_for_function("document.activeElement.name === 'title'")
    assert focused(todo.page) == "#todo-3 input"
    field = todo.page.locator("#todo-3 input[name=title]")
    described = field.get_attribute("aria-describedby")
    assert described and todo.page.text_content(f"#{described}") == DUPLICATE
    assert announced_once(todo.page, DUPLICATE)
    todo.swapped_in_place()


@pytest.mark.parametrize("todo", ["no-js"], indirect=True)
def test_without_javascript_a_failed_rename_focuses_the_summary_above_the_list(
        todo: Todo) -> None:  # noqa: F811
    rename_to_a_taken_title(todo)
    todo.page.wait_for_selector(".action-error-summary")
    assert focused(todo.page).endswith("div.action-error-summary")
    assert todo.page.evaluate("""document.querySelector('.action-error-summary')
      .compareDocumentPosition(document.querySelector('#todos'))
      === Node.DOCUMENT_POSITION_FOLLOWING""")
    assert todo.page.get_attribute("#todo-3 input[name=title]", "aria-invalid") == "true"
    assert announced_once(todo.page, DUPLICATE, loaded=True)
    # Its link leads to the row's field.
    todo.page.click(".action-error-summary a")
    assert focused(todo.page) == "#todo-3 input"


@pytest.mark.parametrize(("language", "required"), [
    ("en", "This field is required."), ("de", "Dieses Feld wird benötigt.")])
@pytest.mark.parametrize(("path", "form"), [("/", "#add"), ("/todos/1", "#rename")])
@pytest.mark.parametrize("todo", MODES, indirect=True)
def test_a_failed_submit_focuses_the_error_summary(
        todo: Todo, path: str, form: str, language: str, required: str) -> None:  # noqa: F811
    todo.page.set_extra_http_headers({"Accept-Language": language})
    todo.page.goto(todo.url + path)
    assert todo.page.get_attribute("html", "lang") == language
    todo.page.fill(f"{form} [name=title]", " ")
    todo.page.focus(f"{form} button")
    todo.page.keyboard.press("Enter")
    todo.page.wait_for_selector(f"{form} [aria-invalid=true]")
    todo.page.wait_for_function(
        "document.activeElement.classList.contains('action-error-summary')")
    assert announced_once(todo.page, required, loaded=not todo.javascript)


@pytest.mark.parametrize("todo", HTMX_MODES, indirect=True)
def test_the_live_validation_message_is_announced(todo: Todo) -> None:  # noqa: F811
    todo.open()
    todo.page.fill("#new-title", "x" * 81)
    todo.page.wait_for_function(
        "document.querySelector('#new-title-error').textContent.length > 0")
    message = todo.page.text_content("#new-title-error")
    assert message
    assert announced_once(todo.page, message, focus_moved=False)


@pytest.mark.parametrize("mode", HTMX_MODES)
def test_the_notes_add_form_is_busy_and_focuses_its_summary_after_a_422(
        mode: str, browser: Browser, notes_apps: dict[int, str]) -> None:  # noqa: F811
    url = notes_apps[2 if mode == "htmx2" else 4]
    context = browser.new_context()
    page = context.new_page()
    page.set_default_timeout(10_000)
    try:
        notes_sign_in(page, url)
        page.goto(url + "/notes")
        page.evaluate("""() => { window.busy = false;
          new MutationObserver(() => { window.busy ||= document.querySelector('#add')
            ?.getAttribute('aria-busy') === 'true'; })
            .observe(document, {subtree: true, attributes: true}); }""")
        page.fill("#add [name=title]", " ")
        page.focus("#add button:not([name])")
        page.keyboard.press("Enter")
        page.wait_for_selector("#add [aria-invalid=true]")
        page.wait_for_function(
            "document.activeElement.classList.contains('action-error-summary')")
        assert page.evaluate("window.busy")
        assert announced_once(page, "This field is required.")
    finally:
        context.close()

