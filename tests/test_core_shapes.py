"""Actions of every shape rebuild and run as they were rendered."""

from __future__ import annotations

import io

import pytest
from flask.testing import FlaskClient

from .core_shapes import create_app
from .html import Page
from .store import STORE


@pytest.fixture
def client() -> FlaskClient:
    return create_app().test_client()


def submit(client: FlaskClient, url: str, selector: str = "form") -> int:
    return Page.get(client, url).form(selector).submit().status_code


def test_a_variable_assigned_after_the_def_stays_unassigned(client: FlaskClient) -> None:
    assert submit(client, "/empty-cell") == 303
    assert STORE == [("empty_cell", "unassigned")]


def test_defaults_and_keyword_only_defaults_are_the_rendered_ones(client: FlaskClient) -> None:
    assert submit(client, "/defaults/4") == 303
    assert STORE == [("defaults", 8, "item 4", True)]


def test_an_action_without_a_form_parameter_is_called_without_it(client: FlaskClient) -> None:
    assert submit(client, "/no-form/5") == 303
    assert submit(client, "/no-form/5", "form:nth-of-type(2)") == 303
    assert STORE == [("ping", 5), ("ping_bound", 6)]


def test_varargs_get_the_bound_arguments_then_the_form(client: FlaskClient) -> None:
    assert submit(client, "/varargs") == 303
    assert STORE == [("varargs", (1, "two"), "1")]


@pytest.mark.parametrize(("url", "expected"), [
    ("/class/3", ("publish", 3, "1")),
    ("/local-class", ("pin", "1")),
])
def test_an_inline_action_of_a_class_based_view_runs(client: FlaskClient, url: str,
                                                     expected: tuple[object, ...]) -> None:
    assert submit(client, url) == 303
    assert STORE == [expected]


def test_decorated_module_level_actions_run(client: FlaskClient) -> None:
    assert submit(client, "/module") == 303
    assert submit(client, "/module", "form:nth-of-type(2)") == 303
    assert STORE == [("archive", "1"), ("archive_with_options", "1")]


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
