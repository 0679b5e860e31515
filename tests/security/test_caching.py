"""Caching: a page carrying a session-bound token is never stored by a
shared cache, whatever the view asked for."""

from __future__ import annotations

import pytest
from flask.testing import FlaskClient
from werkzeug.test import TestResponse

from .forge import post
from .forge import token_of


def assert_private(response: TestResponse) -> None:
    control = response.cache_control
    assert control.private and not control.public and control.s_maxage is None
    assert "cookie" in {value.lower() for value in response.vary}
    for header in ("Surrogate-Control", "CDN-Cache-Control"):
        assert header not in response.headers


@pytest.mark.parametrize("url", ["/plain", "/cached"])
def test_a_page_with_a_token_is_private_and_varies_by_cookie(
        client: FlaskClient, url: str) -> None:
    assert_private(client.get(url))


def test_the_views_max_age_stays_for_the_browser_alone(client: FlaskClient) -> None:
    assert client.get("/cached").cache_control.max_age == 600


def test_a_page_shown_again_after_a_refused_post_is_private(client: FlaskClient) -> None:
    token = token_of(client, "/pay")
    post(client, token, "/pay")
    response = post(client, token, "/pay")
    assert response.status_code == 422
    assert_private(response)


def test_a_page_without_a_token_keeps_its_own_caching(client: FlaskClient) -> None:
    response = client.get("/uncached")
    assert response.cache_control.public and not response.cache_control.private
