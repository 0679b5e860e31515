"""Upload progress in Chromium: the notes example's Add form, boosted by htmx
4 and htmx 2, shows how much of a large attachment has been sent over a
slow connection; with JavaScript off the same form is a plain post."""

from __future__ import annotations

import itertools
import threading
import typing as t
import uuid
from pathlib import Path

import pytest
from flask import Flask
from werkzeug.serving import make_server

from examples.notes.app import create_app

from ..databases import close_databases
from .conftest import HTMX

if t.TYPE_CHECKING:
    from playwright.sync_api import Browser
    from playwright.sync_api import Page

SIZE = 3 * 1024 * 1024
#: Bytes a second the browser may send: the upload takes about two seconds.
UPLOAD_SPEED = 1536 * 1024

# Every value the page's <progress> elements take, as [value, max], in order:
# an attribute change is recorded even when it lasts less than a frame.
RECORD_PROGRESS = """() => {
    window.progressSeen = [];
    new MutationObserver(records => {
        for (const record of records) {
            if (record.target.matches("progress[data-server-action-progress]")
                    && record.target.hasAttribute("value")) {
                window.progressSeen.push([record.target.value, record.target.max]);
            }
        }
    }).observe(document.documentElement,
               {subtree: true, attributes: true, attributeFilter: ["value"]});
}"""


@pytest.fixture(scope="module")
def notes_urls(tmp_path_factory: pytest.TempPathFactory,
               ) -> t.Iterator[dict[str, tuple[str, Flask]]]:
    """The notes example served three ways: without htmx, with htmx 4, 2."""
    urls, stops = {}, []
    for mode, version in [("no-js", None), ("htmx4", 4), ("htmx2", 2)]:
        database = Path(tmp_path_factory.mktemp("notes")) / "notes.sqlite"
        config: dict[str, t.Any] = {
            "SECRET_KEY": f"progress {mode}", "SQLALCHEMY_DATABASE_URI": f"sqlite:///{database}",
            "NOTES_DEMO_USER": ("ann@example.com", "pw")}
        if version:
            htmx_file = HTMX / f"htmx{version}.js"
            if not htmx_file.is_file():
                pytest.fail(f"{htmx_file} is missing: run `bash scripts/fetch-htmx`.",
                            pytrace=False)
            config |= {"SERVER_ACTIONS_HTMX_SRC": htmx_file,
                       "SERVER_ACTIONS_HTMX_VERSION": version}
        app = create_app(config)
        http = make_server("127.0.0.1", 0, app, threaded=True)
        threading.Thread(target=http.serve_forever, daemon=True).start()
        urls[mode] = (f"http://127.0.0.1:{http.server_port}", app)
        stops.append((http, app))
    yield urls
    for http, app in stops:
        http.shutdown()
        close_databases(app)


class Notes:
    """The notes page of one mode, signed in, in a fresh browser context."""

    def __init__(self, page: Page, url: str, mode: str, app: Flask) -> None:
        self.page, self.url, self.mode, self.app = page, url, mode, app
        page.goto(url + "/sign-in")
        page.fill("#sign-in input[name=email]", "ann@example.com")
        page.fill("#sign-in input[name=password]", "pw")
        page.click("#sign-in button")
        assert page.text_content("#who") == "ann@example.com"
        if mode != "no-js":
            assert page.evaluate("htmx.version")[0] == mode[-1]
            page.evaluate("window.sameDocument = true")  # gone if the page is loaded again
            page.evaluate(RECORD_PROGRESS)

    def throttle(self, upload: int) -> None:
        """Let the browser send ``upload`` bytes a second (DevTools)."""
        cdp = self.page.context.new_cdp_session(self.page)
        cdp.send("Network.enable")
        cdp.send("Network.emulateNetworkConditions", {
            "offline": False, "latency": 0, "downloadThroughput": -1,
            "uploadThroughput": upload})

    def choose(self, path: Path, title: str) -> None:
        self.page.fill("#add input[name=title]", title)
        self.page.set_input_files("#add input[name=attachment]", str(path))

    def bar(self) -> t.Any:
        return self.page.locator("#add progress[data-server-action-progress]")

    def seen(self) -> list[list[float]]:
        return t.cast("list[list[float]]", self.page.evaluate("window.progressSeen"))

    def samples_until_answered(self, title: str) -> list[float]:
        """The bar's value (a fraction of its max) every 50 ms while it is
        shown, until the note is on the page."""
        samples = []
        note = self.page.locator("#notes li", has_text=title)
        for _ in range(400):  # 20 s at most
            if note.count():
                return samples
            shown = self.page.evaluate("""() => {
                const bar = document.querySelector("#add progress[data-server-action-progress]");
                return bar && !bar.hidden && bar.hasAttribute("value") ? bar.value / bar.max : null;
            }""")
            if shown is not None:
                samples.append(shown)
            self.page.wait_for_timeout(50)
        raise AssertionError(f"{title!r} never appeared; samples: {samples}")


@pytest.fixture(params=["no-js", "htmx4", "htmx2"])
def notes(request: pytest.FixtureRequest, browser: Browser,
          notes_urls: dict[str, tuple[str, Flask]]) -> t.Iterator[Notes]:
    mode = request.param
    context = browser.new_context(java_script_enabled=mode != "no-js")
    page = context.new_page()
    page.set_default_timeout(20_000)
    try:
        url, app = notes_urls[mode]
        yield Notes(page, url, mode, app)
    finally:
        context.close()


@pytest.fixture()
def big_file(tmp_path: Path) -> Path:
    path = tmp_path / "scan.bin"
    path.write_bytes(bytes(range(256)) * (SIZE // 256))
    return path


def test_a_large_upload_shows_rising_progress_then_the_note(notes: Notes,
                                                           big_file: Path) -> None:
    title = f"Scan {uuid.uuid4().hex[:6]}"
    if notes.mode == "no-js":
        assert notes.bar().count() == 1 and notes.bar().is_hidden()  # nothing to show
    notes.throttle(UPLOAD_SPEED)
    notes.choose(big_file, title)
    with notes.page.expect_response(lambda answer: answer.request.method == "POST") as posted:
        notes.page.click("#add button")
        samples = notes.samples_until_answered(title) if notes.mode != "no-js" else []
    item = notes.page.locator("#notes li", has_text=title)
    assert item.locator(".attachment").text_content() == f"scan.bin ({SIZE} bytes)"
    assert notes.page.text_content(".flash") == f"Added “{title}”."
    if notes.mode == "no-js":
        assert posted.value.status == 303  # the browser's own post, redirected
        return
    # htmx sent it (its headers reached the server) and swapped the answer in.
    assert posted.value.headers["hx-location"].endswith("/notes")
    assert notes.page.evaluate("window.sameDocument === true")
    # Sampled while it went: several values in between, never going back.
    between = [value for value in samples if 0 < value < 1]
    assert len(set(between)) >= 3, samples
    assert between == sorted(between), samples
    # Every value the bar took rose, from 0 to its max.
    seen = notes.seen()
    fractions = [value / top for value, top in seen]
    assert fractions[0] == 0 and fractions[-1] == 1, seen
    assert all(a < b for a, b in itertools.pairwise(fractions)), seen
    assert len(fractions) >= 5, seen
    assert notes.bar().is_hidden()  # the fresh form's bar waits for the next upload


def test_a_failed_upload_answers_422_with_the_file_kept(notes: Notes, big_file: Path) -> None:
    notes.choose(big_file, "")  # no title: refused, the file is kept
    with notes.page.expect_response(lambda answer: answer.request.method == "POST") as posted:
        notes.page.click("#add button")
    notes.page.wait_for_selector("#add #title-error:not(:empty)")
    assert posted.value.status == 422
    assert notes.page.url == notes.url + "/notes"
    assert "scan.bin" in (notes.page.text_content("#add .action-kept-file") or "")
    if notes.mode != "no-js":
        assert notes.page.evaluate("window.sameDocument === true")
        assert notes.seen()[-1][0] == notes.seen()[-1][1]  # all of it was sent
    title = f"Kept {uuid.uuid4().hex[:6]}"
    notes.page.fill("#add input[name=title]", title)
    notes.page.click("#add button")
    item = notes.page.locator("#notes li", has_text=title)
    assert item.locator(".attachment").text_content() == f"scan.bin ({SIZE} bytes)"


@pytest.mark.parametrize("notes", ["htmx4", "htmx2"], indirect=True)  # a script aborts
def test_an_aborted_upload_sends_nothing_and_the_form_works_again(
        notes: Notes, big_file: Path) -> None:
    notes.throttle(UPLOAD_SPEED // 4)
    title = f"Aborted {uuid.uuid4().hex[:6]}"
    notes.choose(big_file, title)
    notes.page.click("#add button")
    notes.page.wait_for_function("""() => {
        const bar = document.querySelector("#add progress[data-server-action-progress]");
        return !bar.hidden && bar.value > 0;
    }""")
    notes.page.evaluate("htmx.trigger(document.querySelector('#add'), 'htmx:abort')")
    notes.page.wait_for_function("""() => document.querySelector(
        "#add progress[data-server-action-progress]").hidden""")
    assert notes.page.locator("#notes li", has_text=title).count() == 0
    notes.throttle(-1)
    notes.page.click("#add button")  # the same form, sent again in full
    item = notes.page.locator("#notes li", has_text=title)
    assert item.locator(".attachment").text_content() == f"scan.bin ({SIZE} bytes)"
    assert notes.page.locator("#notes li", has_text=title).count() == 1
    assert notes.page.evaluate("window.sameDocument === true")


@pytest.fixture()
def over_the_limit(notes: Notes, tmp_path: Path) -> t.Iterator[Path]:
    """A file over the app's ``MAX_CONTENT_LENGTH``, made small for the test."""
    notes.app.config["MAX_CONTENT_LENGTH"] = 64 * 1024
    path = tmp_path / "deck.pdf"
    path.write_bytes(bytes(range(256)) * 1024)  # 256 KiB
    try:
        yield path
    finally:
        notes.app.config["MAX_CONTENT_LENGTH"] = None


def test_a_file_over_the_size_limit_says_so_and_the_form_is_kept(
        notes: Notes, over_the_limit: Path) -> None:
    title = f"Deck {uuid.uuid4().hex[:6]}"
    notes.choose(over_the_limit, title)
    with notes.page.expect_response(lambda answer: answer.request.method == "POST") as posted:
        notes.page.click("#add button")
    assert posted.value.status == 413
    if notes.mode == "no-js":  # the app's error page, with the message
        assert "too large" in (notes.page.text_content("body") or "")
        return
    message = notes.page.locator("#action-notice .action-notice")
    message.wait_for()
    assert "too large" in (message.text_content() or "")
    # The bar stays in view, marked as failed; the form keeps what was typed.
    notes.page.wait_for_selector("#add progress[data-server-action-progress][data-failed]")
    assert notes.bar().is_visible()
    assert notes.page.input_value("#add input[name=title]") == title
    assert notes.page.evaluate("window.sameDocument === true")
    assert notes.page.locator("#notes li", has_text=title).count() == 0
    # A smaller file then goes up, and the bar starts again from 0.
    notes.app.config["MAX_CONTENT_LENGTH"] = None
    notes.page.evaluate("window.progressSeen = []")
    notes.page.click("#add button")
    notes.page.locator("#notes li", has_text=title).wait_for()
    assert notes.seen()[0][0] == 0
    assert notes.bar().is_hidden()
