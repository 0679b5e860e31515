"""7. Redirects from hooks, raised and returned by actions are all checked,
answered 303, and given to htmx as headers it follows."""

from __future__ import annotations

import typing as t

from flask.testing import FlaskClient

from ..html import Page
from ..store import STORE

HTMX = {"HX-Request": "true"}


def test_a_raised_off_site_redirect_is_refused(client: FlaskClient) -> None:
    response = Page.get(client, "/redirecting/raised-offsite").form().submit()
    assert response.status_code == 400
    assert "evil.example" not in response.headers.get("Location", "")


def test_a_3xx_answer_without_a_location_passes_through(client: FlaskClient) -> None:
    response = Page.get(client, "/redirecting/not-modified").form().submit()
    assert response.status_code == 304
    assert "Location" not in response.headers


def test_a_raised_redirect_on_site_is_answered_303(client: FlaskClient) -> None:
    response = Page.get(client, "/redirecting/raised-home").form().submit()
    assert response.status_code == 303
    assert response.headers["Location"] == "/items"


def test_a_hook_redirect_reaches_htmx_as_hx_redirect(
        client: FlaskClient, sign_in: t.Callable[..., None]) -> None:
    sign_in(user="ada")
    page = Page.get(client, "/account")
    sign_in(user="")
    response = page.form().submit(title="x", headers=HTMX)
    assert response.status_code == 200
    assert response.headers["HX-Redirect"] == "/sign-in?next=/account"
    assert STORE == [("account view ran", "ada")]


def test_a_rerendered_page_that_redirects_reaches_htmx_as_hx_redirect(
        client: FlaskClient) -> None:
    response = Page.get(client, "/gone").form().submit(headers=HTMX)
    assert response.status_code == 200
    assert response.headers["HX-Redirect"] == "/sign-in-page"


def test_an_htmx_post_whose_action_returns_none_is_not_a_silent_303(
        client: FlaskClient) -> None:
    response = Page.get(client, "/htmx-page").form().submit(headers=HTMX)
    assert response.status_code == 200
    assert response.headers["HX-Redirect"] == "/htmx-page"
    assert STORE == [("ping", True)]


def test_a_boosted_post_follows_with_hx_location(client: FlaskClient) -> None:
    response = Page.get(client, "/htmx-page").form().submit(
        headers={**HTMX, "HX-Boosted": "true"})
    assert response.status_code == 200
    assert response.headers["HX-Location"] == "/htmx-page"
