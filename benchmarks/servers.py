"""Gunicorn servers and wrk runs, for the load benchmark and the scale-out tests."""

from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import sys
import tempfile
import time
import typing as t
import urllib.error
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
_LISTENING = re.compile(r"Listening at: http://127\.0\.0\.1:(\d+)")
_BOOTED = re.compile(r"Booting worker with pid: (\d+)")
_TICKS = os.sysconf("SC_CLK_TCK")


class Gunicorn:
    """A gunicorn master with sync workers serving ``app`` on a free loopback port.

    :param app: a gunicorn app spec, e.g. ``"benchmarks.apps:create_app('bare')"``.
    :param env: extra environment variables for the server.
    :param threads: with more than one, ``gthread`` workers of that many
        threads each instead of sync workers.
    """

    def __init__(self, app: str, workers: int = 1, env: dict[str, str] | None = None,
                 cwd: Path = ROOT, pythonpath: t.Sequence[Path] = (), threads: int = 1) -> None:
        self.app = app
        self.workers = workers
        self.log = Path(tempfile.mkstemp(prefix="gunicorn-", suffix=".log")[1])
        path = os.pathsep.join(str(p) for p in (*pythonpath, ROOT))
        self.process = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "--bind", "127.0.0.1:0",
             "--workers", str(workers), "--worker-class", "gthread" if threads > 1 else "sync",
             "--threads", str(threads), "--log-level", "info",
             "--error-logfile", str(self.log), app],
            cwd=cwd, env={**os.environ, "PYTHONPATH": path, **(env or {})},
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        try:
            self.port = self._wait_ready()
        except BaseException:
            self.stop()
            raise
        self.origin = f"http://127.0.0.1:{self.port}"

    def _wait_ready(self, timeout: float = 30.0) -> int:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            text = self.log.read_text()
            port = _LISTENING.search(text)
            # Workers import the app after the "Booting" line: ask until one answers.
            if (port and len(set(_BOOTED.findall(text))) >= self.workers
                    and self._answers(int(port.group(1)))):
                return int(port.group(1))
            if self.process.poll() is not None:
                raise RuntimeError(f"gunicorn {self.app} exited:\n{text}")
            time.sleep(0.05)
        raise RuntimeError(f"gunicorn {self.app} did not start:\n{self.log.read_text()}")

    @staticmethod
    def _answers(port: int) -> bool:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=5):
                return True
        except urllib.error.HTTPError:
            return True
        except OSError:
            return False

    def pids(self) -> list[int]:
        """The master and its current workers."""
        children = Path(f"/proc/{self.process.pid}/task/{self.process.pid}/children")
        return [self.process.pid, *map(int, children.read_text().split())]

    def cpu_seconds(self) -> float:
        """User + system CPU time used so far by the master and its workers."""
        total = 0
        for pid in self.pids():
            try:
                fields = Path(f"/proc/{pid}/stat").read_text().rpartition(")")[2].split()
            except FileNotFoundError:  # a worker that just exited
                continue
            total += int(fields[11]) + int(fields[12])  # utime, stime
        return total / _TICKS

    def stop(self) -> None:
        """Stop the master (which stops its workers) and wait for it."""
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self.log.unlink(missing_ok=True)

    def __enter__(self) -> Gunicorn:
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()


#: The wrk Lua script's tail: a JSON summary line the runner reads back.
_DONE = r"""
done = function(summary, latency, requests)
  io.write(string.format(
    'WRK-SUMMARY {"requests":%d,"duration_us":%d,"status_errors":%d,' ..
    '"socket_errors":%d,"timeouts":%d,"p50_us":%d,"p99_us":%d}\n',
    summary.requests, summary.duration, summary.errors.status,
    summary.errors.connect + summary.errors.read + summary.errors.write,
    summary.errors.timeout, latency:percentile(50), latency:percentile(99)))
end
"""


def lua_string(text: str) -> str:
    """``text`` as a Lua string literal."""
    return json.dumps(text)  # JSON string escapes are valid Lua escapes for ASCII


def request_script(method: str, body: str = "", headers: dict[str, str] | None = None) -> str:
    """A wrk Lua script sending the same request again and again."""
    lines = [f"wrk.method = {lua_string(method)}", f"wrk.body = {lua_string(body)}"]
    for name, value in (headers or {}).items():
        lines.append(f"wrk.headers[{lua_string(name)}] = {lua_string(value)}")
    return "\n".join(lines)


def run_wrk(url: str, script: str, duration: int, connections: int,
            threads: int = 1, timeout: int = 10) -> dict[str, int]:
    """Run wrk against ``url`` with a Lua ``script``; its summary as a dict.

    :param timeout: seconds after which wrk counts a request as timed out.
    """
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as file:
        file.write(script + _DONE)
    try:
        result = subprocess.run(
            ["wrk", "--latency", "-t", str(threads), "-c", str(connections),
             "-d", f"{duration}s", "--timeout", f"{timeout}s", "-s", file.name, url],
            capture_output=True, text=True, timeout=duration + 60)
    finally:
        os.unlink(file.name)
    if result.returncode:
        raise RuntimeError(f"wrk failed:\n{result.stdout}\n{result.stderr}")
    for line in result.stdout.splitlines():
        if line.startswith("WRK-SUMMARY "):
            return t.cast(dict[str, int], json.loads(line.partition(" ")[2]))
    raise RuntimeError(f"wrk printed no summary:\n{result.stdout}\n{result.stderr}")
