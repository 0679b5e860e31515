"""Mistakes in using actions fail while the page renders (not when a user
submits), with a message naming the action, the variable, its type and the fix."""

from __future__ import annotations

import re

import pytest
from flask import Flask
from flask import render_template_string

from flask_server_actions import ServerActionError
from flask_server_actions import ServerActions
from flask_server_actions.errors import UnmarkedFunction
from flask_server_actions.errors import UnresolvableAction
from flask_server_actions.errors import UnserializableValue

from ..html import Page
from .render_app import create_app

VIEW = "tests.core.render_app:"
FIX = "register the type with ServerActions.register_type()"


@pytest.mark.parametrize(("kind", "type_name", "detail"), [
    ("connection", "sqlite3.Connection", "its type sqlite3.Connection cannot be serialized"),
    ("object", "Opaque", "its type tests.core.render_app.Opaque cannot be serialized"),
    ("list", "list", "its type list (it holds a tests.core.render_app.Opaque) cannot be"),
])
def test_an_unserializable_capture_names_action_variable_type_and_fix(
        kind: str, type_name: str, detail: str) -> None:
    with pytest.raises(UnserializableValue) as caught:
        create_app().test_client().get(f"/capture/{kind}")
    message = str(caught.value)
    for part in ("'save'", f"{VIEW}capture.<locals>.save", "variable captured by",
                 "'db'", detail, "Capture plain values instead", FIX):
        assert part in message
    assert caught.value.action == f"{VIEW}capture.<locals>.save"
    assert caught.value.name == "db"
    assert f"{caught.value.value_type.__module__}.{caught.value.value_type.__qualname__}" \
        .endswith(type_name)


def test_an_unserializable_bound_argument_is_named_by_position() -> None:
    with pytest.raises(UnserializableValue, match=r"argument bound to .*'bound argument 1'"
                       r".*its type tests.core.render_app.Opaque"):
        create_app().test_client().get("/bound/object")


def test_a_bound_argument_over_the_size_limit_names_the_setting() -> None:
    with pytest.raises(UnserializableValue, match=re.escape(
            "over the limit of 4096 (SERVER_ACTIONS_MAX_CAPTURE_BYTES)")) as caught:
        create_app().test_client().get("/bound/big")
    assert caught.value.name == "bound argument 1"
    assert create_app(SERVER_ACTIONS_MAX_CAPTURE_BYTES=6000).test_client() \
        .get("/bound/big").status_code == 200


@pytest.mark.parametrize(("url", "error", "parts"), [
    ("/unmarked", UnmarkedFunction,
     ["'save'", f"{VIEW}unmarked.<locals>.save", "is not a server action",
      '"use server" docstring', "@server_action"]),
    ("/twins/1", UnresolvableAction,
     ["2 functions named 'save'", "give each a distinct name"]),
    ("/redefined", UnresolvableAction,
     [f"{VIEW}redefined leads to another function than the 'redefined' given"]),
    ("/hidden", UnresolvableAction,
     ["no function 'save' is defined in wrapper()", "functools.wraps"]),
    ("/not-a-function/string", UnmarkedFunction, ["'save' is not a function",
                                                  "{{ action(update_post) }}"]),
    ("/not-a-function/method", UnmarkedFunction, ["bound method Model.save", "is not a function"]),
    ("/not-a-function/builtin", UnmarkedFunction, ["built-in function print"]),
])
def test_a_misused_action_fails_at_render_telling_the_fix(
        url: str, error: type[Exception], parts: list[str]) -> None:
    with pytest.raises(error) as caught:
        create_app().test_client().get(url)
    assert isinstance(caught.value, ServerActionError)
    for part in parts:
        assert part in str(caught.value)


def test_a_view_wrapped_with_functools_wraps_keeps_its_actions(
        capsys: pytest.CaptureFixture[str]) -> None:
    response = Page.get(create_app().test_client(), "/wrapped").form().submit(x="1")
    assert response.status_code == 303
    assert "saved 1" in capsys.readouterr().out


@pytest.mark.parametrize("template", [
    "{{ action(typo) }}", "{{ action.button(typo, 1) }}", "{{ action.form(typo) }}",
    "{{ action.data(typo) }}",
])
def test_an_undefined_action_names_the_template_variable(template: str) -> None:
    app = Flask(__name__)
    app.config["SECRET_KEY"] = "x"
    ServerActions(app)
    with app.test_request_context("/"), pytest.raises(
            UnmarkedFunction, match=r"'typo' is undefined.*render_template\(\.\.\., typo="):
        render_template_string(template)
