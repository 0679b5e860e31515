"""Template helpers: one line puts an action on a form or button for both a
plain post and htmx 4 or htmx 2; htmx is served from where the app says."""

from __future__ import annotations

import json
import logging
import pathlib
import typing as t

import pytest
from bs4 import BeautifulSoup
from bs4 import Tag
from flask import Flask
from flask import render_template_string

from flask_server_actions import ServerActions
from flask_server_actions import server_action
from flask_server_actions.errors import MissingHtmxSource
from flask_server_actions.page.client import HTMX2_CONFIG

from .htmx_app import create_app


@server_action
def save(form: t.Any) -> None:
    pass


def render(app: Flask, source: str, **context: t.Any) -> BeautifulSoup:
    with app.test_request_context("/posts/1?tab=2"):
        return BeautifulSoup(render_template_string(source, save=save, **context), "html.parser")


def first(html: BeautifulSoup, selector: str) -> Tag:
    found = html.select_one(selector)
    assert isinstance(found, Tag)
    return found


@pytest.mark.parametrize(("version", "pending", "value"), [
    (4, "hx-disable", "findAll button"),
    (2, "hx-disabled-elt", "find button"),
])
def test_form_gets_htmx_attributes_for_the_configured_version(version: int, pending: str,
                                                              value: str) -> None:
    app = create_app(SERVER_ACTIONS_HTMX_VERSION=version)
    form = first(render(app, '{{ action.form(save, block="post", target="#post") }}</form>'), "form")
    assert form.attrs == {
        "method": "post", "action": "/posts/1?tab=2", "hx-post": "/posts/1?tab=2",
        "hx-target": "#post", "hx-swap": "outerHTML", pending: value, "hx-sync": "this:drop"}
    assert first(form, 'input[name="__action"]')["value"]


def test_htmx_2_never_gets_hx_disable() -> None:
    # In htmx 2 hx-disable turns htmx off for the element and its children.
    app = create_app(SERVER_ACTIONS_HTMX_VERSION=2)
    html = render(app, '{{ action.form(save, block="b") }}</form><button {{ action.button(save, block="b") }}>x</button>')
    assert not html.select("[hx-disable]")


def test_form_without_htmx_arguments_is_a_plain_form() -> None:
    form = first(render(create_app(), '{{ action.form(save, id="f", attrs={"class": "wide"}) }}</form>'), "form")
    assert form.attrs == {"method": "post", "action": "/posts/1?tab=2", "id": "f", "class": ["wide"]}


@pytest.mark.parametrize(("version", "pending"), [(4, "hx-disable"), (2, "hx-disabled-elt")])
def test_button_with_htmx_arguments_posts_itself_and_disables_itself(version: int,
                                                                    pending: str) -> None:
    app = create_app(SERVER_ACTIONS_HTMX_VERSION=version)
    button = first(render(app, '<button {{ action.button(save, 3, target="closest li", swap="delete", indicator="#spin") }}>x</button>'), "button")
    assert button["name"] == "__action_button" and button["formmethod"] == "post"
    assert (button["hx-post"], button["hx-target"], button["hx-swap"]) == ("/posts/1?tab=2", "closest li", "delete")
    assert (button[pending], button["hx-indicator"]) == ("this", "#spin")


def test_button_without_htmx_arguments_has_no_htmx_attributes() -> None:
    button = first(render(create_app(), "<button {{ action.button(save) }}>x</button>"), "button")
    assert not [name for name in button.attrs if name.startswith("hx-")]


def test_one_oob_name_may_be_given_as_a_string() -> None:
    app = create_app()
    one = render(app, '{{ action(save, oob="count") }}')
    listed = render(app, '{{ action(save, oob=["count"]) }}')
    assert len(str(one)) == len(str(listed))  # the same options sealed


@pytest.mark.parametrize("source", ["/static/htmx.min.js", "https://cdn.example/htmx.js"])
def test_htmx_script_uses_a_configured_url_as_it_is(source: str) -> None:
    app = create_app(SERVER_ACTIONS_HTMX_SRC=source)
    assert first(render(app, "{{ action.htmx_script() }}"), "script")["src"] == source


@pytest.mark.parametrize("given", ["relative", "path", "absolute string"])
def test_htmx_file_is_served_by_the_extension(tmp_path: pathlib.Path, given: str) -> None:
    (tmp_path / "htmx.min.js").write_text("window.htmx = {};")
    source = tmp_path / "htmx.min.js"
    # An absolute path as a string (what os.path.join gives) names a file too.
    app = create_app(SERVER_ACTIONS_HTMX_SRC={
        "relative": "htmx.min.js", "path": source, "absolute string": str(source)}[given])
    app.root_path = str(tmp_path)
    src = first(render(app, "{{ action.htmx_script() }}"), "script")["src"]
    assert src == "/_server_actions/htmx.js"
    with app.test_client().get(str(src)) as response:
        assert response.get_data(as_text=True) == "window.htmx = {};"
        assert response.mimetype == "text/javascript"


def test_htmx_2_gets_the_config_that_swaps_422() -> None:
    app = create_app(SERVER_ACTIONS_HTMX_VERSION=2)
    meta = first(render(app, "{{ action.htmx_script() }}"), 'meta[name="htmx-config"]')
    assert json.loads(str(meta["content"])) == HTMX2_CONFIG
    assert {"code": "422", "swap": True} in HTMX2_CONFIG["responseHandling"]
    assert not render(app, "{{ action.htmx_script(config=False) }}").select("meta")


def test_htmx_4_needs_no_config() -> None:
    assert not render(create_app(), "{{ action.htmx_script() }}").select("meta")


def test_htmx_is_never_loaded_from_a_cdn_by_default() -> None:
    app = Flask(__name__)
    app.config["SECRET_KEY"] = "x"
    ServerActions(app)
    assert app.config["SERVER_ACTIONS_HTMX_SRC"] is None
    with pytest.raises(MissingHtmxSource, match="npm install htmx.org"):
        render(app, "{{ action.htmx_script() }}")


@pytest.mark.parametrize(("source", "message"), [
    (None, "Set SERVER_ACTIONS_HTMX_SRC"),
    ("/static/htmx.js", "SERVER_ACTIONS_HTMX_SRC is the URL '/static/htmx.js'"),
    ("missing.js", "it is not a file"),
])
def test_htmx_route_answers_404_and_says_what_to_set_without_a_file(
        source: str | None, message: str, caplog: pytest.LogCaptureFixture) -> None:
    app = create_app(SERVER_ACTIONS_HTMX_SRC=source)
    caplog.clear()  # what setting up the app logged (test_htmx_source.py)
    with caplog.at_level(logging.INFO):
        response = app.test_client().get("/_server_actions/htmx.js")
    assert response.status_code == 404
    warnings = [record for record in caplog.records
                if (record.name, record.levelno) == ("flask_server_actions", logging.WARNING)]
    assert len(warnings) == 1
    assert message in warnings[0].getMessage()
    assert "SERVER_ACTIONS_HTMX_SRC" in warnings[0].getMessage()
    assert not [record for record in caplog.records if record.levelno >= logging.ERROR]


def test_client_script_tag_points_at_the_served_script() -> None:
    script = first(render(create_app(), "{{ action.client_script() }}"), "script")
    assert script["src"] == "/_server_actions/static/client.js"
    assert script.has_attr("defer")


def test_url_prefix_is_configurable() -> None:
    app = create_app(SERVER_ACTIONS_URL_PREFIX="/sa")
    assert first(render(app, "{{ action.client_script() }}"), "script")["src"] == "/sa/static/client.js"
