"""Flask-WTF's CSRFProtect over HTTPS: an action post or JSON call whose
token authenticated passes it without a ``Referer`` (the token and the
origin check are the CSRF proof), answered in JSON for a JSON call; the
app's own posts keep CSRFProtect's checks."""

from __future__ import annotations

import typing as t

import pytest
from flask import Flask
from flask import render_template_string
from flask_wtf import CSRFProtect
from werkzeug.datastructures import MultiDict

from flask_server_actions import ServerActions
from flask_server_actions import server_action
from flask_server_actions.testing import ActionClient

from ..store import STORE

PAGE = """{{ action.notice() }}
<form id="add" method="post">{{ action(add) }}<input name="title"><button>Add</button></form>
<div {{ action.data(count) }}></div>"""


@server_action
def add(form: MultiDict[str, t.Any]) -> None:
    STORE.append(("add", form["title"]))


@server_action
def count(by: int) -> int:
    return len(STORE) + by


@pytest.fixture
def app() -> Flask:
    app = Flask(__name__)
    app.config.update(SECRET_KEY="csrf over https", PREFERRED_URL_SCHEME="https")
    ServerActions(app)
    CSRFProtect(app)

    @app.route("/", methods=["GET", "POST"])
    def page() -> str:
        return render_template_string(PAGE, add=add, count=count)

    return app


@pytest.fixture
def actions(app: Flask) -> ActionClient:
    client = app.test_client()
    client.environ_base["wsgi.url_scheme"] = "https"  # served over HTTPS, no Referer sent
    return ActionClient(app, client)


def test_an_action_post_over_https_without_referer_runs(actions: ActionClient) -> None:
    page = actions.get("/").form("add").submit(title="Milk")
    assert page.redirects == [303]
    assert STORE == [("add", "Milk")]


def test_a_json_call_over_https_without_referer_runs(actions: ActionClient) -> None:
    result = actions.get("/").call("count", 2)
    assert (result.status_code, result.value) == (200, 2)


def test_the_apps_own_post_over_https_keeps_csrfprotects_checks(actions: ActionClient) -> None:
    response = actions.client.post("/", data={"title": "x"},
                                   headers={"Origin": "https://localhost"})
    assert response.status_code == 400
    assert "CSRF" in response.get_data(as_text=True)
