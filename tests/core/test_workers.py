"""A token minted by one worker runs in another: a fresh process that builds
the same app, never rendered the page, and resolves the action by its name."""

from __future__ import annotations

import json
import subprocess
import sys
import typing as t
from pathlib import Path

import pytest
from flask.testing import FlaskClient

from ..html import Form
from ..html import Page
from ..store import STORE

ROOT = Path(__file__).parents[2]


def run_in_new_worker(form: Form, button: str | None = None,
                      **values: str) -> dict[str, t.Any]:
    """Post ``form`` (its fields, ``values`` and the clicked ``button``) from a
    new Python process holding the same session cookie."""
    data = dict(form.fields(), **values)
    if button is not None:
        clicked = form.tag.select_one(button)
        assert clicked is not None
        data[str(clicked["name"])] = str(clicked["value"])
    cookie = form.page.client.get_cookie("session")
    assert cookie is not None
    request = {"url": form.page.url, "data": data, "cookie": cookie.value}
    process = subprocess.run(
        [sys.executable, "-m", "tests.core.worker"], cwd=ROOT, input=json.dumps(request),
        capture_output=True, text=True, timeout=60, check=True)
    return t.cast(dict[str, t.Any], json.loads(process.stdout))


@pytest.mark.parametrize(("url", "form", "button", "values", "store"), [
    ("/posts/7", "#edit", None, {"title": "typed"}, [["update_post", 7, "typed"]]),
    ("/posts/7", "#edit", "#delete", {}, [["delete_post", 7, 7]]),
    ("/rows", "#create", "#remove-ada", {"name": ""}, [["delete_user", "ada"]]),
], ids=["docstring-inline", "decorated-inline", "module-level-bound"])
def test_a_token_minted_here_runs_in_a_fresh_process(
        client: FlaskClient, url: str, form: str, button: str | None,
        values: dict[str, str], store: list[list[t.Any]]) -> None:
    page = Page.get(client, url)
    answer = run_in_new_worker(page.form(form), button, **values)
    assert answer == {"status": 303, "location": url, "store": store}
    assert STORE == []  # it ran there, not here
