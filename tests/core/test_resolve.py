"""Resolving a token's ``module:qualname``: it leads to exactly one marked
function (cached, without running the view), or fails with a reason whenever
a name from an older deploy leads nowhere (logged; the user resubmits)."""

from __future__ import annotations

import pytest

from flask_server_actions.closures import ResolveError
from flask_server_actions.closures import rebuild
from flask_server_actions.closures import resolve
from flask_server_actions.token.serialization import Serializer

from . import decorated
from . import shapes_app

SHAPES = "tests.core.shapes_app"
UPDATE_POST = "tests.core.core_app:create_app.<locals>.show_post.<locals>.update_post"


@pytest.mark.parametrize(("ref", "reason"), [
    ("no colon", "is not of the form module:qualname"),
    (f"{SHAPES}:", "is not of the form module:qualname"),
    ("tests.gone_since_the_deploy:save",
     "module 'tests.gone_since_the_deploy' cannot be imported"),
    (f"{SHAPES}:create_app.<locals>", "ends in <locals>"),
    (f"{SHAPES}:missing", f"{SHAPES} has no attribute 'missing'"),
    (f"{SHAPES}:PostView.missing", "PostView has no attribute 'missing'"),
    (f"{SHAPES}:create_app.<locals>.missing", "no function 'missing' is defined in create_app()"),
    (f"{SHAPES}:create_app.<locals>.varargs.collect",
     "create_app.<locals>.varargs has no attribute 'collect'"),
    (f"{SHAPES}:ONE_FORM", f"{SHAPES}:ONE_FORM is not a function"),
    (f"{SHAPES}:ONE_FORM.<locals>.save", "is not a function"),
    (f"{SHAPES}:not_an_action", f"{SHAPES}:not_an_action is not marked as a server action"),
    # A helper of a "use server" module is not an action because of its module.
    ("tests.core.core_actions:_helper", "tests.core.core_actions:_helper is not marked"),
    (f"{SHAPES}:create_empty_app.<locals>.index.<locals>.helper",
     "is not marked in its code"),
])
def test_a_name_that_leads_nowhere_says_why(ref: str, reason: str) -> None:
    with pytest.raises(ResolveError, match=reason.replace("(", r"\(").replace(")", r"\)")):
        resolve(ref)


def test_an_inline_action_resolves_to_its_code_without_running_the_view() -> None:
    target = resolve(UPDATE_POST)
    assert target.function is None
    assert target.code.co_name == "update_post"
    assert target.code.co_freevars == ("post_id",)


def test_a_module_level_action_resolves_to_the_live_function() -> None:
    target = resolve(f"{SHAPES}:archive")
    assert target.function is shapes_app.archive
    assert target.name == "archive"
    assert rebuild(target, [], [], Serializer()) is shapes_app.archive


def test_a_decorated_module_level_action_resolves_to_its_wrapper() -> None:
    target = resolve("tests.core.decorated:archive")
    assert target.function is decorated.archive  # the wrapper, which then runs
    assert target.code is decorated.archive.__wrapped__.__code__  # type: ignore[attr-defined]


def test_resolving_twice_uses_the_cache() -> None:
    assert resolve(UPDATE_POST) is resolve(UPDATE_POST)
    assert resolve(f"{SHAPES}:archive") is resolve(f"{SHAPES}:archive")


@pytest.mark.parametrize(("names", "values"), [
    (["other"], [1]),
    ([], []),
    (["post_id"], []),
])
def test_a_token_whose_captured_names_differ_is_refused(names: list[str],
                                                        values: list[object]) -> None:
    target = resolve(f"{SHAPES}:PostView.get.<locals>.publish")
    with pytest.raises(ResolveError, match=r"now captures \[.post_id.\]"):
        rebuild(target, names, values, Serializer())
