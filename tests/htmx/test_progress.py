"""Upload progress, the template side: the script tags load ``progress.js``,
which the extension serves (what it does with a form's
``<progress data-server-action-progress>`` is in
``tests/browser/test_progress.py``)."""

from __future__ import annotations

import pytest
from bs4 import BeautifulSoup
from flask import render_template_string

from .htmx_app import create_app

PROGRESS = "/_server_actions/static/progress.js"


def scripts(source: str, **config: object) -> list[str]:
    app = create_app(**config)
    with app.test_request_context("/"):
        html = BeautifulSoup(render_template_string(source), "html.parser")
    return [str(script["src"]) for script in html.select("script")]


@pytest.mark.parametrize("version", [4, 2])
def test_htmx_script_loads_progress_after_htmx(version: int) -> None:
    loaded = scripts("{{ action.htmx_script() }}", SERVER_ACTIONS_HTMX_VERSION=version)
    assert loaded[-1] == PROGRESS
    assert loaded.index(PROGRESS) > 0  # htmx first


def test_client_script_loads_progress_too() -> None:
    # For a page that loads htmx itself (a bundle) and only the client script.
    assert scripts("{{ action.client_script() }}") == [
        "/_server_actions/static/client.js", PROGRESS]


def test_progress_script_is_served() -> None:
    with create_app().test_client().get(PROGRESS) as response:
        assert response.status_code == 200
        assert response.mimetype == "text/javascript"
        assert b"data-server-action-progress" in response.data



@pytest.mark.parametrize("source", [
    "{{ action.htmx_script() }}{{ action.client_script() }}",
    "{{ action.client_script() }}{{ action.htmx_script() }}",
])
def test_a_page_with_both_tags_loads_progress_once(source: str) -> None:
    assert scripts(source).count(PROGRESS) == 1
