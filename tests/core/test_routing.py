"""An action post to a GET-only page goes through the page's blueprint hooks
(URL value preprocessors, before_request) exactly as a GET would."""

from __future__ import annotations

import pytest
from flask.testing import FlaskClient

from ..html import ORIGIN
from ..html import Page
from ..store import STORE
from .routing_app import create_app


@pytest.fixture
def client() -> FlaskClient:
    client = create_app().test_client()
    client.post("/login", data={"user": "ada"})
    return client


def test_url_value_preprocessors_run_before_the_action(client: FlaskClient) -> None:
    response = Page.get(client, "/fr/shop/cart").form().submit(x="1")
    assert response.status_code == 303
    assert response.headers["Location"] == "/fr/shop/cart"
    assert STORE == [("checkout", "fr", "fr", "1")]


def test_a_before_request_answer_is_sent_instead_of_running_the_action(
        client: FlaskClient) -> None:
    page = Page.get(client, "/fr/shop/cart")
    client.post("/login", data={"user": ""})  # logged out in another tab
    response = page.form().submit(x="1")
    assert response.status_code == 303  # the browser must not post the token again
    assert response.headers["Location"] == "/login?next=/fr/shop/cart"
    assert STORE == []


def test_an_action_post_to_a_url_without_a_get_route_is_405(client: FlaskClient) -> None:
    token = Page.get(client, "/fr/shop/cart").form().token()
    response = client.post("/put-only", data={"__action": token, "x": "1"},
                           headers={"Origin": ORIGIN})
    assert response.status_code == 405
    assert STORE == []
