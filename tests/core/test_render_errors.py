"""Mistakes in a view show while the page renders, with a message naming the
action, the variable, its type and the fix; nothing reaches a browser."""

from __future__ import annotations

import pytest

from flask_server_actions import ServerActionError
from flask_server_actions.errors import UnmarkedFunction
from flask_server_actions.errors import UnresolvableAction
from flask_server_actions.errors import UnserializableValue

from .broken_app import app

ACT = "tests.core.broken_app:capture.<locals>.act"


def render_error(url: str) -> ServerActionError:
    with pytest.raises(ServerActionError) as info:
        app.test_client().get(url)
    return info.value


@pytest.mark.parametrize(("kind", "words"), [
    ("connection", ["its type sqlite3.Connection cannot be serialized", "an id"]),
    ("object", ["its type object cannot be serialized", "register_type"]),
    ("function", ["its type function cannot be serialized; define that function at module"
                  " level"]),
    ("in-a-list", ["its type list (it holds a object) cannot be serialized"]),
    ("too-big", ["over the limit of 1000 (SERVER_ACTIONS_MAX_CAPTURE_BYTES)"]),
    ("too-deep", ["nested deeper than 8 levels (SERVER_ACTIONS_MAX_DEPTH)"]),
])
def test_a_capture_that_cannot_travel_names_action_variable_type_and_fix(
        kind: str, words: list[str]) -> None:
    error = render_error(f"/capture/{kind}")
    assert isinstance(error, UnserializableValue)
    message = str(error)
    assert f"'act' ({ACT}), 'value'" in message
    for word in words:
        assert word in message
    assert (error.action, error.name) == (ACT, "value")


def test_an_argument_that_cannot_travel_names_its_position() -> None:
    error = render_error("/bound")
    assert isinstance(error, UnserializableValue)
    assert "argument bound to the action 'act'" in str(error)
    assert "'bound argument 2'" in str(error)
    assert error.value_type is not None and error.value_type.__name__ == "Connection"


@pytest.mark.parametrize(("url", "error_class", "words"), [
    ("/unmarked", UnmarkedFunction,
     ["'act' (tests.core.broken_app:unmarked.<locals>.act) is not a server action",
      '"use server" docstring', "@server_action"]),
    ("/lambda", UnresolvableAction,
     ["A lambda (tests.core.broken_app:lambda_.<locals>.<lambda>)", "Define it with `def`"]),
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
     ["'act' (tests.core.broken_app:extra_decorator.<locals>.act) is wrapped by another"
      " decorator", "@server_action(require=...)"]),
    ("/replaced", UnresolvableAction,
     ["tests.core.broken_app:replaced leads to another function than the 'replaced' given",
      "redefined"]),
    ("/not-a-function", UnmarkedFunction,
     ["'update_post' is not a function", "{{ action(update_post) }}"]),
])
def test_an_action_that_cannot_be_found_again_is_refused_at_render_time(
        url: str, error_class: type[Exception], words: list[str]) -> None:
    error = render_error(url)
    assert type(error) is error_class
    for word in words:
        assert word in str(error)
