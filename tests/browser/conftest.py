"""Browser fixtures: one Chromium for the package, a fresh context per test,
the demo blog served by a real HTTP server on a free loopback port.

Every scenario runs three ways: JavaScript disabled (plain form posts), and
enabled with htmx 4 and with htmx 2. Chromium and htmx missing make the
tests fail, never skip: scripts/setup-env installs both.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import sqlite3
import threading
import typing as t
import uuid
from dataclasses import dataclass
from pathlib import Path

import pytest
from flask import Flask
from werkzeug.serving import make_server

from examples.blog.app import create_app

if t.TYPE_CHECKING:
    from playwright.sync_api import Browser
    from playwright.sync_api import Page

ROOT = Path(__file__).parents[2]
HTMX = ROOT / ".artifacts" / "htmx"
SCREENSHOTS = ROOT / ".artifacts" / "screenshots"
CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
                 "--no-first-run", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync"]
MODES = ["no-js", "htmx4", "htmx2"]


@dataclass
class Server:
    """The blog, served on a loopback port."""

    app: Flask
    url: str

    def rows(self, sql: str, *params: object) -> list[tuple[t.Any, ...]]:
        """Read the SQLite file directly, not through the app."""
        # `with db:` only commits; closing() closes (Python 3.13 warns otherwise).
        with contextlib.closing(sqlite3.connect(self.app.config["DATABASE"])) as db:
            return db.execute(sql, params).fetchall()


@dataclass
class Site:
    """What a scenario drives: the browser page and the server behind it."""

    page: Page
    server: Server
    mode: str

    @property
    def javascript(self) -> bool:
        return self.mode != "no-js"

    def goto(self, path: str) -> None:
        self.page.goto(self.server.url + path)
        if self.javascript:
            assert self.page.evaluate("htmx.version")[0] == self.mode[-1]
            # Survives htmx swaps, not page loads: proves the page was not reloaded.
            self.page.evaluate("window.sameDocument = true")

    def sign_in(self, name: str) -> None:
        self.goto("/")
        self.submit("#sign-in input[name=username]", name, "#sign-in button")
        assert self.page.text_content("#user-name") == name

    def submit(self, field: str, value: str, button: str) -> None:
        """Type ``value`` into the input ``field`` and click ``button``."""
        self.page.fill(field, value)
        self.page.click(button)

    def check_swapped_in_place(self) -> None:
        """With htmx, the answer was swapped into the page, not loaded."""
        if self.javascript:
            assert self.page.evaluate("window.sameDocument === true")

    def screenshot(self, label: str) -> None:
        """Save what the page shows now, for a person to look at."""
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        self.page.screenshot(path=str(SCREENSHOTS / f"{label}-{self.mode}.png"), full_page=True)


# Package scope: Playwright's sync API keeps an event loop running in the main
# thread, which would break async actions (asgiref) in the tests after these.
@pytest.fixture(scope="package")
def browser() -> t.Iterator[Browser]:
    if not shutil.which(CHROMIUM):
        pytest.fail(f"Chromium is not installed at {CHROMIUM}: run `bash scripts/setup-env test`"
                    " (it installs Debian's chromium package).", pytrace=False)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture(scope="package")
def servers(tmp_path_factory: pytest.TempPathFactory) -> t.Iterator[dict[int, Server]]:
    """One blog per htmx major version, started on first use."""
    stops: list[t.Callable[[], None]] = []

    class Started(dict[int, Server]):
        def __missing__(self, version: int) -> Server:
            htmx_file = HTMX / f"htmx{version}.js"
            if not htmx_file.is_file():
                pytest.fail(f"{htmx_file} is missing: run `bash scripts/fetch-htmx`.",
                            pytrace=False)
            app = create_app({
                "SECRET_KEY": f"browser tests {version}",
                "DATABASE": str(tmp_path_factory.mktemp("blog") / "first.sqlite3"),
                "SERVER_ACTIONS_HTMX_SRC": htmx_file,
                "SERVER_ACTIONS_HTMX_VERSION": version,
            })
            http = make_server("127.0.0.1", 0, app, threaded=True)
            threading.Thread(target=http.serve_forever, daemon=True).start()
            stops.append(http.shutdown)
            self[version] = Server(app, f"http://127.0.0.1:{http.server_port}")
            return self[version]

    yield Started()
    for stop in stops:
        stop()


@pytest.fixture(params=MODES)
def site(request: pytest.FixtureRequest, browser: Browser, servers: dict[int, Server],
         tmp_path: Path) -> t.Iterator[Site]:
    """The blog on a new database, in a fresh browser context: JavaScript
    off, htmx 4, htmx 2. A screenshot of the last page is kept."""
    mode = request.param
    server = servers[2 if mode == "htmx2" else 4]
    config = dict(server.app.config)
    # A new file is created and seeded on first use.
    server.app.config["DATABASE"] = str(tmp_path / f"{uuid.uuid4().hex}.sqlite3")
    context = browser.new_context(java_script_enabled=mode != "no-js")
    page = context.new_page()
    page.set_default_timeout(10_000)
    try:
        yield Site(page, server, mode)
    finally:
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        name = request.node.name.replace("[", "-").rstrip("]")
        page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=True)
        context.close()
        server.app.config.update(config)
