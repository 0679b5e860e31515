"""What makes a function an action: every spelling of the decorator marks an
inline action. (Unmarked ones: test_render_errors.py.)"""

from __future__ import annotations

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


@pytest.mark.parametrize(("kind", "name"), [
    ("module", "with_module"),
    ("parentheses", "with_parentheses"),
    ("stacked", "under_another"),
])
def test_every_spelling_of_the_decorator_marks_an_inline_action(client: FlaskClient, kind: str,
                                                                name: str) -> None:
    assert submit(client, f"/decorator/{kind}") == 303
    assert STORE == [(name, "1")]
