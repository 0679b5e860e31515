"""Actions of every shape rebuild and run as they were rendered."""

from __future__ import annotations

import io

import pytest
from flask.testing import FlaskClient

from ..html import Page
from ..store import STORE
from .shapes_app import create_app


@pytest.fixture
def client() -> FlaskClient:
    return create_app().test_client()


def submit(client: FlaskClient, url: str, selector: str = "form") -> int:
    return Page.get(client, url).form(selector).submit().status_code


def test_the_form_holds_fields_repeated_fields_and_files_together(client: FlaskClient) -> None:
    form = Page.get(client, "/upload").form()
    response = form.submit(title="report", files={"doc": (io.BytesIO(b"%PDF"), "r.pdf")})
    assert response.status_code == 303
    assert STORE == [("attach", "report", ["a", "b"], "r.pdf", b"%PDF")]


@pytest.mark.parametrize(("kind", "name"), [
    ("module", "with_module"),
    ("parentheses", "with_parentheses"),
    ("stacked", "under_another"),
])
def test_every_spelling_of_the_decorator_marks_an_inline_action(client: FlaskClient, kind: str,
                                                                name: str) -> None:
    assert submit(client, f"/decorator/{kind}") == 303
    assert STORE == [(name, "1")]
