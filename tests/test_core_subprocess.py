"""A token minted by one process runs in another one that never rendered the
page (another worker, after a restart), and ``python -OO`` is handled."""

from __future__ import annotations

import json
import subprocess
import sys
import typing as t
from pathlib import Path

import pytest

from .core_subprocess import create_app
from .html import Page

ROOT = Path(__file__).resolve().parent.parent


def worker(job: dict[str, t.Any], *flags: str) -> dict[str, t.Any]:
    """Run ``tests.core_subprocess`` in a fresh interpreter."""
    done = subprocess.run(
        [sys.executable, *flags, "-c", "from tests.core_subprocess import main; main()"], input=json.dumps(job),
        capture_output=True, text=True, cwd=ROOT, timeout=60, check=False)
    assert done.returncode == 0, done.stderr
    return t.cast("dict[str, t.Any]", json.loads(done.stdout))


@pytest.mark.parametrize(("url", "ran"), [
    ("/doc/7", ["doc", 7, "typed"]),
    ("/decorated/8", ["decorated", 8, "item 8", "typed"]),
    ("/module/ada", ["delete_user", "ada"]),
])
def test_a_token_runs_in_a_process_that_never_rendered_the_page(url: str,
                                                                 ran: list[t.Any]) -> None:
    client = create_app().test_client()
    form = Page.get(client, url).form()
    cookie = client.get_cookie("session")
    assert cookie is not None
    answer = worker({"job": "post", "url": url, "cookie": cookie.value,
                     "data": {**dict(form.fields()), "x": "typed"}})
    assert answer == {"status": 303, "ran": [ran]}


def test_another_process_refuses_the_token_without_the_session_cookie() -> None:
    client = create_app().test_client()
    form = Page.get(client, "/doc/1").form()
    answer = worker({"job": "post", "url": "/doc/1", "cookie": "",
                     "data": {**dict(form.fields()), "x": "typed"}})
    assert answer["status"] == 422
    assert answer["ran"] == []


def test_under_python_oo_a_docstring_action_fails_at_render_naming_the_decorator() -> None:
    answer = worker({"job": "render", "url": "/doc/1"}, "-OO")
    assert answer["error"] == "UnmarkedFunction"
    assert "stripped under `python -OO`" in answer["message"]
    assert "decorate it with @server_action" in answer["message"]


def test_under_python_oo_a_decorated_action_works() -> None:
    answer = worker({"job": "render", "url": "/decorated/2"}, "-OO")
    assert answer == {"status": 303, "ran": [["decorated", 2, "item 2", "typed"]],
                      "optimize": 2}
