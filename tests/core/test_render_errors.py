"""Mistakes in a view show while the page renders (not when a user submits),
with a message naming the action, the variable, its type and the fix;
nothing reaches a browser."""

from __future__ import annotations

import pytest
from flask import Flask
from flask import render_template_string

from flask_server_actions import ServerActionError
from flask_server_actions import ServerActions
from flask_server_actions.errors import ActionWithoutPage
from flask_server_actions.errors import UnmarkedFunction
from flask_server_actions.errors import UnresolvableAction
from flask_server_actions.errors import UnserializableValue

from ..html import Page
from ..store import STORE
from .broken_app import app

APP = "tests.core.broken_app"
ACT = f"{APP}:capture.<locals>.act"
FIX = ("Capture plain values instead (an id, not a database row or connection), load the rest"
       " inside the action, or register the type with ServerActions.register_type().")


def render_error(url: str) -> ServerActionError:
    with pytest.raises(ServerActionError) as info:
        app.test_client().get(url)
    return info.value


@pytest.mark.parametrize(("kind", "value_type", "words"), [
    ("connection", "sqlite3.Connection", ["its type sqlite3.Connection cannot be serialized"]),
    ("object", "builtins.object", ["its type object cannot be serialized"]),
    ("opaque", f"{APP}.Opaque", [f"its type {APP}.Opaque cannot be serialized"]),
    ("function", "builtins.function",
     ["its type function cannot be serialized; define that function at module level"]),
    ("in-a-list", "builtins.list", ["its type list (it holds a object) cannot be serialized"]),
    ("opaque-in-a-list", "builtins.list",
     [f"its type list (it holds a {APP}.Opaque) cannot be serialized"]),
    ("too-big", "builtins.str", ["over the limit of 1000 (SERVER_ACTIONS_MAX_CAPTURE_BYTES)"]),
    ("too-deep", "builtins.list", ["nested deeper than 8 levels (SERVER_ACTIONS_MAX_DEPTH)"]),
])
def test_a_capture_that_cannot_travel_names_action_variable_type_and_fix(
        kind: str, value_type: str, words: list[str]) -> None:
    error = render_error(f"/capture/{kind}")
    assert isinstance(error, UnserializableValue)
    message = str(error)
    assert message.startswith(f"The variable captured by the action 'act' ({ACT}), 'value',")
    for word in [*words, FIX]:
        assert word in message
    assert (error.action, error.name) == (ACT, "value")
    assert error.value_type is not None
    assert f"{error.value_type.__module__}.{error.value_type.__qualname__}" == value_type


def test_an_argument_that_cannot_travel_names_its_position() -> None:
    error = render_error("/bound")
    assert isinstance(error, UnserializableValue)
    assert "argument bound to the action 'act'" in str(error)
    assert "'bound argument 2'" in str(error)
    assert error.value_type is not None and error.value_type.__name__ == "Connection"


def test_a_bound_argument_over_the_size_limit_names_the_setting(
        monkeypatch: pytest.MonkeyPatch) -> None:
    error = render_error("/bound-big")
    assert isinstance(error, UnserializableValue)
    assert "over the limit of 1000 (SERVER_ACTIONS_MAX_CAPTURE_BYTES)" in str(error)
    assert error.name == "bound argument 1"
    monkeypatch.setitem(app.config, "SERVER_ACTIONS_MAX_CAPTURE_BYTES", 3000)
    assert app.test_client().get("/bound-big").status_code == 200


@pytest.mark.parametrize(("url", "error_class", "words"), [
    ("/unmarked", UnmarkedFunction,
     [f"'act' ({APP}:unmarked.<locals>.act) is not a server action",
      '"use server" docstring', "@server_action"]),
    ("/unmarked-module", UnmarkedFunction,
     [f"'helper' ({APP}:helper) is not a server action",
      'a module whose docstring is "use server"']),
    ("/lambda", UnresolvableAction,
     [f"A lambda ({APP}:lambda_.<locals>.<lambda>)", "Define it with `def`"]),
    ("/twins", UnresolvableAction,
     ["2 functions named 'act' are defined in twins()", "give each a distinct name"]),
    ("/marked-later", UnresolvableAction,
     ["marked_later.<locals>.act is not marked in its code",
      "@server_action written directly above `def`"]),
    ("/alias", UnresolvableAction,
     ["alias.<locals>.act is not marked in its code", "(by that name, not an alias)"]),
    ("/wrapped", UnresolvableAction,
     ["no function 'act' is defined in wrapper()", "functools.wraps"]),
    ("/extra-decorator", UnresolvableAction,
     [f"'act' ({APP}:extra_decorator.<locals>.act) is wrapped by another"
      " decorator", "@server_action(require=...)"]),
    ("/replaced", UnresolvableAction,
     [f"{APP}:replaced leads to another function than the 'replaced' given", "redefined"]),
    ("/not-a-function/string", UnmarkedFunction,
     ["'update_post' is not a function", "{{ action(update_post) }}"]),
    ("/not-a-function/method", UnmarkedFunction,
     ["<bound method Model.save of", "is not a function", "{{ action(update_post) }}"]),
    ("/not-a-function/builtin", UnmarkedFunction,
     ["<built-in function print> is not a function"]),
])
def test_an_action_that_cannot_be_found_again_is_refused_at_render_time(
        url: str, error_class: type[Exception], words: list[str]) -> None:
    error = render_error(url)
    assert type(error) is error_class
    for word in words:
        assert word in str(error)


def test_a_view_wrapped_with_functools_wraps_keeps_its_actions() -> None:
    response = Page.get(app.test_client(), "/kept").form().submit()
    assert response.status_code == 303
    assert STORE == [("saved", "1")]


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


@pytest.mark.parametrize("template", [
    "{{ action(act, typo) }}", "{{ action(act, 1, typo) }}", "{{ action.button(act, typo) }}",
])
def test_an_undefined_bound_argument_names_the_template_variable(template: str) -> None:
    app = Flask(__name__)
    app.config.update(SECRET_KEY="x", TESTING=True)
    ServerActions(app)

    @app.get("/")
    def page() -> str:
        def act(*args: object) -> None:
            "use server"

        return render_template_string(template, act=act)

    with pytest.raises(UnserializableValue) as info:
        app.test_client().get("/")
    message = str(info.value)
    assert "'typo' is undefined" in message
    assert "render_template(..., typo=typo)" in message
    assert "jinja2" not in message


def _app_with(route: str, methods: list[str]) -> Flask:
    app = Flask(__name__)
    app.config.update(SECRET_KEY="x", TESTING=True)
    ServerActions(app)

    def act(form: object) -> None:
        "use server"

    def view() -> str:
        return render_template_string("{{ action(act) }}", act=act)

    if route:
        app.add_url_rule(route, "submit_only", view, methods=methods)
    app.register_error_handler(404, lambda error: (view(), 404))
    return app


def test_a_page_action_on_a_page_without_a_route_names_the_page_and_the_fix() -> None:
    with pytest.raises(ActionWithoutPage) as info:
        _app_with("", []).test_client().get("/nowhere")
    assert str(info.value) == (
        "The action 'act' (tests.core.test_render_errors:_app_with.<locals>.act) is rendered"
        " on the page '/nowhere', which has no route (an error page): its form posts back to"
        " that URL, where no GET view can run it, so it could never run. Render it on a page"
        ' with a GET route, or declare it for every page: @server_action(scope="app") at'
        ' module level, in <form method="post"'
        """ action="{{ url_for('server_actions.run') }}">.""")


def test_a_page_action_on_a_view_without_get_names_the_view_and_the_fix() -> None:
    with pytest.raises(ActionWithoutPage) as info:
        _app_with("/submit", ["POST"]).test_client().post("/submit", data={"x": "1"})
    message = str(info.value)
    assert "view 'submit_only'" in message and "/submit" in message
    assert "add GET to its methods" in message
