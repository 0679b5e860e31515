"""Resolving a token's ``module:qualname`` leads to exactly one marked
function, or fails with a reason (logged; the user is asked to resubmit)."""

from __future__ import annotations

import pytest

from flask_server_actions.closures import ResolveError
from flask_server_actions.closures import rebuild
from flask_server_actions.closures import resolve
from flask_server_actions.serialization import Serializer

from . import shapes_app

SHAPES = "tests.core.shapes_app"


@pytest.mark.parametrize(("ref", "reason"), [
    ("no colon", "is not of the form module:qualname"),
    (f"{SHAPES}:", "is not of the form module:qualname"),
    ("tests.not_a_module:save", "module 'tests.not_a_module' cannot be imported"),
    (f"{SHAPES}:create_app.<locals>", "ends in <locals>"),
    (f"{SHAPES}:missing", f"{SHAPES} has no attribute 'missing'"),
    (f"{SHAPES}:PostView.missing", "PostView has no attribute 'missing'"),
    (f"{SHAPES}:create_app.<locals>.missing", "no function 'missing' is defined in create_app()"),
    (f"{SHAPES}:create_app.<locals>.varargs.collect",
     "create_app.<locals>.varargs has no attribute 'collect'"),
    (f"{SHAPES}:ONE_FORM", "is not a function"),
    (f"{SHAPES}:ONE_FORM.<locals>.save", "is not a function"),
    (f"{SHAPES}:not_an_action", "is not marked as a server action"),
    (f"{SHAPES}:create_empty_app.<locals>.index.<locals>.helper",
     "is not marked in its code"),
])
def test_a_reference_that_leads_nowhere_says_why(ref: str, reason: str) -> None:
    with pytest.raises(ResolveError, match=reason.replace("(", r"\(").replace(")", r"\)")):
        resolve(ref)


def test_a_module_level_action_resolves_to_the_live_function() -> None:
    target = resolve(f"{SHAPES}:archive")
    assert target.function is shapes_app.archive
    assert target.name == "archive"
    assert rebuild(target, [], [], Serializer()) is shapes_app.archive


def test_resolving_again_uses_the_cache() -> None:
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
