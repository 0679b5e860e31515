"""The samples of docs/security.rst run as documented."""

from __future__ import annotations

import importlib.util
import pathlib
import sys
import types
import typing as t

import pytest

from flask_server_actions import RedisStore

from ..html import Page

EXAMPLES = pathlib.Path(__file__).parents[2] / "docs" / "examples"


@pytest.fixture
def load(monkeypatch: pytest.MonkeyPatch) -> t.Callable[[str], types.ModuleType]:
    def load_(name: str) -> types.ModuleType:
        spec = importlib.util.spec_from_file_location(name, EXAMPLES / f"{name}.py")
        assert spec is not None and spec.loader is not None
        module = importlib.util.module_from_spec(spec)
        # Actions are found again by module name, as in a real app.
        monkeypatch.setitem(sys.modules, name, module)
        spec.loader.exec_module(module)
        return module

    return load_


@pytest.mark.parametrize(("user", "first", "second"), [
    (None, 401, 401),
    ("ada", 403, 403),
    ("admin", 303, 422),
])
def test_checks_and_once_in_the_security_example(
        load: t.Callable[[str], types.ModuleType], user: str | None, first: int,
        second: int) -> None:
    example = load("security_checks")
    client = example.app.test_client()
    if user:
        client.post(f"/login/{user}")
    form = Page.get(client, "/invoices/7").form()
    assert [form.submit().status_code, form.submit().status_code] == [first, second]
    assert example.PAID == ([7] if user == "admin" else [])


def test_the_redis_example_shares_a_redis_store(
        load: t.Callable[[str], types.ModuleType], redis_url: str) -> None:
    app = load("security_redis").create_app(redis_url)
    store = app.extensions["server_actions"].store(app)
    assert isinstance(store, RedisStore)
    assert store.first_use("docs-example", 5) and not store.first_use("docs-example", 5)
