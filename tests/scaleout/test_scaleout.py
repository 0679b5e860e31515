"""Several workers, several instances, key rotation and redeploys, with real
gunicorn servers on loopback (sync workers) and the notes app."""

from __future__ import annotations

import contextlib
import http.client
import re
import sqlite3
import urllib.parse
from dataclasses import dataclass
from pathlib import Path

import pytest

from benchmarks.servers import Gunicorn
from benchmarks.servers import lua_string
from benchmarks.servers import run_wrk

from . import notes_app

MODULE = "scaleout_notes"
SECRET = "scale-out secret"
SOURCE = Path(notes_app.__file__).read_text()
#: The notes app after a redeploy that changed what the action does.
CHANGED = SOURCE.replace('text = form["text"]', 'text = form["text"] + " (v2)"')
#: The notes app after a redeploy that renamed the action.
RENAMED = SOURCE.replace("add_note", "append_note")


@dataclass
class Deployment:
    """Where the app's code and data live, shared by the instances of a test."""

    code: Path
    database: Path

    def deploy(self, source: str) -> None:
        (self.code / f"{MODULE}.py").write_text(source)

    def start(self, secret: str = SECRET, fallbacks: str = "", workers: int = 1) -> Gunicorn:
        env = {"SCALEOUT_SECRET": secret, "SCALEOUT_FALLBACKS": fallbacks,
               "SCALEOUT_DB": str(self.database)}
        return Gunicorn(f"{MODULE}:create_app()", workers, env=env, pythonpath=[self.code])

    def notes(self) -> list[str]:
        with contextlib.closing(sqlite3.connect(self.database)) as db:
            return [row[0] for row in db.execute("select text from notes order by id")]


@pytest.fixture
def deployment(tmp_path: Path) -> Deployment:
    code = tmp_path / "code"
    code.mkdir()
    found = Deployment(code, tmp_path / "notes.sqlite")
    notes_app.create_schema(str(found.database))
    found.deploy(SOURCE)
    return found


@dataclass
class Form:
    """A rendered form: its token and the cookie of the browser that got it."""

    site: str
    path: str
    token: str
    cookie: str

    def submit(self, server: Gunicorn, text: str) -> tuple[int, str]:
        """Post the form to ``server`` as a browser on ``site`` would, through a
        load balancer that keeps the Host header."""
        body = urllib.parse.urlencode({"__action": self.token, "text": text})
        return _request(server, "POST", self.path, body, {
            "Host": self.site, "Origin": f"http://{self.site}", "Cookie": self.cookie,
            "Content-Type": "application/x-www-form-urlencoded"})[:2]


def _request(server: Gunicorn, method: str, path: str, body: str = "",
             headers: dict[str, str] | None = None) -> tuple[int, str, str]:
    connection = http.client.HTTPConnection("127.0.0.1", server.port, timeout=30)
    try:
        connection.request(method, path, body=body, headers=headers or {})
        response = connection.getresponse()
        return response.status, response.read().decode(), response.getheader("Set-Cookie", "")
    finally:
        connection.close()


def render(server: Gunicorn, path: str = "/boards/team") -> Form:
    status, html, cookie = _request(server, "GET", path)
    assert status == 200, html
    token = re.search(r'name="__action" value="([^"]+)"', html)
    assert token and cookie
    return Form(f"127.0.0.1:{server.port}", path, token.group(1), cookie.split(";", 1)[0])


def test_a_form_rendered_by_one_instance_is_accepted_by_another(
        deployment: Deployment) -> None:
    with deployment.start() as first, deployment.start() as second:
        status, _ = render(first).submit(second, "from the first to the second")
    assert status == 303
    assert deployment.notes() == ["from the first to the second"]


def test_an_instance_with_a_rotated_key_accepts_tokens_of_the_old_key(
        deployment: Deployment) -> None:
    with deployment.start(secret=SECRET) as old, \
            deployment.start(secret="the new secret", fallbacks=SECRET) as rotated:
        status, _ = render(old).submit(rotated, "across the rotation")
    assert status == 303
    assert deployment.notes() == ["across the rotation"]


def test_a_redeploy_that_changed_the_action_runs_the_new_code(
        deployment: Deployment) -> None:
    with deployment.start() as before:
        form = render(before)
    deployment.deploy(CHANGED)
    with deployment.start() as after:
        status, _ = form.submit(after, "typed before the deploy")
    assert status == 303
    assert deployment.notes() == ["typed before the deploy (v2)"]


def test_a_redeploy_that_renamed_the_action_gives_the_page_back_with_the_input(
        deployment: Deployment) -> None:
    with deployment.start() as before:
        form = render(before)
    deployment.deploy(RENAMED)
    with deployment.start() as after:
        status, html = form.submit(after, "typed before the deploy")
    assert status == 422
    assert 'value="typed before the deploy"' in html
    assert 'class="action-notice"' in html
    assert deployment.notes() == []


LOAD_SCRIPT = """
local counter = 0
local started = 0
setup = function(thread)
  thread:set("id", started)
  started = started + 1
end
request = function()
  counter = counter + 1
  local body = "__action=" .. TOKEN .. "&text=load-" .. id .. "-" .. counter
  return wrk.format("POST", nil, HEADERS, body)
end
"""


def test_four_workers_under_load_answer_every_post_and_lose_no_row(
        deployment: Deployment) -> None:
    connections = 32
    with deployment.start(workers=4) as server:
        form = render(server)
        headers = {"Cookie": form.cookie, "Origin": f"http://{form.site}",
                   "Content-Type": "application/x-www-form-urlencoded"}
        lua_headers = ", ".join(f"[{lua_string(k)}] = {lua_string(v)}"
                                for k, v in headers.items())
        script = (f"TOKEN = {lua_string(form.token)}\nHEADERS = {{{lua_headers}}}\n"
                  + LOAD_SCRIPT)
        summary = run_wrk(f"http://{form.site}{form.path}", script, 10, connections,
                          threads=2)
    notes = deployment.notes()
    assert summary["status_errors"] == summary["socket_errors"] == summary["timeouts"] == 0, \
        summary
    assert summary["requests"] > 100, summary
    # Every answered post wrote its row, each once; a post still in flight when
    # wrk stopped may have written one more.
    assert len(set(notes)) == len(notes)
    assert summary["requests"] <= len(notes) <= summary["requests"] + connections
    assert all(re.fullmatch(r"load-[01]-\d+", note) for note in notes)


