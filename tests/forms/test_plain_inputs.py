"""Plain (non-WTForms) forms: refilling text inputs, checkboxes and
multi-selects on a re-render, and file inputs reaching the action."""

from __future__ import annotations

import io

import pytest
from flask.testing import FlaskClient

from ..html import Page
from ..store import STORE
from .posting import post


def _selected(page: Page) -> list[str]:
    return [option.get_text(strip=True) for option in page.soup.select("option[selected]")]


def _checked(page: Page) -> list[str]:
    return [str(box["value"]) for box in page.soup.select("input[type=checkbox][checked]")]


def test_defaults_show_on_a_fresh_page(client: FlaskClient) -> None:
    page = Page.get(client, "/plain")
    assert page.value("name") == "Ada"
    assert _checked(page) == ["green"]
    assert _selected(page) == ["m"]


def test_rerender_shows_every_submitted_choice(client: FlaskClient) -> None:
    form = Page.get(client, "/plain").form("#plain")
    response = post(form, name="taken", tags=["red", "blue"], sizes=["s", "l"])
    assert response.status_code == 422
    page = Page(client, "/plain", response)
    assert page.value("name") == "taken"
    assert _checked(page) == ["red", "blue"]
    assert _selected(page) == ["s", "l"]


def test_rerender_unticks_a_default_box_the_user_unticked(client: FlaskClient) -> None:
    form = Page.get(client, "/plain").form("#plain")
    page = Page(client, "/plain", post(form, name="taken"))
    assert _checked(page) == []
    assert _selected(page) == []


def test_several_values_reach_the_action(client: FlaskClient) -> None:
    form = Page.get(client, "/plain").form("#plain")
    assert post(form, name="Bo", tags=["red", "green"], sizes=["l"]).status_code == 303
    assert STORE == [("plain", "Bo", ["red", "green"], ["l"], {"attachment": [], "photos": []})]


def _files() -> dict[str, object]:
    return {"attachment": (io.BytesIO(b"one"), "a.txt"),
            "photos": [(io.BytesIO(b"p1"), "p1.png"), (io.BytesIO(b"p2"), "p2.png")]}


def test_plain_file_inputs_reach_the_action_as_filestorage(client: FlaskClient) -> None:
    form = Page.get(client, "/plain").form("#plain")
    assert post(form, name="Cy", tags=["red"], **_files()).status_code == 303
    assert STORE == [("plain", "Cy", ["red"], [], {
        "attachment": [("a.txt", b"one")],
        "photos": [("p1.png", b"p1"), ("p2.png", b"p2")]})]


def test_wtforms_file_fields_reach_the_action(client: FlaskClient) -> None:
    form = Page.get(client, "/uploads").form("#upload")
    assert post(form, **_files()).status_code == 303
    assert STORE == [("uploads", ("a.txt", b"one"), [("p1.png", b"p1"), ("p2.png", b"p2")])]


@pytest.mark.parametrize("helper", ["values('sizes')", "checked('tags', 'red')"])
def test_helpers_outside_a_submission_give_the_default(client: FlaskClient, helper: str) -> None:
    from flask import render_template_string

    with client.application.test_request_context():
        assert render_template_string(f"{{{{ action.{helper} }}}}") in ("[]", "False")
