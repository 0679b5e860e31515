"""The htmx page of the docs (docs/examples/htmx/) does what docs/htmx.rst says."""

from __future__ import annotations

import copy
import json
import typing as t
from pathlib import Path

import pytest
from bs4 import BeautifulSoup
from flask.testing import FlaskClient

from docs.examples.htmx import app as sample
from docs.examples.htmx import feed
from flask_server_actions.testing import ActionClient

from ..html import ORIGIN
from ..html import Page

HX = {"HX-Request": "true"}
SAMPLE = Path(sample.__file__).parent


@pytest.fixture
def docs_client() -> t.Iterator[FlaskClient]:
    posts = copy.deepcopy(sample.POSTS)
    sample.POSTS[1]["comments"].append("Third one")
    yield sample.app.test_client()
    sample.POSTS.clear()
    sample.POSTS.update(posts)


def soup(text: str) -> BeautifulSoup:
    return BeautifulSoup(text, "html.parser")


def test_the_same_form_works_without_javascript(docs_client: FlaskClient) -> None:
    response = Page.get(docs_client, "/posts/1").form("#post form").submit(title="Renamed")
    assert (response.status_code, response.headers["Location"]) == (303, "/posts/1")
    assert Page.get(docs_client, "/posts/1").value("title") == "Renamed"


def test_htmx_gets_the_post_block_and_errors_with_422(docs_client: FlaskClient) -> None:
    response = Page.get(docs_client, "/posts/1").form("#post form").submit(title=" ", headers=HX)
    html = soup(response.get_data(as_text=True))
    assert response.status_code == 422
    assert html.select_one("article#post .error").get_text() == "A post needs a title."
    assert html.find("body") is None


def test_deleting_a_comment_answers_the_partial_and_the_count(docs_client: FlaskClient) -> None:
    page = Page.get(docs_client, "/posts/1")
    response = page.form("form:has(#comments)").submit("li:nth-of-type(2) button", headers=HX)
    html = soup(response.get_data(as_text=True))
    assert [li.contents[0].strip() for li in html.select("#comments li")] == ["First!", "Third one"]
    assert len(html.select("#comments button")) == 2  # the partial gets the page's context
    assert html.select_one("#count[hx-swap-oob]").get_text() == "2"


def test_comments_view_answers_htmx_with_the_partial(docs_client: FlaskClient) -> None:
    partial = docs_client.get("/posts/1/comments", headers=HX).get_data(as_text=True)
    assert soup(partial).select_one("ul#comments") is not None
    assert "<html>" not in partial
    assert "<html>" in docs_client.get("/posts/1/comments").get_data(as_text=True)


def test_count_words_answers_json(docs_client: FlaskClient) -> None:
    button = Page.get(docs_client, "/posts/1").soup.select_one("#words")
    assert button is not None
    response = docs_client.post(str(button["data-server-action-url"]), json=[],
                                headers={"Origin": ORIGIN,
                                         "X-Server-Action": str(button["data-server-action"])})
    assert response.get_json() == 5  # First! + Nice post + Third one


def test_documented_htmx2_config_is_what_the_helper_writes() -> None:
    documented = soup((SAMPLE / "htmx2_config.html").read_text()).select_one("meta")
    app = sample.app
    app.config["SERVER_ACTIONS_HTMX_VERSION"] = 2
    try:
        with app.test_request_context():
            written = soup(app.jinja_env.from_string("{{ action.htmx_script() }}").render())
    finally:
        app.config["SERVER_ACTIONS_HTMX_VERSION"] = 4
    meta = written.select_one("meta")
    assert documented is not None and meta is not None
    assert json.loads(str(documented["content"])) == json.loads(str(meta["content"]))


def test_load_more_answers_htmx_with_the_next_rows() -> None:
    actions = ActionClient(feed.app)
    page = actions.get("/feed")
    assert page.html.count("<li>Item") == 10
    more = page.form(button="Load more").submit(htmx=True)
    assert more.status_code == 200
    assert more.html.count("<li>Item") == 10 and "<li>Item 11</li>" in more
    assert "<ul" not in more  # the partial only, swapped over the button's row
    last = more.form(button="Load more").submit(htmx=True)
    assert last.html.count("<li>Item") == 3 and "Load more" not in last


def test_load_more_without_javascript_shows_the_page_with_every_row() -> None:
    actions = ActionClient(feed.app)
    page = actions.get("/feed").form(button="Load more").submit()
    assert page.status_code == 200
    assert page.html.count("<li>Item") == 20 and "<ul" in page
    page = page.form(button="Load more").submit()
    assert page.html.count("<li>Item") == 23 and "Load more" not in page
