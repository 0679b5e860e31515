"""Tokens bound to a server-side session (Flask-Session on a real Redis)
work on every gunicorn instance, and ``session.clear()`` ends them."""

from __future__ import annotations

import typing as t

import pytest
import redis

from benchmarks.servers import Gunicorn

from ..scaleout.test_scaleout import Browser
from ..scaleout.test_scaleout import token


@pytest.fixture
def instances(redis_url: str) -> t.Iterator[tuple[Gunicorn, Gunicorn]]:
    env = {"SESSION_APP_REDIS": redis_url}
    first = Gunicorn("tests.integrations.session_app:create_app()", env=env)
    try:
        second = Gunicorn("tests.integrations.session_app:create_app()", env=env)
        try:
            yield first, second
        finally:
            second.stop()
    finally:
        first.stop()


def test_a_token_works_on_another_instance_and_ends_with_the_session(
        instances: tuple[Gunicorn, Gunicorn], redis_url: str) -> None:
    first, second = instances
    # One site behind a load balancer: the same Host for both instances.
    browser = Browser(f"127.0.0.1:{first.port}")
    page = browser.get(first, "/")
    # The cookie holds only the session's id; its data, the token binding
    # among them, is in Redis.
    sid = browser.cookie.removeprefix("session=")
    stored = redis.Redis.from_url(redis_url).get(f"session:{sid}")
    assert stored is not None and b"_server_actions" in stored
    status, html = browser.post(second, "/", {"__action": token(page, "remember"),
                                              "text": "across"})
    assert status == 200 and "<p id=value>saved across</p>" in html
    status, _ = browser.post(second, "/", {"__action": token(page, "forget")})
    assert status == 303
    status, html = browser.post(first, "/", {"__action": token(page, "remember"),
                                             "text": "after clear"})
    assert status == 422 and "Your session changed" in html
    assert "saved after clear" not in html
