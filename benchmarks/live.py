"""A validate request (live validation) against the action post it stands for.

    .venv/bin/python -m benchmarks.live

Times, in one run and one process, through the WSGI app (the test client):
the tests' post form (``tests/forms/app_forms.py``, an inline action
validating a WTForms form) posted for real with a valid title (its action
runs and answers 303) and the same post with ``Precognition: true`` (every check,
the form validated, answered 204), alternating, then prints the ratio.
"""

from __future__ import annotations

import statistics
import time

from tests.forms.app_forms import create_app
from tests.html import Page
from tests.store import STORE

ROUNDS = 7
POSTS = 300


def main() -> None:
    app = create_app()
    client = app.test_client()
    form = Page.get(client, "/posts/1").form("#edit")
    headers = {"Precognition": "true"}
    fields = {"title": "Renamed"}
    timings: dict[str, list[float]] = {"post": [], "validate": []}
    for _ in range(ROUNDS):
        for name, extra in (("post", {}), ("validate", headers)):
            start = time.perf_counter()
            for _ in range(POSTS):
                status = form.submit(headers=extra, **fields).status_code
            assert status == (204 if extra else 303), status
            timings[name].append((time.perf_counter() - start) / POSTS * 1e6)
            STORE.clear()
    post, validate = (statistics.median(timings[name]) for name in ("post", "validate"))
    print(f"action post     {post:8.1f} µs (median of {ROUNDS} x {POSTS})")
    print(f"validate request{validate:8.1f} µs")
    print(f"ratio validate/post {validate / post:.2f}")


if __name__ == "__main__":
    main()
