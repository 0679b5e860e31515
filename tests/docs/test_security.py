"""The samples of docs/security.rst run as documented."""

from __future__ import annotations

import types
import typing as t

import pytest

from flask_server_actions import RedisStore

from ..html import Page


@pytest.mark.parametrize(("user", "first", "second"), [
    (None, 401, 401),
    ("ada", 403, 403),
    ("admin", 303, 422),
])
def test_checks_and_once_in_the_security_example(
        sample: t.Callable[[str], types.ModuleType], user: str | None, first: int,
        second: int) -> None:
    example = sample("security_checks")
    client = example.app.test_client()
    if user:
        client.post(f"/login/{user}")
    form = Page.get(client, "/invoices/7").form()
    assert [form.submit().status_code, form.submit().status_code] == [first, second]
    assert example.PAID == ([7] if user == "admin" else [])


def test_the_redis_example_shares_a_redis_store(
        sample: t.Callable[[str], types.ModuleType], redis_url: str) -> None:
    app = sample("security_redis").create_app(redis_url)
    store = app.extensions["server_actions"].store(app)
    assert isinstance(store, RedisStore)
    assert store.first_use("docs-example", 5) and not store.first_use("docs-example", 5)
