"""Resolving a token's action name: by module and qualified name, cached,
and with a reason whenever a name (from an older deploy) leads nowhere."""

from __future__ import annotations

import pytest

from flask_server_actions.closures import ResolveError
from flask_server_actions.closures import resolve

from . import decorated

UPDATE_POST = "tests.core_app:create_app.<locals>.show_post.<locals>.update_post"


@pytest.mark.parametrize(("ref", "reason"), [
    ("tests.core_app", "is not of the form module:qualname"),
    ("tests.gone_since_the_deploy:act", "module 'tests.gone_since_the_deploy' cannot be"
     " imported"),
    ("tests.core_app:nothing", "tests.core_app has no attribute 'nothing'"),
    ("tests.core_app:create_app.<locals>", "ends in <locals>"),
    ("tests.core_app:create_app.<locals>.gone", "no function 'gone' is defined in create_app()"),
    ("tests.core_app:STORE.<locals>.act", "is not a function"),
    ("tests.core_app:POST_PAGE", "tests.core_app:POST_PAGE is not a function"),
    ("tests.core.decorated:helper", "tests.core.decorated:helper is not marked"),
    ("tests.core_actions:_helper", "tests.core_actions:_helper is not marked"),
])
def test_a_name_that_leads_nowhere_says_why(ref: str, reason: str) -> None:
    with pytest.raises(ResolveError, match=reason.replace("(", r"\(").replace(")", r"\)")):
        resolve(ref)


def test_an_inline_action_resolves_to_its_code_without_running_the_view() -> None:
    target = resolve(UPDATE_POST)
    assert target.function is None
    assert target.code.co_name == "update_post"
    assert target.code.co_freevars == ("post_id",)


def test_a_module_level_action_resolves_to_what_the_module_holds() -> None:
    target = resolve("tests.core.decorated:archive")
    assert target.function is decorated.archive  # the wrapper, which then runs
    assert target.code is decorated.archive.__wrapped__.__code__  # type: ignore[attr-defined]


def test_resolving_twice_uses_the_cache() -> None:
    assert resolve(UPDATE_POST) is resolve(UPDATE_POST)
