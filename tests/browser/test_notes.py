"""The notes example (Flask-SQLAlchemy, Flask-Login, Flask-WTF) in Chromium,
with JavaScript off and on: the forms are plain posts either way."""

from __future__ import annotations

import threading
import typing as t
import uuid
from pathlib import Path

import pytest
from werkzeug.serving import make_server

from examples.notes.app import create_app

from ..databases import close_databases

if t.TYPE_CHECKING:
    from playwright.sync_api import Browser
    from playwright.sync_api import Page


@pytest.fixture(scope="module")
def notes_url(tmp_path_factory: pytest.TempPathFactory) -> t.Iterator[str]:
    database = Path(tmp_path_factory.mktemp("notes")) / "notes.sqlite"
    app = create_app({"SECRET_KEY": "browser notes", "SQLALCHEMY_DATABASE_URI":
                      f"sqlite:///{database}", "NOTES_DEMO_USER": ("ann@example.com", "pw")})
    http = make_server("127.0.0.1", 0, app, threaded=True)
    threading.Thread(target=http.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{http.server_port}"
    http.shutdown()
    close_databases(app)


@pytest.fixture(params=["no-js", "js"])
def page(request: pytest.FixtureRequest, browser: Browser) -> t.Iterator[Page]:
    context = browser.new_context(java_script_enabled=request.param == "js")
    page = context.new_page()
    page.set_default_timeout(10_000)
    yield page
    context.close()


def test_sign_in_write_rename_and_delete_a_note(page: Page, notes_url: str) -> None:
    page.goto(notes_url + "/")
    assert page.url.startswith(notes_url + "/sign-in")
    page.fill("#sign-in input[name=email]", "ann@example.com")
    page.fill("#sign-in input[name=password]", "pw")
    page.click("#sign-in button")
    assert page.text_content("#who") == "ann@example.com"
    title = f"Note {uuid.uuid4().hex[:6]}"  # the two runs share the database
    page.fill("#add input[name=title]", title)
    page.click("#add button")
    assert page.text_content(".flash") == f"Added “{title}”."
    page.fill("#add input[name=title]", f"{title} bis")
    page.click("#add button")
    page.get_by_role("link", name=f"{title} bis", exact=True).click()
    page.fill("#edit input[name=title]", title)  # taken: refused, nothing saved
    page.click("#edit button")
    assert page.text_content(".action-notice") == "You have another note with that title."
    assert page.text_content("#title-error") == "You have another note with that title."
    assert page.text_content("h1") == f"{title} bis"
    assert page.input_value("#edit input[name=title]") == title  # the input is kept
    page.goto(notes_url + "/notes")
    page.click(f"button:has-text('Delete {title} bis')")
    assert page.url == notes_url + "/notes"
    assert page.locator(f"button:has-text('Delete {title} bis')").count() == 0
    assert page.locator(f"button:has-text('Delete {title}')").count() == 1
    page.click("#sign-out button")
    assert page.url.startswith(notes_url + "/sign-in")


def test_an_attachment_survives_a_failed_save(page: Page, notes_url: str,
                                             tmp_path: Path) -> None:
    report = tmp_path / "report.txt"
    report.write_bytes(b"quarterly numbers")
    page.goto(notes_url + "/sign-in")
    page.fill("#sign-in input[name=email]", "ann@example.com")
    page.fill("#sign-in input[name=password]", "pw")
    page.click("#sign-in button")
    page.set_input_files("#add input[name=attachment]", str(report))
    page.click("#add button")  # no title: refused, the file is kept
    assert page.text_content("#add #title-error") == "This field is required."
    assert "report.txt" in (page.text_content("#add .action-kept-file") or "")
    title = f"Report {uuid.uuid4().hex[:6]}"
    page.fill("#add input[name=title]", title)  # the file is not chosen again
    page.click("#add button")
    assert page.text_content(".flash") == f"Added “{title}”."
    item = page.locator("#notes li", has_text=title)
    assert item.locator(".attachment").text_content() == "report.txt (17 bytes)"
