"""Captured values and bound arguments travel through a form as tagged JSON
and come back as the same values, of the same types; a registered type
travels as its key and is loaded again on submit."""

from __future__ import annotations

import pytest
from flask import Flask
from flask.testing import FlaskClient

from ..core.kinds_app import DATABASE
from ..core.kinds_app import SAMPLES
from ..core.kinds_app import Row
from ..core.kinds_app import create_app
from ..html import Form
from ..html import Page
from ..store import STORE
from ..tokens.decrypt import decrypt
from .compare import same


@pytest.fixture
def app() -> Flask:
    return create_app()


@pytest.mark.parametrize("name", list(SAMPLES))
@pytest.mark.parametrize("how", ["capture", "bind"])
def test_value_comes_back_as_the_same_type(client: FlaskClient, how: str, name: str) -> None:
    response = Page.get(client, f"/{how}/{name}").form("#main").submit(title="t")
    assert response.status_code == 303
    ((_kind, value),) = STORE
    assert same(value, SAMPLES[name]), value


@pytest.fixture
def row_page(client: FlaskClient) -> Page:
    DATABASE.clear()
    DATABASE[7] = Row(7, "first draft")
    return Page.get(client, "/rows/7")


def test_a_registered_row_travels_as_its_key_and_is_loaded_on_submit(row_page: Page) -> None:
    plain = decrypt(row_page.form("#main").token(), "kinds secret", "tests.core.kinds_app")
    assert b"first draft" not in plain and b'{"#x":["Row",7]}' in plain  # only the key
    DATABASE[7] = Row(7, "edited meanwhile")  # the action sees the row as it is now
    assert row_page.form("#main").submit(title="t").status_code == 303
    assert STORE == [("row", Row(7, "edited meanwhile"), Row(7, "edited meanwhile"))]


def test_a_row_deleted_since_the_render_answers_what_the_loader_says(row_page: Page) -> None:
    DATABASE.clear()
    assert row_page.form("#main").submit(title="t").status_code == 404
    assert STORE == []


def test_a_type_registered_under_a_new_name_asks_to_resubmit_and_keeps_the_input(
        row_page: Page) -> None:
    later = create_app(type_name="Post").test_client()  # the next deploy
    cookie = row_page.client.get_cookie("session")
    assert cookie is not None
    later.set_cookie("session", cookie.value)
    response = Page(later, "/rows/7", row_page.client.get("/rows/7"))
    answer = Form(response, row_page.form("#main").tag).submit(title="kept")
    assert answer.status_code == 422
    assert 'value="kept"' in answer.get_data(as_text=True)
    assert STORE == []
