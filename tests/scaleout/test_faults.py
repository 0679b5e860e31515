"""Faults in the shared store: a real redis-server paused, slowed, killed
and restarted empty, and a gunicorn worker killed inside an action, under
the one-time "payment" of ``faults_app.py``.

Whatever happens, each test asserts: no action ran twice (the ledger), no
bare 500, the input kept where the page is shown again, and a notice true
to what happened: "try again" when nothing ran, "cannot tell" when the
library cannot know, "already submitted" only when it ran.
"""

from __future__ import annotations

import http.client
import os
import re
import signal
import subprocess
import threading
import time
import typing as t
import urllib.parse
import uuid
from dataclasses import dataclass
from dataclasses import field
from pathlib import Path

import pytest
import redis

from benchmarks.servers import Gunicorn

from ..conftest import free_port
from ..conftest import start_redis
from .test_scaleout import token

#: The notices, as the page shows them.
TRY_AGAIN = "could not be reached"
UNKNOWN = "cannot tell whether"
ALREADY = "already submitted"
EXPIRED_FILE = "no longer kept"


class RedisServer:
    """A redis-server without persistence (the common default) on one port,
    which a test can pause, slow, kill and start again, empty."""

    def __init__(self) -> None:
        self.port = free_port()
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self.process: subprocess.Popen[bytes] | None = None
        self.start()

    def start(self) -> None:
        self.process = start_redis(self.port, "--enable-debug-command", "local")

    def client(self) -> redis.Redis:
        return redis.Redis.from_url(self.url, socket_timeout=10)

    def kill(self) -> None:
        assert self.process is not None
        self.process.kill()
        self.process.wait(timeout=10)
        self.process = None

    def signal(self, number: int) -> None:
        assert self.process is not None
        self.process.send_signal(number)

    def stop(self) -> None:
        if self.process is not None:
            self.process.send_signal(signal.SIGCONT)
            self.process.terminate()
            self.process.wait(timeout=10)
            self.process = None


@dataclass
class Shop:
    """The app on gunicorn, the Redis it uses and the folder it writes to."""

    server: Gunicorn
    store: RedisServer
    folder: Path
    cookie: str = ""
    site: str = field(init=False)

    def __post_init__(self) -> None:
        self.site = f"127.0.0.1:{self.server.port}"

    def ledger(self) -> list[str]:
        path = self.folder / "ledger"
        return path.read_text().splitlines() if path.exists() else []

    def request(self, method: str, body: bytes | None = None,
                content_type: str = "application/x-www-form-urlencoded",
                timeout: float = 30) -> tuple[int, dict[str, str], str]:
        headers = {"Host": self.site, "Origin": f"http://{self.site}",
                   "Cookie": self.cookie, "Content-Type": content_type}
        connection = http.client.HTTPConnection("127.0.0.1", self.server.port,
                                                timeout=timeout)
        try:
            connection.request(method, "/", body=body, headers=headers)
            response = connection.getresponse()
            cookie = (response.getheader("Set-Cookie") or "").split(";", 1)[0]
            self.cookie = cookie or self.cookie
            return (response.status, {k.lower(): v for k, v in response.getheaders()},
                    response.read().decode())
        finally:
            connection.close()

    def page(self) -> str:
        status, _, html = self.request("GET")
        assert status == 200, html
        return html

    def pay(self, action: str, title: str, timeout: float = 30) -> tuple[int, dict[str, str], str]:
        body = urllib.parse.urlencode({"__action": action, "title": title}).encode()
        return self.request("POST", body, timeout=timeout)

    def attach(self, action: str, title: str, file: tuple[str, bytes] | None = None,
               references: t.Sequence[str] = ()) -> tuple[int, dict[str, str], str]:
        boundary = uuid.uuid4().hex
        parts = [(f'name="{name}"', value.encode()) for name, value in
                 [("__action", action), ("title", title),
                  *(("__action_upload", reference) for reference in references)]]
        filename, data = file or ("", b"")
        parts.append((f'name="attachment"; filename="{filename}"\r\n'
                      "Content-Type: text/plain", data))
        body = b"".join(
            f"--{boundary}\r\nContent-Disposition: form-data; {head}\r\n\r\n".encode()
            + value + b"\r\n" for head, value in parts) + f"--{boundary}--\r\n".encode()
        return self.request("POST", body, f"multipart/form-data; boundary={boundary}")


@pytest.fixture(params=[1, 4], ids=["sync", "gthread"])
def shop(tmp_path: Path, request: pytest.FixtureRequest) -> t.Iterator[Shop]:
    """The shop under a sync worker, then under a gthread worker of four
    threads (each fault, with requests served by threads of one process)."""
    store = RedisServer()
    try:
        env = {"FAULTS_REDIS": store.url, "FAULTS_DIR": str(tmp_path), "FAULTS_TIMEOUT": "0.5"}
        server = Gunicorn("tests.scaleout.faults_app:create_app()", env=env,
                          threads=request.param)
        try:
            yield Shop(server, store, tmp_path)
        finally:
            server.stop()
    finally:
        store.stop()


def shown_again(html: str, form_id: str = "pay") -> str:
    """The value the page shown again put back in the form's title."""
    form = re.search(rf'<form[^>]*\bid="{form_id}".*?</form>', html, re.S)
    assert form, html
    found = re.search(r'name="title"[^>]*value="([^"]*)"|value="([^"]*)"[^>]*name="title"',
                      form.group(0))
    assert found, form.group(0)
    return found.group(1) or found.group(2) or ""


def kept_references(html: str) -> list[str]:
    return re.findall(r'name="__action_upload" value="([^"]+)"', html)


def assert_refused_as_unknown(answer: tuple[int, dict[str, str], str], title: str) -> str:
    """The page again, 422, with the input and the notice that says the
    library cannot tell; never that it was already submitted."""
    status, _, html = answer
    assert status == 422, html
    assert UNKNOWN in html and ALREADY not in html
    assert shown_again(html) == title
    return html


def assert_try_again(answer: tuple[int, dict[str, str], str], title: str,
                     form_id: str = "pay") -> str:
    """The page again, 503 with Retry-After, the input kept, the notice
    saying nothing was sent."""
    status, headers, html = answer
    assert status == 503, html
    assert int(headers["retry-after"]) > 0
    assert TRY_AGAIN in html and "Internal Server Error" not in html
    assert shown_again(html, form_id) == title
    return html


def test_a_slow_redis_only_slows_the_post(shop: Shop) -> None:
    action = token(shop.page(), "pay")
    sleeper = threading.Thread(
        target=lambda: shop.store.client().execute_command("DEBUG", "SLEEP", "0.3"))
    sleeper.start()
    time.sleep(0.05)
    try:
        status, _, _ = shop.pay(action, "slow")
    finally:
        sleeper.join()
    assert status == 303
    status, _, html = shop.pay(action, "slow")
    assert status == 422 and ALREADY in html
    assert shop.ledger() == ["paid slow"]


@pytest.mark.parametrize("stall", ["pause", "debug sleep"])
def test_a_redis_stalled_past_the_timeout_answers_503_and_the_token_never_runs_twice(
        shop: Shop, stall: str) -> None:
    action = token(shop.page(), "pay")
    if stall == "pause":
        shop.store.signal(signal.SIGSTOP)
        sleeper = None
    else:
        sleeper = threading.Thread(
            target=lambda: shop.store.client().execute_command("DEBUG", "SLEEP", "2.5"))
        sleeper.start()
        time.sleep(0.05)
    started = time.monotonic()
    try:
        html = assert_try_again(shop.pay(action, "stalled"), "stalled")
        # Two waits of the 0.5 s timeout (the write, then reading it back).
        assert time.monotonic() - started < 5
    finally:
        if sleeper is None:
            shop.store.signal(signal.SIGCONT)
        else:
            sleeper.join()
    assert shop.ledger() == []
    # Its own record may have reached Redis after the worker gave up: the
    # same token again is refused as unknown, or runs, never "already".
    status, _, replayed = shop.pay(action, "stalled")
    if status != 303:
        assert_refused_as_unknown((status, {}, replayed), "stalled")
    ran = shop.ledger()
    assert ran in ([], ["paid stalled"])
    # The page shown with the 503 carries a new form, which goes through once.
    fresh = token(html, "pay")
    assert shop.pay(fresh, "again")[0] == 303
    assert shop.ledger() == [*ran, "paid again"]


def test_redis_down_answers_503_with_the_input_and_nothing_runs(shop: Shop) -> None:
    action = token(shop.page(), "pay")
    shop.store.kill()
    assert_try_again(shop.pay(action, "down"), "down")
    assert shop.ledger() == []


def test_a_redis_restarted_empty_does_not_rearm_paid_forms(shop: Shop) -> None:
    html = shop.page()
    paid, unpaid = token(html, "pay"), token(shop.page(), "pay")
    assert shop.pay(paid, "first")[0] == 303
    shop.store.kill()
    shop.store.start()
    # The back button: the paid form again, and one never sent, both from
    # before the restart. The store forgot which ran: neither runs.
    assert_refused_as_unknown(shop.pay(paid, "first"), "first")
    assert_refused_as_unknown(shop.pay(unpaid, "second"), "second")
    # A session kept in the same Redis (Flask-Session) would be lost with it:
    # not "your session changed, submit again", which would pay again.
    cookie, shop.cookie = shop.cookie, ""
    assert_refused_as_unknown(shop.pay(paid, "first"), "first")
    shop.cookie = cookie
    assert shop.ledger() == ["paid first"]
    # A form rendered once the store is back runs once.
    fresh = token(shop.page(), "pay")
    assert shop.pay(fresh, "third")[0] == 303
    status, _, html = shop.pay(fresh, "third")
    assert status == 422 and ALREADY in html
    assert shop.ledger() == ["paid first", "paid third"]


@pytest.mark.parametrize("lose", ["flushall", "flushdb", "evicted"])
def test_a_redis_that_loses_the_records_while_running_does_not_rearm_paid_forms(
        shop: Shop, lose: str) -> None:
    # Redis's clock tells whole seconds: it has run a while when the form is
    # paid, and the loss comes after.
    time.sleep(1.1)
    html = shop.page()
    paid, unpaid = token(html, "pay"), token(shop.page(), "pay")
    assert shop.pay(paid, "first")[0] == 303
    time.sleep(1.1)
    client = shop.store.client()
    if lose == "evicted":  # what an evicting maxmemory-policy does to the library's keys
        client.delete(*client.keys("*"))
    else:
        client.execute_command(lose.upper())
    # Redis kept running: nothing says when it lost them but the worker
    # that saw the records before. Neither form from before runs.
    assert_refused_as_unknown(shop.pay(paid, "first"), "first")
    assert_refused_as_unknown(shop.pay(unpaid, "second"), "second")
    assert shop.ledger() == ["paid first"]
    time.sleep(1.1)  # tokens tell whole seconds: one of the second it was noticed is refused
    fresh = token(shop.page(), "pay")
    assert shop.pay(fresh, "third")[0] == 303
    assert shop.ledger() == ["paid first", "paid third"]


def test_a_worker_killed_inside_the_action_leaves_a_token_refused_as_unknown(
        shop: Shop) -> None:
    action = token(shop.page(), "pay")
    answers: list[object] = []

    def post() -> None:
        try:
            answers.append(shop.pay(action, "hold", timeout=20))
        except (OSError, http.client.HTTPException) as error:
            answers.append(error)

    poster = threading.Thread(target=post)
    poster.start()
    holding = shop.folder / "holding"
    deadline = time.monotonic() + 10
    while not holding.exists() and time.monotonic() < deadline:
        time.sleep(0.01)
    os.kill(int(holding.read_text()), signal.SIGKILL)
    poster.join(timeout=20)
    assert len(answers) == 1 and not isinstance(answers[0], tuple)  # the connection died
    assert_refused_as_unknown(shop.pay(action, "hold"), "hold")
    assert shop.ledger() == []


def test_a_file_posted_while_redis_is_down_answers_503_with_the_input(shop: Shop) -> None:
    action = token(shop.page(), "doc")
    shop.store.kill()
    # The title is missing: the page comes back, and the file cannot be kept.
    html = assert_try_again(shop.attach(action, "", ("a.txt", b"hello")), "", "doc")
    assert kept_references(html) == []
    assert shop.ledger() == []


def failed_with_a_file(shop: Shop) -> str:
    status, _, html = shop.attach(token(shop.page(), "doc"), "", ("a.txt", b"hello"))
    assert status == 422, html
    assert len(kept_references(html)) == 1
    return html


def test_a_kept_file_resubmitted_while_redis_is_down_answers_503_with_the_input(
        shop: Shop) -> None:
    html = failed_with_a_file(shop)
    shop.store.kill()
    again = assert_try_again(
        shop.attach(token(html, "doc"), "report", references=kept_references(html)),
        "report", "doc")
    # The file waits in the store: its reference comes back with the page.
    assert kept_references(again) == kept_references(html)
    assert shop.ledger() == []


def test_a_kept_file_lost_by_a_restart_is_asked_for_again(shop: Shop) -> None:
    html = failed_with_a_file(shop)
    shop.store.kill()
    shop.store.start()
    status, _, again = shop.attach(token(html, "doc"), "report",
                                   references=kept_references(html))
    assert status == 422 and EXPIRED_FILE in again
    assert shown_again(again, "doc") == "report"
    assert shop.ledger() == []
