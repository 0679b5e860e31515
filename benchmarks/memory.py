"""The memory of a gunicorn worker under action posts and pages of rows.

    .venv/bin/python -m benchmarks.memory [--posts 10000] [--renders 1000]

One sync worker serves the ``mixed`` app (the seed's ``update_post`` on
``/posts/<id>`` and the 100-row page). After a warm-up, the worker's RSS is
read from ``/proc``; then it gets ``--posts`` action posts (spread over 200
pages, each with its own token) and ``--renders`` renders of the 100-row
page, and its RSS is read again; then the same load once more. The caches
the library keeps (checked actions, resolved names, session binding tags)
are bounded, so the second round must not grow the worker beyond noise.
"""

from __future__ import annotations

import argparse
import http.client
import urllib.parse
from pathlib import Path

from .load import fetch
from .load import get_page
from .load import hidden
from .servers import Gunicorn

PAGES = 200


def rss_kib(pid: int) -> int:
    """Resident set size of ``pid`` in KiB."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    raise RuntimeError(f"no VmRSS for {pid}")


def load(server: Gunicorn, posts: int, renders: int) -> None:
    """``posts`` action posts over :data:`PAGES` pages, then ``renders`` pages of rows."""
    _, cookie = get_page(server, "/posts/0")
    headers = {"Content-Type": "application/x-www-form-urlencoded", "Cookie": cookie,
               "Origin": server.origin}
    bodies = []
    for page in range(PAGES):
        page_html = fetch_html(server, f"/posts/{page}", cookie)
        bodies.append(urllib.parse.urlencode(
            {"__action": hidden(page_html, "__action"), "title": f"title {page}"}))
    for index in range(posts):
        page = index % PAGES
        status = fetch(server, "POST", f"/posts/{page}", bodies[page], headers).status
        assert status == 303, f"post {index} answered {status}"
    for _ in range(renders):
        assert fetch(server, "GET", "/rows/100", headers={"Cookie": cookie}).status == 200


def fetch_html(server: Gunicorn, path: str, cookie: str) -> str:
    """The HTML of ``path`` in the session of ``cookie``."""
    connection = http.client.HTTPConnection("127.0.0.1", server.port, timeout=10)
    connection.request("GET", path, headers={"Cookie": cookie})
    response = connection.getresponse()
    html = response.read().decode()
    connection.close()
    assert response.status == 200, (path, response.status)
    return html


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--posts", type=int, default=10_000)
    parser.add_argument("--renders", type=int, default=1_000)
    args = parser.parse_args(argv)
    with Gunicorn("benchmarks.apps:create_app('mixed')", workers=1) as server:
        worker = server.pids()[1]
        load(server, 200, 20)  # warm-up: imports, caches, allocator arenas
        before = rss_kib(worker)
        load(server, args.posts, args.renders)
        after_first = rss_kib(worker)
        load(server, args.posts, args.renders)
        after_second = rss_kib(worker)
        assert server.pids()[1] == worker, "the worker was replaced during the run"
    print(f"worker RSS after warm-up:          {before / 1024:8.1f} MiB")
    print(f"after {args.posts} posts + {args.renders} renders: {after_first / 1024:8.1f} MiB"
          f"  ({(after_first - before) / 1024:+.1f} MiB)")
    print(f"after the same again:             {after_second / 1024:8.1f} MiB"
          f"  ({(after_second - after_first) / 1024:+.1f} MiB)")


if __name__ == "__main__":
    main()
