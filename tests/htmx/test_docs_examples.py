"""The htmx page of the docs (docs/examples/htmx_app.py and its template)
does what docs/htmx.rst says."""

from __future__ import annotations

import importlib
import pathlib
import sys
import typing as t

import pytest
from bs4 import BeautifulSoup
from flask import Flask
from flask.testing import FlaskClient

from ..html import ORIGIN
from ..html import Page

EXAMPLES = pathlib.Path(__file__).parents[2] / "docs" / "examples"
HX = {"HX-Request": "true"}


@pytest.fixture
def docs_app(monkeypatch: pytest.MonkeyPatch) -> t.Iterator[Flask]:
    monkeypatch.syspath_prepend(str(EXAMPLES))
    module = importlib.import_module("htmx_app")
    module.POSTS[1] = {"title": "Hello", "comments": ["First!", "Nice post", "Third one"]}
    module.app.config["SERVER_ACTIONS_HTMX_SRC"] = "/static/htmx.min.js"
    yield module.app
    sys.modules.pop("htmx_app", None)


@pytest.fixture
def docs_client(docs_app: Flask) -> FlaskClient:
    return docs_app.test_client()


def test_the_same_form_works_without_javascript(docs_client: FlaskClient) -> None:
    response = Page.get(docs_client, "/posts/1").form("#post form").submit(title="Renamed")
    assert (response.status_code, response.headers["Location"]) == (303, "/posts/1")
    assert Page.get(docs_client, "/posts/1").value("title") == "Renamed"


def test_htmx_gets_the_post_block_and_errors_with_422(docs_client: FlaskClient) -> None:
    form = Page.get(docs_client, "/posts/1").form("#post form")
    response = form.submit(title=" ", headers=HX)
    html = BeautifulSoup(response.get_data(as_text=True), "html.parser")
    assert response.status_code == 422
    assert html.select_one("article#post .error").get_text() == "A post needs a title."
    assert html.find("body") is None


def test_deleting_a_comment_answers_the_list_and_the_count(docs_client: FlaskClient) -> None:
    page = Page.get(docs_client, "/posts/1")
    response = page.form("#comments").submit("li:nth-of-type(2) button", headers=HX)
    html = BeautifulSoup(response.get_data(as_text=True), "html.parser")
    assert [li.contents[0].strip() for li in html.select("#comments li")] == ["First!", "Third one"]
    assert html.select_one("#count[hx-swap-oob]").get_text() == "2"


def test_count_words_answers_json(docs_client: FlaskClient) -> None:
    button = Page.get(docs_client, "/posts/1").soup.select_one("#words")
    assert button is not None
    response = docs_client.post(str(button["data-server-action-url"]), json=[],
                                headers={"Origin": ORIGIN,
                                         "X-Server-Action": str(button["data-server-action"])})
    assert response.get_json() == 5
