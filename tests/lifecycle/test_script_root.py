"""5. Under a script root every URL the library writes keeps it."""

from __future__ import annotations

import pytest
from flask import Flask
from flask.testing import FlaskClient
from werkzeug.middleware.dispatcher import DispatcherMiddleware
from werkzeug.test import Client

from ..html import ORIGIN
from ..html import Page
from ..store import STORE

ROOT = "http://localhost/app"


def test_forms_post_to_the_page_under_the_script_root_and_come_back_there(
        client: FlaskClient) -> None:
    page = Page(client, "/app/items", client.get("/items", base_url=ROOT))
    token = page.form().token()
    response = client.post("/items", base_url=ROOT, data={"__action": token, "title": "t"},
                           headers={"Origin": ORIGIN})
    assert response.status_code == 303
    assert response.headers["Location"] == "/app/items"
    assert STORE == [("add item", "t")]


def test_htmx_data_and_script_urls_keep_the_script_root(client: FlaskClient) -> None:
    page = Page(client, "/app/htmx-page", client.get("/htmx-page", base_url=ROOT))
    form = page.soup.select_one("form")
    assert form is not None
    assert form["action"] == "/app/htmx-page"
    assert form["hx-post"] == "/app/htmx-page"
    data = page.soup.select_one("[data-server-action-url]")
    assert data is not None and data["data-server-action-url"] == "/app/htmx-page"
    sources = [str(tag["src"]) for tag in page.soup.select("script[src]")]
    assert sources and all(src.startswith("/app/") for src in sources), sources


def test_a_page_binding_includes_the_script_root(client: FlaskClient) -> None:
    token = Page(client, "/app/items", client.get("/items", base_url=ROOT)).form().token()
    response = client.post("/items", data={"__action": token, "title": "t"},
                           headers={"Origin": ORIGIN})
    assert response.status_code == 400
    assert STORE == []


def test_an_app_mounted_with_dispatcher_middleware(app: Flask) -> None:
    app.config["SERVER_ACTIONS_HTMX_SRC"] = "/static/htmx.js"
    mounted = DispatcherMiddleware(Flask("root").wsgi_app, {"/app": app.wsgi_app})
    client = Client(mounted)
    html = client.get("/app/htmx-page").get_data(as_text=True)
    assert 'src="/app/static/htmx.js"' in html
    token = Page(app.test_client(), "/app/items", client.get("/app/items")).form().token()
    response = client.post("/app/items", data={"__action": token, "title": "m"},
                           headers={"Origin": ORIGIN})
    assert response.status_code == 303
    assert response.headers["Location"] == "/app/items"
    assert client.get(response.headers["Location"]).status_code == 200
    assert STORE == [("add item", "m")]


@pytest.fixture
def app(app: Flask) -> Flask:
    app.config["SERVER_ACTIONS_HTMX_SRC"] = "node_modules/htmx.org/dist/htmx.min.js"
    return app
