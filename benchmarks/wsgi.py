"""The POST cases called in-process through WSGI, without a server.

    .venv/bin/python -m benchmarks.wsgi

What gunicorn adds per request (accepting the connection, parsing HTTP,
building the environ) is the same for every case and, on this machine,
larger than Flask's own work; the load benchmark therefore shows the ratios
between cases diluted. Here each case's request is handed straight to
``app.wsgi_app``, so the ratios are those of the framework work alone.
"""

from __future__ import annotations

import io
import re
import timeit
import typing as t
import urllib.parse

from flask import Flask
from werkzeug.test import Client
from werkzeug.test import EnvironBuilder

from .apps import create_app
from .load import POST_CASES
from .load import ROWS

FIELDS = {"flask-wtf": "csrf_token", "action": "__action", "action+wtforms": "__action"}


def prepared_call(case: str) -> t.Callable[[], None]:
    """One POST of ``case``, ready to be repeated (checked to answer 303)."""
    app = create_app(case)
    client = Client(app)
    # A token is bound to the host it was minted on: fetch where it is posted.
    page = client.get("/posts/1", base_url="http://127.0.0.1:5000")
    html = page.get_data(as_text=True)
    cookie = page.headers["Set-Cookie"].split(";", 1)[0]
    fields = {"title": "A new title"}
    if case in FIELDS:
        token = re.search(rf'name="{FIELDS[case]}"[^>]*value="([^"]+)"', html)
        assert token is not None
        fields[FIELDS[case]] = token.group(1)
    environ = EnvironBuilder(
        "/posts/1", "http://127.0.0.1:5000", method="POST",
        data=urllib.parse.urlencode(fields), content_type="application/x-www-form-urlencoded",
        headers={"Origin": "http://127.0.0.1:5000", "Cookie": cookie}).get_environ()
    body = environ["wsgi.input"].read()
    statuses: list[str] = []

    def start_response(status: str, headers: object, exc_info: object = None) -> None:
        statuses.append(status)

    def call() -> None:
        answer = app.wsgi_app({**environ, "wsgi.input": io.BytesIO(body)}, start_response)
        b"".join(answer)
        getattr(answer, "close", lambda: None)()

    call()
    assert statuses[-1].startswith("303"), f"{case}: {statuses[-1]}"
    return call


def prepared_get(app_case: str | Flask, path: str) -> t.Callable[[], None]:
    """One GET of ``path`` with the session of an earlier visit (checked: 200),
    from the app of ``app_case`` (or that app itself)."""
    app = create_app(app_case) if isinstance(app_case, str) else app_case
    client = Client(app)
    cookie = client.get(path).headers["Set-Cookie"].split(";", 1)[0]
    environ = EnvironBuilder(path, "http://127.0.0.1:5000", headers={"Cookie": cookie}
                             ).get_environ()
    statuses: list[str] = []

    def call() -> None:
        answer = app.wsgi_app(dict(environ), lambda status, *_: statuses.append(status))
        b"".join(answer)
        getattr(answer, "close", lambda: None)()

    call()
    assert statuses[-1].startswith("200"), f"{path}: {statuses[-1]}"
    return call


def best_of(calls: dict[str, t.Callable[[], None]], number: int,
            repeat: int) -> dict[str, float]:
    """Microseconds per call of each of ``calls``, the best of interleaved rounds."""
    best = dict.fromkeys(calls, float("inf"))
    for _ in range(repeat):
        for name, call in calls.items():
            best[name] = min(best[name], timeit.timeit(call, number=number) / number * 1e6)
    return best


def measure(number: int = 1000, repeat: int = 9) -> dict[str, float]:
    """Microseconds per request of each POST case and render page."""
    calls = {case: prepared_call(case) for case in POST_CASES}
    for rows in ROWS:
        calls[f"render {rows} plain"] = prepared_get("render", f"/plain/{rows}")
        calls[f"render {rows} tokens"] = prepared_get("render", f"/rows/{rows}")
    return best_of(calls, number, repeat)


def report(results: dict[str, float]) -> str:
    lines = ["| case | µs/request | requests/s ratio to bare | to flask-wtf |",
             "| --- | ---: | ---: | ---: |"]
    for case in POST_CASES:
        micros = results[case]
        lines.append(f"| {case} | {micros:.0f} | {results['bare'] / micros:.2f}"
                     f" | {results['flask-wtf'] / micros:.2f} |")
    lines += ["", "| page | plain µs | with tokens µs | µs per token |",
              "| --- | ---: | ---: | ---: |"]
    for rows in ROWS:
        plain, tokens = results[f"render {rows} plain"], results[f"render {rows} tokens"]
        lines.append(f"| {rows} row(s) | {plain:.0f} | {tokens:.0f}"
                     f" | {(tokens - plain) / rows:.1f} |")
    return "\n".join(lines)


if __name__ == "__main__":
    print(report(measure()))
