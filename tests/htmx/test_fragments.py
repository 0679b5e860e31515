"""After an action, an htmx request gets the part of the page its form asked for."""

from __future__ import annotations

import functools
import typing as t

import pytest
from bs4 import BeautifulSoup
from flask import Flask
from flask import flash
from flask import render_template
from flask.testing import FlaskClient
from jinja2 import DictLoader
from werkzeug.test import TestResponse

from flask_server_actions import ServerActions
from flask_server_actions.errors import FragmentNotFound
from flask_server_actions.page.fragments import render_block

from ..html import Page
from ..store import STORE

HX = {"HX-Request": "true"}


def soup(response: TestResponse) -> BeautifulSoup:
    return BeautifulSoup(response.get_data(as_text=True), "html.parser")


def test_plain_post_ignores_the_fragment_and_redirects(client: FlaskClient) -> None:
    response = Page.get(client, "/posts/1").form("#edit").submit(title="New")
    assert (response.status_code, response.headers["Location"]) == (303, "/posts/1")


def test_htmx_post_answers_with_the_block_after_the_action(client: FlaskClient) -> None:
    response = Page.get(client, "/posts/1").form("#edit").submit(title="New", headers=HX)
    assert response.status_code == 200
    html = soup(response)
    assert html.select_one("article#post h1").get_text() == "New"
    assert html.find("html") is None and html.find("footer") is None
    assert STORE == [("update_post", 1, "New")]


def test_success_fragment_is_a_fresh_render_not_the_submitted_input(client: FlaskClient) -> None:
    page = Page.get(client, "/posts/1")
    response = page.form("#edit").submit(title="New", headers=HX)
    assert soup(response).select_one('input[name="title"]')["value"] == "New"
    assert soup(response).select_one("#state") is None


def test_out_of_band_block_is_marked_for_htmx(client: FlaskClient) -> None:
    response = Page.get(client, "/posts/1").form("#edit").submit(title="New", headers=HX)
    count = soup(response).select_one("span#count")
    assert (count["hx-swap-oob"], count.get_text()) == ("true", "1")


def test_action_error_answers_422_with_the_fragment_and_the_input(client: FlaskClient) -> None:
    response = Page.get(client, "/posts/1").form("#edit").submit(title="taken", headers=HX)
    assert response.status_code == 422
    html = soup(response)
    assert html.select_one(".error").get_text() == "That title is taken."
    assert html.select_one('input[name="title"]')["value"] == "taken"
    assert html.find("html") is None
    assert STORE == []


def test_returned_value_answers_200_with_the_fragment_and_the_state(client: FlaskClient) -> None:
    response = Page.get(client, "/posts/1").form("#edit").submit(title="state", headers=HX)
    assert response.status_code == 200
    assert soup(response).select_one("#state").get_text() == "saved with state"


def test_button_action_answers_with_its_own_block(client: FlaskClient) -> None:
    page = Page.get(client, "/posts/1")
    response = page.form("li:nth-of-type(2) form").submit("#del-2", headers=HX)
    html = soup(response)
    assert [li.get_text(strip=True) for li in html.select("#rows li")] == ["Delete 1", "Delete 3"]
    assert html.select_one("article") is None
    assert STORE == [("delete_row", 2)]


def test_partial_template_renders_with_the_page_context(client: FlaskClient) -> None:
    response = Page.get(client, "/posts/1").form("#partial").submit(title="Part", headers=HX)
    assert response.get_data(as_text=True) == '<h1 id="title">Part (1)</h1>'


def test_action_can_choose_the_fragment(client: FlaskClient) -> None:
    response = Page.get(client, "/posts/1").form("#plain").submit(title="count-only", headers=HX)
    assert response.get_data(as_text=True) == '<span id="count">1</span>'


def test_action_choosing_a_fragment_redirects_a_plain_post(client: FlaskClient) -> None:
    response = Page.get(client, "/posts/1").form("#plain").submit(title="count-only")
    assert response.status_code == 303


def test_unknown_block_is_a_clear_error(client: FlaskClient) -> None:
    client.application.testing = True
    form = Page.get(client, "/posts/1").form("#free")
    with pytest.raises(FragmentNotFound, match="no block 'no_such_block'"):
        form.submit(title="x", headers=HX)


def test_out_of_band_block_without_an_element_is_a_clear_error(client: FlaskClient) -> None:
    client.application.testing = True
    form = Page.get(client, "/posts/1").form("#bad-oob")
    with pytest.raises(FragmentNotFound, match="must start with an element"):
        form.submit(title="x", headers=HX)


CHAIN = {
    "base.html": "<h1>{% block title %}Base{% endblock %}</h1>{% block footer %}end{% endblock %}",
    "middle.html": '{% extends "base.html" %}{% block title %}{{ super() }}, middle{% endblock %}',
    "child.html": '{% extends "middle.html" %}{% block title %}{{ super() }}, child{% endblock %}',
}


@pytest.mark.parametrize(("name", "expected"), [
    ("footer", "end"),  # only the base template defines it
    ("title", "Base, middle, child"),  # super() reaches up the chain
])
def test_blocks_of_extended_templates_render(app: Flask, name: str, expected: str) -> None:
    app.jinja_loader = DictLoader(CHAIN)
    with app.test_request_context():
        assert render_block(app.jinja_env.get_template("child.html"), name, {}) == expected


def test_view_that_redirects_on_rerender_is_answered_with_hx_redirect(
        client: FlaskClient) -> None:
    app = client.application
    page = Page.get(client, "/posts/1")
    app.view_functions["show_post"] = lambda: app.redirect("/")
    response = page.form("#edit").submit(title="New", headers=HX)
    assert (response.status_code, response.headers["HX-Redirect"]) == (200, "/")


def test_headers_the_view_set_are_kept_in_the_fragment(client: FlaskClient) -> None:
    app = client.application
    page = Page.get(client, "/posts/1")
    view = app.view_functions["show_post"]

    @functools.wraps(view)
    def with_header() -> object:
        response = app.make_response(view())
        response.headers["X-From-View"] = "yes"
        return response

    app.view_functions["show_post"] = with_header
    response = page.form("#edit").submit(title="New", headers=HX)
    assert response.headers["X-From-View"] == "yes"
    assert response.headers["Content-Type"].startswith("text/html")


def test_expired_token_answers_its_fragment_with_the_notice_and_input(client: FlaskClient) -> None:
    form = Page.get(client, "/posts/1").form("#edit")
    client.application.config["SERVER_ACTIONS_MAX_AGE"] = -1
    response = form.submit(title="Typed", headers=HX)
    assert response.status_code == 422
    html = soup(response)
    assert "expired" in html.select_one("article#post .action-notice").get_text()
    assert html.select_one('#edit input[name="title"]')["value"] == "Typed"
    assert html.find("footer") is None and "HX-Retarget" not in response.headers
    assert STORE == []


@pytest.mark.parametrize(("headers", "retargeted"), [
    (HX, True),  # the form targets part of the page: show the page as a page
    ({**HX, "HX-Boosted": "true"}, False),  # htmx swaps the body already
    ({**HX, "HX-Request-Type": "full"}, False),  # htmx 4 says it expects a page
])
def test_a_stale_token_without_a_fragment_answers_the_whole_page(client: FlaskClient,
                                                                 headers: dict[str, str],
                                                                 retargeted: bool) -> None:
    form = Page.get(client, "/posts/1").form("#plain")
    with client.session_transaction() as session:
        session.clear()
    response = form.submit(title="Typed", headers=headers)
    assert response.status_code == 422
    html = soup(response)
    assert "session changed" in html.select_one(".action-notice").get_text()
    assert html.find("footer") is not None
    assert ("HX-Retarget" in response.headers) is retargeted
    if retargeted:
        assert (response.headers["HX-Retarget"], response.headers["HX-Reswap"]) == ("body", "innerHTML")
    assert STORE == []


FLASH_LAYOUT = ('<ul id="messages">{% for m in get_flashed_messages() %}'
                '<li class="flash">{{ m }}</li>{% endfor %}</ul>'
                '{{ count_render() }}{% block main %}{% endblock %}')
FLASH_PAGE = ('{% extends "layout.html" %}{% block main %}<div id="main">'
              '{{ action.form(save, block="main", target="#main", oob=oob) }}'
              '<button>Save</button></form></div>{% endblock %}'
              '{% block messages %}<ul id="messages">{% for m in get_flashed_messages() %}'
              '<li class="flash">{{ m }}</li>{% endfor %}</ul>{% endblock %}')


def flash_app(oob: list[str], **config: t.Any) -> tuple[FlaskClient, list[int]]:
    """A page whose layout shows flashed messages, and an action that
    flashes one; its form asks for the block ``main`` and ``oob``."""
    app = Flask(__name__)
    app.config.update(SECRET_KEY="flash tests", SERVER_ACTIONS_HTMX_SRC="/static/htmx.js",
                      **config)
    app.jinja_loader = DictLoader({"layout.html": FLASH_LAYOUT, "page.html": FLASH_PAGE})
    ServerActions(app)
    renders: list[int] = []
    app.jinja_env.globals["count_render"] = lambda: renders.append(1) or ""

    @app.get("/")
    def home() -> str:
        def save(form: t.Any) -> None:
            "use server"
            flash("Saved.")

        return render_template("page.html", save=save, oob=oob)

    return app.test_client(), renders


def test_a_message_flashed_by_an_action_reaches_the_next_page_if_the_part_omits_it() -> None:
    client, renders = flash_app(oob=[])
    page = Page.get(client, "/")
    renders.clear()
    response = page.form().submit(headers=HX)
    assert response.status_code == 200
    assert "Saved." not in response.get_data(as_text=True)
    assert renders == []  # the page around the block was not rendered
    assert Page.get(client, "/").text(".flash") == "Saved."


def test_a_message_flashed_by_an_action_is_in_the_part_that_shows_it() -> None:
    client, _ = flash_app(oob=["messages"])
    response = Page.get(client, "/").form().submit(headers=HX)
    html = BeautifulSoup(response.get_data(as_text=True), "html.parser")
    assert [li.get_text() for li in html.select("#messages[hx-swap-oob] .flash")] == ["Saved."]
    assert Page.get(client, "/").text(".flash") == ""


def test_blocks_named_for_the_whole_app_go_out_of_band_with_every_htmx_answer() -> None:
    client, _ = flash_app(oob=[], SERVER_ACTIONS_HTMX_OOB=["messages"])
    response = Page.get(client, "/").form().submit(headers=HX)
    html = BeautifulSoup(response.get_data(as_text=True), "html.parser")
    assert [li.get_text() for li in html.select("#messages[hx-swap-oob] .flash")] == ["Saved."]
    assert html.select_one("#main") is not None


def test_a_block_named_for_the_app_and_the_form_is_sent_once() -> None:
    client, _ = flash_app(oob=["messages"], SERVER_ACTIONS_HTMX_OOB=["messages"])
    response = Page.get(client, "/").form().submit(headers=HX)
    assert response.get_data(as_text=True).count('id="messages"') == 1


def test_a_page_without_a_block_named_for_the_app_answers_without_it(
        client: FlaskClient) -> None:
    client.application.config["SERVER_ACTIONS_HTMX_OOB"] = ["messages"]
    response = Page.get(client, "/posts/1").form("#edit").submit(title="New", headers=HX)
    assert response.status_code == 200
    assert soup(response).select_one("article#post h1").get_text() == "New"


def test_an_apps_own_template_class_is_kept() -> None:
    from jinja2 import Template

    from flask_server_actions.page.fragments import FragmentTemplate

    class Custom(Template):
        pass

    app = Flask(__name__)
    app.jinja_env.template_class = Custom
    ServerActions(app)
    template_class = app.jinja_env.template_class
    assert template_class.__mro__[1:3] == (FragmentTemplate, Custom)


def test_a_tokens_options_name_a_fragment_only_as_an_object() -> None:
    from flask_server_actions.htmx import Fragment

    assert Fragment.from_options({}) is None
    assert Fragment.from_options({"fragment": "row"}) is None
    fragment = Fragment.from_options({"fragment": {"block": "row", "oob": ["notices"]}})
    assert fragment is not None and (fragment.block, fragment.oob) == ("row", ("notices",))
