"""What an inline action captures comes back when the form is posted: empty
cells, defaults, keyword-only defaults, class-based views, actions without a
form parameter and with ``*args``."""

from __future__ import annotations

import pytest
from flask import Flask
from flask.testing import FlaskClient

from ..html import ORIGIN
from ..html import Page
from ..store import STORE
from .kinds_app import create_app


@pytest.fixture
def app() -> Flask:
    return create_app()


def submit(client: FlaskClient, url: str) -> int:
    return Page.get(client, url).form("#main").submit(title="typed").status_code


def test_a_variable_assigned_after_the_def_stays_unassigned(client: FlaskClient) -> None:
    assert submit(client, "/empty-cell") == 303
    assert STORE == [("later", "unassigned")]


def test_defaults_and_keyword_only_defaults_are_captured(client: FlaskClient) -> None:
    assert submit(client, "/defaults") == 303
    assert STORE == [("defaults", "HELLO", "!", "typed")]


@pytest.mark.parametrize(("url", "kind"), [
    ("/things/4", "thing"),
    ("/local-things/4", "local thing"),
], ids=["module-level-class", "class-in-app-factory"])
def test_an_action_inside_a_method_view(client: FlaskClient, url: str, kind: str) -> None:
    assert submit(client, url) == 303
    assert STORE == [(kind, 4, "typed")]


def test_an_action_without_a_form_parameter_is_called_without_it(
        client: FlaskClient) -> None:
    assert submit(client, "/no-form") == 303
    assert STORE == [("no form",)]


def test_varargs_get_the_bound_arguments_then_the_form(client: FlaskClient) -> None:
    assert submit(client, "/varargs") == 303
    assert STORE == [("varargs", (1, "two"), "typed")]


@pytest.mark.parametrize(("name", "store"), [
    ("publish", [("publish", "typed")]),
    ("archive", [("audit", "archive"), ("archive", "typed")]),
], ids=["decorated", "decorated-and-wrapped"])
def test_a_decorated_module_level_action_runs_through_its_wrappers(
        client: FlaskClient, name: str, store: list[tuple[str, str]]) -> None:
    assert submit(client, f"/module/{name}") == 303
    assert STORE == store


def test_a_call_from_client_code_may_send_more_arguments_than_a_form_post(
        client: FlaskClient) -> None:
    token = str(Page.get(client, "/total").soup.select_one("#token")["data-server-action"])  # type: ignore[index]
    response = client.post("/total", json=[1, 2, 3],
                           headers={"Origin": ORIGIN, "X-Server-Action": token})
    assert (response.status_code, response.get_json()) == (200, 6)
