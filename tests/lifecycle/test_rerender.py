"""6. A re-render is the page's GET view: not a POST view at the same URL,
not a GET+POST view's own submit branch, and its forms are not filled from
the action's body."""

from __future__ import annotations

from flask.testing import FlaskClient

from ..html import Page
from ..store import STORE


def test_a_failed_action_rerenders_the_get_view_not_the_post_view(
        client: FlaskClient) -> None:
    response = Page.get(client, "/items").form().submit(title="")
    assert response.status_code == 422
    assert "A title, please." in response.get_data(as_text=True)
    assert STORE == []


def test_a_get_post_view_does_not_run_its_submit_branch_for_an_action(
        client: FlaskClient) -> None:
    response = Page.get(client, "/edit").form().submit(title="bad")
    assert response.status_code == 422
    assert STORE == []


def test_a_flask_form_built_during_the_rerender_is_not_filled_from_the_action(
        client: FlaskClient) -> None:
    page = Page.get(client, "/edit")
    response = page.form().submit(title="typed", headers={"HX-Request": "true"})
    assert response.status_code == 200
    body = Page(client, "/edit", response)
    assert body.value("title") == ""
    assert STORE == []


def test_csrf_protect_lets_an_action_post_through_and_guards_the_views_own_post(
        client: FlaskClient) -> None:
    page = Page.get(client, "/edit")
    assert client.post("/edit", data={"title": "no csrf token"}).status_code == 400
    assert page.form().submit(title="fine", headers={"HX-Request": "true"}).status_code == 200
    assert STORE == []
