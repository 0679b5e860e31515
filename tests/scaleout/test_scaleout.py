"""Several workers, several instances, key rotation and redeploys: the demo
blog (examples/blog) served by real gunicorn servers (sync workers) on
loopback, all instances sharing one SQLite file."""

from __future__ import annotations

import contextlib
import http.client
import re
import shutil
import sqlite3
import typing as t
import urllib.parse
from dataclasses import dataclass
from pathlib import Path

import pytest

from benchmarks.servers import ROOT
from benchmarks.servers import Gunicorn
from benchmarks.servers import lua_string
from benchmarks.servers import run_wrk

SECRET = "scale-out-secret"  # BLOG_SECRET_KEY_FALLBACKS is space-separated
VIEWS = Path("examples/blog/views.py")
#: A redeploy that changed what the inline action does, not its name.
CHANGED = ("db.update_post(post_id, title,", 'db.update_post(post_id, title + " (v2)",')
#: A redeploy that renamed the inline action.
RENAMED = ("def update_post(", "def edit_post("), ("update_post=update_post",
                                                  "update_post=edit_post")


@dataclass
class Deployment:
    """A copy of the blog's code (so a test can "redeploy" it changed) and
    the database every instance of a test shares."""

    code: Path
    database: Path

    def change(self, old: str, new: str) -> None:
        views = self.code / VIEWS
        source = views.read_text()
        assert old in source
        views.write_text(source.replace(old, new))

    def start(self, secret: str = SECRET, fallbacks: str = "", workers: int = 1) -> Gunicorn:
        env = {"BLOG_SECRET_KEY": secret, "BLOG_SECRET_KEY_FALLBACKS": fallbacks,
               "BLOG_DATABASE": str(self.database)}
        # gunicorn puts its working directory first on sys.path: the copy wins.
        return Gunicorn("examples.blog.app:create_app()", workers, env=env, cwd=self.code,
                        pythonpath=[self.code])

    def query(self, sql: str) -> list[str]:
        with contextlib.closing(sqlite3.connect(self.database)) as db:
            return [row[0] for row in db.execute(sql)]


@pytest.fixture
def deployment(tmp_path: Path) -> Deployment:
    code = tmp_path / "code"
    shutil.copytree(ROOT / "examples", code / "examples",
                    ignore=shutil.ignore_patterns("__pycache__", "instance"))
    return Deployment(code, tmp_path / "blog.sqlite3")


def request(server: Gunicorn, method: str, path: str, fields: dict[str, str] | None = None,
            headers: dict[str, str] | None = None) -> tuple[int, str, str]:
    """Status, body and the cookie set (``name=value``), if any."""
    body = urllib.parse.urlencode(fields or {})
    sent = {"Content-Type": "application/x-www-form-urlencoded", **(headers or {})}
    connection = http.client.HTTPConnection("127.0.0.1", server.port, timeout=30)
    try:
        connection.request(method, path, body=body if fields else None, headers=sent)
        response = connection.getresponse()
        cookie = (response.getheader("Set-Cookie") or "").split(";", 1)[0]
        return response.status, response.read().decode(), cookie
    finally:
        connection.close()


@dataclass
class Browser:
    """One browser on the site ``site`` (host:port), behind a load balancer
    that may send each request to any instance and keeps the Host header."""

    site: str
    cookie: str = ""

    def headers(self) -> dict[str, str]:
        return {"Host": self.site, "Origin": f"http://{self.site}", "Cookie": self.cookie}

    def get(self, server: Gunicorn, path: str) -> str:
        status, html, cookie = request(server, "GET", path, headers=self.headers())
        assert status == 200, html
        self.cookie = cookie or self.cookie
        return html

    def post(self, server: Gunicorn, path: str, fields: dict[str, str]) -> tuple[int, str]:
        status, html, cookie = request(server, "POST", path, fields, self.headers())
        self.cookie = cookie or self.cookie
        return status, html


def token(html: str, form_id: str) -> str:
    form = re.search(rf'<form[^>]*\bid="{form_id}".*?</form>', html, re.S)
    assert form, f"no form #{form_id}"
    found = re.search(r'name="__action" value="([^"]+)"', form.group(0))
    assert found
    return found.group(1)


def signed_in(server: Gunicorn) -> Browser:
    """A browser signed in as ada (who wrote post 1) on ``server``'s site."""
    browser = Browser(f"127.0.0.1:{server.port}")
    html = browser.get(server, "/")
    status, _ = browser.post(server, "/", {"__action": token(html, "sign-in"),
                                           "username": "ada"})
    assert status == 303
    return browser


def edit_form(browser: Browser, server: Gunicorn) -> str:
    return token(browser.get(server, "/posts/1"), "edit-post")


def title_of_post_1(deployment: Deployment) -> str:
    return deployment.query("select title from posts where id = 1")[0]


@pytest.mark.parametrize("second", [
    {},  # another instance with the same key
    {"secret": "the-new-secret", "fallbacks": SECRET},  # one with a rotated key
], ids=["same-key", "rotated-key"])
def test_a_form_rendered_by_one_instance_is_accepted_by_another(
        deployment: Deployment, second: dict[str, str]) -> None:
    with deployment.start() as first, deployment.start(**second) as other:
        browser = signed_in(first)
        status, _ = browser.post(other, "/posts/1", {
            "__action": edit_form(browser, first), "title": "Saved by the other"})
    assert status == 303
    assert title_of_post_1(deployment) == "Saved by the other"


def submit_after_redeploy(deployment: Deployment,
                          changes: t.Sequence[tuple[str, str]]) -> tuple[int, str]:
    """Render the edit form, redeploy the code with ``changes``, submit it."""
    with deployment.start() as before:
        browser = signed_in(before)
        form = edit_form(browser, before)
    for old, new in changes:
        deployment.change(old, new)
    with deployment.start() as after:
        return browser.post(after, "/posts/1", {
            "__action": form, "title": "Typed before the deploy"})


def test_a_redeploy_that_changed_the_action_runs_the_new_code(
        deployment: Deployment) -> None:
    status, _ = submit_after_redeploy(deployment, [CHANGED])
    assert status == 303
    assert title_of_post_1(deployment) == "Typed before the deploy (v2)"


def test_a_redeploy_that_renamed_the_action_gives_the_page_back_with_the_input(
        deployment: Deployment) -> None:
    status, html = submit_after_redeploy(deployment, RENAMED)
    assert status == 422
    assert 'value="Typed before the deploy"' in html
    assert 'class="action-notice"' in html
    assert title_of_post_1(deployment) == "Notes on the analytical engine"


LOAD_SCRIPT = """
local counter = 0
local started = 0
setup = function(thread)
  thread:set("id", started)
  started = started + 1
end
request = function()
  counter = counter + 1
  local body = "__action=" .. TOKEN .. "&name=load-" .. id .. "-" .. counter
  return wrk.format("POST", nil, HEADERS, body)
end
"""


def test_four_workers_under_load_answer_every_post_and_lose_no_row(
        deployment: Deployment) -> None:
    connections = 32
    with deployment.start(workers=4) as server:
        browser = signed_in(server)
        # create_user: create_post is one-time, and wrk sends one token again and again.
        form = token(browser.get(server, "/"), "create-user")
        headers = {**browser.headers(), "Content-Type": "application/x-www-form-urlencoded"}
        lua_headers = ", ".join(f"[{lua_string(k)}] = {lua_string(v)}"
                                for k, v in headers.items())
        script = f"TOKEN = {lua_string(form)}\nHEADERS = {{{lua_headers}}}\n" + LOAD_SCRIPT
        summary = run_wrk(f"{server.origin}/", script, 10, connections, threads=2)
    names = deployment.query("select name from users where name like 'load-%'")
    assert summary["status_errors"] == summary["socket_errors"] == summary["timeouts"] == 0, \
        summary
    assert summary["requests"] > 100, summary
    # Every answered post wrote its row, each once; a post still in flight when
    # wrk stopped may have written one more.
    assert len(set(names)) == len(names)
    assert summary["requests"] <= len(names) <= summary["requests"] + connections
    assert all(re.fullmatch(r"load-[01]-\d+", name) for name in names)
