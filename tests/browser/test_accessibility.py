"""The accessibility proof: axe-core, run in Chromium on every example
page, in its initial state and after a failed submit, with JavaScript off,
htmx 4 and htmx 2, reports no violation; so it does in every other state a
user meets: after each flash, with a kept file, with the progress bar in
flight, with a live-validation error, on the German pages and on every
example's error pages (400, 403, 404, 413, 429).

axe-core comes from the npm registry (``bash scripts/fetch-axe``, which
``scripts/setup-env test`` runs) into ``.artifacts/axe/``; it missing fails
the tests. With JavaScript off a page runs no script, axe included: the
document the browser shows is copied, scripts removed, into a page that
runs axe.
"""

from __future__ import annotations

import re
import threading
import typing as t
import uuid
from dataclasses import dataclass
from pathlib import Path

import pytest
from flask import Flask
from werkzeug.serving import make_server

from examples.blog.app import create_app as create_blog
from examples.notes.app import create_app as create_notes
from examples.todo.app import create_app as create_todo
from examples.todo.db import SEED

from ..databases import close_databases
from ..html import Page as HtmlPage
from .conftest import HTMX
from .conftest import MODES
from .conftest import ROOT
from .conftest import Server
from .test_todo import Todo
from .test_todo import todo  # noqa: F401  (the fixture)
from .test_todo import todo_apps  # noqa: F401  (the fixture)

if t.TYPE_CHECKING:
    from playwright.sync_api import Browser
    from playwright.sync_api import Page
    from playwright.sync_api import Route

AXE = ROOT / ".artifacts" / "axe" / "axe.min.js"
SCRIPT = re.compile(r"<script\b.*?</script\s*>", re.DOTALL | re.IGNORECASE)
# Each violation: its rule, how bad, what to do, and the elements failing it.
RUN_AXE = """axe.run(document, {resultTypes: ["violations"]}).then(result =>
  result.violations.map(v => ({id: v.id, impact: v.impact, help: v.help,
                               targets: v.nodes.map(n => n.target.join(" "))})))"""
SETTLED = "!document.querySelector('.htmx-request, .htmx-swapping, .htmx-settling')"


@dataclass
class Example:
    """A page of an example app: where it is (``None``: where ``sign_in``
    leaves the browser), how to get there, and how to make its form fail (a
    value the server refuses), then what shows it."""

    app: str
    path: str | None
    sign_in: t.Callable[[Page, str], None] | None
    fail: t.Callable[[Page], None]
    failed: str
    #: The page's language (``Accept-Language``), if not the default.
    language: str | None = None


def blog_sign_in(page: Page, url: str) -> None:
    page.goto(url + "/")
    page.fill("#sign-in input[name=username]", "ada")
    page.click("#sign-in button")
    page.wait_for_selector("#user-name")


def notes_sign_in(page: Page, url: str) -> None:
    page.goto(url + "/sign-in")
    page.fill("#sign-in input[name=email]", "ann@example.com")
    page.fill("#sign-in input[name=password]", "pw")
    page.click("#sign-in button")
    page.wait_for_selector("#who")


def notes_note(page: Page, url: str) -> None:
    """Sign in and write a note: its page is where the test starts."""
    notes_sign_in(page, url)
    page.goto(url + "/notes")
    page.fill("#add [name=title]", f"Note {uuid.uuid4().hex[:6]}")  # the database is shared
    page.click("#add button:not([name])")
    page.locator("#notes li a").last.click()
    page.wait_for_selector("#edit")


def submit(form: str, values: dict[str, str]) -> t.Callable[[Page], None]:
    """Fill ``form``'s fields with ``values`` and click its button. A blank
    (a space) passes the browser's ``required`` check; the server refuses it."""
    def fail(page: Page) -> None:
        for name, value in values.items():
            page.fill(f"{form} [name={name}]", value)
        page.click(f"{form} button:not([name])")
    return fail


EXAMPLES = {
    "blog-users": Example("blog", "/", blog_sign_in,
                          submit("#create-user", {"name": " "}), "#create-user [aria-invalid=true]"),
    "blog-posts": Example("blog", "/posts", blog_sign_in,
                          submit("#create-post", {"title": " "}), "#create-post [aria-invalid=true]"),
    "blog-post": Example("blog", "/posts/1", blog_sign_in,
                         submit("#edit-post", {"title": " "}), "#edit-post [aria-invalid=true]"),
    "todo-list": Example("todo", "/", None, submit("#add", {"title": " "}),
                         "#add [aria-invalid=true]"),
    "todo-edit": Example("todo", "/todos/1", None, submit("#rename", {"title": " "}),
                         "#rename [aria-invalid=true]"),
    "notes-list": Example("notes", "/notes", notes_sign_in, submit("#add", {"title": " "}),
                          "#add [aria-invalid=true]"),
    "notes-note": Example("notes", None, notes_note, submit("#edit", {"title": " "}),
                          "#edit [aria-invalid=true]"),
    "notes-sign-in": Example("notes", "/sign-in", None,
                             submit("#sign-in", {"email": " ", "password": "pw"}),
                             "#sign-in [aria-invalid=true]"),
    # The to-do example in German: its texts, WTForms' and the library's.
    "todo-list-de": Example("todo", "/", None, submit("#add", {"title": " "}),
                            "#add [aria-invalid=true]", language="de"),
    "todo-edit-de": Example("todo", "/todos/1", None, submit("#rename", {"title": " "}),
                            "#rename [aria-invalid=true]", language="de"),
    # A row's failed rename: its field marked, the summary (JavaScript off) first.
    "todo-row": Example("todo", "/", None, submit("#todo-2 form", {"title": SEED[0]}),
                        "#todo-2 [aria-invalid=true]"),
}


@pytest.fixture(scope="module")
def axe() -> Path:
    if not AXE.is_file():
        pytest.fail(f"{AXE} is missing: run `bash scripts/fetch-axe`.", pytrace=False)
    return AXE


@pytest.fixture(scope="module")
def notes_apps(tmp_path_factory: pytest.TempPathFactory) -> t.Iterator[dict[int, str]]:
    """The notes app, once per htmx major version (its Add form is boosted)."""
    started: dict[int, str] = {}
    apps: list[Flask] = []
    stops = []
    for version in (4, 2):
        database = tmp_path_factory.mktemp("notes") / "notes.sqlite"
        app = create_notes({
            "SECRET_KEY": f"axe notes {version}",
            "SQLALCHEMY_DATABASE_URI": f"sqlite:///{database}",
            "NOTES_DEMO_USER": ("ann@example.com", "pw"),
            "SERVER_ACTIONS_HTMX_SRC": HTMX / f"htmx{version}.js",
            "SERVER_ACTIONS_HTMX_VERSION": version,
        })
        http = make_server("127.0.0.1", 0, app, threaded=True)
        threading.Thread(target=http.serve_forever, daemon=True).start()
        stops.append(http.shutdown)
        apps.append(app)
        started[version] = f"http://127.0.0.1:{http.server_port}"
    yield started
    for stop in stops:
        stop()
    for app in apps:
        close_databases(app)


@pytest.fixture(scope="module")
def auditor(browser: Browser, axe: Path) -> t.Iterator[Page]:
    """A page with JavaScript on, where a JavaScript-off page's document is
    copied for axe to look at."""
    context = browser.new_context()
    yield context.new_page()
    context.close()


def violations(page: Page, mode: str, auditor: Page, axe: Path,
               settle: bool = True) -> list[dict[str, t.Any]]:
    if mode == "no-js":
        auditor.set_content(SCRIPT.sub("", page.content()))
        page = auditor
    elif settle:  # not while a request is held in flight on purpose
        page.wait_for_function(SETTLED)
    page.add_script_tag(path=str(axe))
    found: list[dict[str, t.Any]] = page.evaluate(RUN_AXE)
    return found


def report(found: list[dict[str, t.Any]]) -> str:
    return "\n".join(f"{v['id']} ({v['impact']}): {v['help']}\n    " + "\n    ".join(v["targets"])
                     for v in found)


def _example_url(app: str, mode: str, servers: dict[int, Server],
                 todo_apps: dict[int, tuple[Flask, str]],  # noqa: F811
                 notes_apps: dict[int, str]) -> str:
    """The URL of the example ``app`` served with the htmx of ``mode``."""
    version = 2 if mode == "htmx2" else 4
    return {"blog": lambda: servers[version].url, "todo": lambda: todo_apps[version][1],
            "notes": lambda: notes_apps[version]}[app]()


@pytest.mark.parametrize("state", ["initial", "failed"])
@pytest.mark.parametrize("name", list(EXAMPLES))
@pytest.mark.parametrize("mode", MODES)
def test_axe_finds_no_violation(name: str, state: str, mode: str, browser: Browser,
                                servers: dict[int, Server],
                                todo_apps: dict[int, tuple[Flask, str]],  # noqa: F811
                                notes_apps: dict[int, str], auditor: Page, axe: Path) -> None:
    example = EXAMPLES[name]
    url = _example_url(example.app, mode, servers, todo_apps, notes_apps)
    context = browser.new_context(
        java_script_enabled=mode != "no-js",
        extra_http_headers={"Accept-Language": example.language} if example.language else None)
    page = context.new_page()
    page.set_default_timeout(10_000)
    try:
        if example.sign_in:
            example.sign_in(page, url)
        if example.path is not None:
            page.goto(url + example.path)
        if state == "failed":
            example.fail(page)
            page.wait_for_selector(example.failed)
        if example.language:
            assert page.get_attribute("html", "lang") == example.language
        found = violations(page, mode, auditor, axe)
    finally:
        context.close()
    assert not found, f"axe on {name} ({state}, {mode}):\n{report(found)}"


def hold_the_post(todo: Todo) -> list[Route]:  # noqa: F811
    """Hold the Add form's post (not its live validation) until released."""
    held: list[Route] = []
    todo.page.route("**/*", lambda route: held.append(route) if (
        route.request.method == "POST" and "precognition" not in route.request.headers)
        else route.continue_())
    return held


@pytest.mark.parametrize("todo", ["htmx4", "htmx2"], indirect=True)
def test_a_form_in_flight_is_busy_and_its_button_says_so(todo: Todo) -> None:  # noqa: F811
    todo.open()
    held = hold_the_post(todo)
    todo.page.fill("#new-title", "Water the plants")
    todo.page.click("#add button")
    todo.page.wait_for_function("document.querySelector('#add').ariaBusy === 'true'")
    assert todo.page.text_content("#add button") == "Adding…"
    assert len(held) == 1
    held[0].continue_()
    todo.page.wait_for_function("document.querySelector('#add').ariaBusy === null")
    assert todo.page.text_content("#add button") == "Add"
    assert "Water the plants" in todo.titles()
    todo.swapped_in_place()


@pytest.mark.parametrize("todo", ["htmx4", "htmx2"], indirect=True)
def test_a_failed_request_gives_the_button_its_label_back(todo: Todo) -> None:  # noqa: F811
    """No answer swaps the form in: the same button gets its label back."""
    todo.open()
    held = hold_the_post(todo)
    todo.page.evaluate("window.addButton = document.querySelector('#add button')")
    todo.page.click("#add button")
    todo.page.wait_for_function("document.querySelector('#add').ariaBusy === 'true'")
    assert todo.page.evaluate("window.addButton.textContent") == "Adding…"
    held[0].abort()
    todo.page.wait_for_function("document.querySelector('#add').ariaBusy === null")
    assert todo.page.evaluate("document.querySelector('#add button') === window.addButton")
    assert todo.page.evaluate("window.addButton.textContent") == "Add"


# Every other state a user meets: what leads there from a blank context,
# with JavaScript off, htmx 4 and htmx 2 unless the state needs a script.
def blog_flash(form: str, values: dict[str, str], path: str = "/",
               then: t.Callable[[Page], None] | None = None) -> t.Callable[[Page, str], None]:
    """Sign in (a flash), then, on ``path``, submit ``form``: the page as
    the answer leaves it, with its flash (no reload)."""
    def reach(page: Page, url: str) -> None:
        blog_sign_in(page, url)
        if form:
            page.goto(url + path)
            # "*": a new name each time (the database is shared by the modes)
            submit(form, {name: value.replace("*", uuid.uuid4().hex[:6])
                          for name, value in values.items()})(page)
            page.wait_for_selector(".flash")
        if then:
            then(page)
    return reach


def delete_the_last_post(page: Page) -> None:
    page.wait_for_selector("#post-rows tr")
    page.locator("#post-rows tr button").last.click()
    page.wait_for_function("document.querySelector('.flash')?.textContent.startsWith('Deleted')")


def sign_out(page: Page) -> None:
    page.click("#sign-out button")
    page.wait_for_function("document.querySelector('.flash')?.textContent === 'Signed out.'")


def todo_added(page: Page, url: str) -> None:
    page.goto(url + "/")
    submit("#add", {"title": f"Item {uuid.uuid4().hex[:6]}"})(page)
    page.wait_for_function("document.querySelector('.flash')?.textContent.startsWith('Added')")


def todo_deleted(page: Page, url: str) -> None:
    todo_added(page, url)  # the list is shared: delete what was added
    page.locator("#todos li[id^=todo-] .delete").last.click()
    page.wait_for_function("document.querySelector('.flash')?.textContent === 'Deleted.'")


def todo_live_error(page: Page, url: str) -> None:
    page.goto(url + "/")
    page.fill("#new-title", "x" * 81)
    page.wait_for_function("document.querySelector('#new-title-error').textContent !== ''")


def notes_kept_file(page: Page, url: str) -> None:
    notes_sign_in(page, url)
    page.goto(url + "/notes")
    page.fill("#add [name=title]", " ")
    page.set_input_files("#add [name=attachment]", files=[
        {"name": "folien.pdf", "mimeType": "application/pdf", "buffer": b"%PDF-1.4 slides"}])
    page.click("#add button:not([name])")
    page.wait_for_selector(".action-kept-file")


def notes_in_flight(page: Page, url: str) -> None:
    """The Add form's post held: its progress bar shown, the form busy."""
    notes_sign_in(page, url)
    page.goto(url + "/notes")
    page.route("**/notes", lambda route: None if route.request.method == "POST"
               else route.continue_())  # never answered: in flight until the context closes
    page.fill("#add [name=title]", f"Note {uuid.uuid4().hex[:6]}")
    page.set_input_files("#add [name=attachment]", files=[
        {"name": "big.bin", "mimeType": "application/octet-stream", "buffer": b"x" * 65536}])
    page.click("#add button:not([name])")
    page.wait_for_selector("#add progress[data-server-action-progress]:not([hidden])")
    page.wait_for_selector("#add[aria-busy=true]")


@dataclass
class State:
    app: str
    reach: t.Callable[[Page, str], None]
    modes: tuple[str, ...] = tuple(MODES)
    settle: bool = True


STATES = {
    "blog-signed-in": State("blog", blog_flash("", {})),
    "blog-user-created": State("blog", blog_flash("#create-user",
                                                  {"name": "u*"})),
    "blog-post-deleted": State("blog", blog_flash(
        "#create-post", {"title": "To delete"}, "/posts", delete_the_last_post)),
    "blog-signed-out": State("blog", blog_flash("", {}, then=sign_out)),
    "todo-added": State("todo", todo_added),
    "todo-deleted": State("todo", todo_deleted),
    "todo-live-error": State("todo", todo_live_error, ("htmx4", "htmx2")),
    "notes-kept-file": State("notes", notes_kept_file),
    "notes-in-flight": State("notes", notes_in_flight, ("htmx4", "htmx2"), settle=False),
}


@pytest.mark.parametrize(("name", "mode"), [(name, mode) for name, state in STATES.items()
                                            for mode in state.modes])
def test_axe_finds_no_violation_in_any_state(
        name: str, mode: str, browser: Browser, servers: dict[int, Server],
        todo_apps: dict[int, tuple[Flask, str]],  # noqa: F811
        notes_apps: dict[int, str], auditor: Page, axe: Path) -> None:
    state = STATES[name]
    url = _example_url(state.app, mode, servers, todo_apps, notes_apps)
    context = browser.new_context(java_script_enabled=mode != "no-js")
    page = context.new_page()
    page.set_default_timeout(10_000)
    try:
        state.reach(page, url)
        found = violations(page, mode, auditor, axe, settle=state.settle)
    finally:
        context.close()
    assert not found, f"axe on {name} ({mode}):\n{report(found)}"


# The error pages, as a browser gets them with JavaScript off (under htmx an
# action's refusal is a message in the notice region, checked above).
def refused(status: int, app: Flask, page: str, form: str,
            language: str | None = None) -> str:
    """The page ``app`` answers a post of ``form`` on ``page`` with, made
    to fail with ``status``."""
    client = app.test_client()
    headers = {"Accept-Language": language} if language else {}
    shown = HtmlPage(client, page, client.get(page, headers=headers))
    saved = dict(app.config)
    try:
        if status == 403:  # another site's form
            response = shown.form(form).submit(headers={**headers, "Origin": "https://evil.test"})
        elif status == 413:
            app.config["SERVER_ACTIONS_MAX_FORM_FIELDS"] = 1
            response = shown.form(form).submit(headers=headers)
        elif status == 429:  # forged tokens, over the throttle
            app.config["SERVER_ACTIONS_THROTTLE"] = "1/60"
            for _ in range(3):
                response = shown.form(form).submit(headers=headers, __action="A" * 60)
        elif status == 400:
            response = shown.form(form).submit(headers=headers, __action="A" * 60)
        else:
            response = client.get("/no-such-page", headers=headers)
    finally:
        app.config.clear()
        app.config.update(saved)
    assert response.status_code == status
    return response.get_data(as_text=True)


@pytest.fixture(scope="module")
def error_apps(tmp_path_factory: pytest.TempPathFactory) -> t.Iterator[dict[str, Flask]]:
    folder = tmp_path_factory.mktemp("errors")
    apps = {
        "blog": create_blog({"SECRET_KEY": "errors", "DATABASE": str(folder / "blog.sqlite")}),
        "todo": create_todo({"SECRET_KEY": "errors", "DATABASE": str(folder / "todo.sqlite")}),
        "notes": create_notes({"SECRET_KEY": "errors",
                               "SQLALCHEMY_DATABASE_URI": f"sqlite:///{folder}/notes.sqlite"}),
    }
    yield apps
    close_databases(apps["notes"])


ERROR_PAGES = {"blog": ("/", "#sign-in"), "todo": ("/", "#add"),
               "notes": ("/sign-in", "#sign-in")}


@pytest.mark.parametrize("status", [400, 403, 404, 413, 429])
@pytest.mark.parametrize(("name", "language"), [("blog", None), ("todo", None),
                                                ("todo", "de"), ("notes", None)])
def test_axe_finds_no_violation_on_the_error_pages(
        name: str, language: str | None, status: int, error_apps: dict[str, Flask],
        auditor: Page, axe: Path) -> None:
    html = refused(status, error_apps[name], *ERROR_PAGES[name], language=language)
    assert "<main" in html
    if language:
        assert f'<html lang="{language}">' in html
    found = _axe_on(html, auditor, axe)
    assert not found, f"axe on the {status} page of {name} ({language}):\n{report(found)}"


def _axe_on(html: str, auditor: Page, axe: Path) -> list[dict[str, t.Any]]:
    auditor.set_content(SCRIPT.sub("", html))
    auditor.add_script_tag(path=str(axe))
    found: list[dict[str, t.Any]] = auditor.evaluate(RUN_AXE)
    return found
