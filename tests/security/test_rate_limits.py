"""``@server_action(limit="3/minute", key=...)``: the post past the limit
in its window does not run; it gets its page again with the input and a
"try again in 10 minutes" notice (the wait in words), 429 with ``Retry-After``. Counted in the
app's store before the action runs and before a one-time token is recorded."""

from __future__ import annotations

import json
import typing as t
import uuid

import pytest
from flask import Flask
from werkzeug.test import TestResponse

from flask_server_actions import ActionStore
from flask_server_actions import MemoryStore
from flask_server_actions import RedisStore
from flask_server_actions import server_action
from flask_server_actions.signals import action_refused

from ..html import ORIGIN
from ..html import Page
from ..store import STORE
from .app_limits import create_app


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def app(clock: Clock) -> Flask:
    return create_app(MemoryStore(clock=clock))


def submit(app: Flask, form: str = "#add", address: str = "203.0.113.5",
           headers: dict[str, str] | None = None, title: str = "Hi",
           client: t.Any = None) -> TestResponse:
    client = client or app.test_client()
    sent = {"X-Forwarded-For": address, **(headers or {})}
    page = Page(client, "/notes", client.get("/notes", headers=sent))
    return page.form(form).submit(headers=sent, title=title)


def statuses(app: Flask, times: int, **kwargs: t.Any) -> list[int]:
    return [submit(app, **kwargs).status_code for _ in range(times)]


def test_the_post_past_the_limit_is_refused_and_the_action_ran_limit_times(app: Flask) -> None:
    assert statuses(app, 5) == [303, 303, 303, 429, 429]
    assert STORE == [("add", "Hi")] * 3


def test_the_refused_post_shows_the_page_with_the_input_and_when_to_retry(
        app: Flask, clock: Clock) -> None:
    statuses(app, 3)
    clock.now += 20
    response = submit(app, title="Kept title")
    page = Page(app.test_client(), "/notes", response)
    assert response.status_code == 429
    assert response.headers["Retry-After"] == "40"
    assert page.value("title") == "Kept title"
    assert "Too many attempts: please try again in 40 seconds." in page.text(".action-notice")
    assert "no-store" in response.headers["Cache-Control"]


def test_the_window_expires(app: Flask, clock: Clock) -> None:
    assert statuses(app, 4) == [303, 303, 303, 429]
    clock.now += 60
    assert statuses(app, 4) == [303, 303, 303, 429]
    assert len(STORE) == 6


def test_addresses_count_apart(app: Flask) -> None:
    assert statuses(app, 4, address="203.0.113.5") == [303, 303, 303, 429]
    assert statuses(app, 1, address="203.0.113.6") == [303]


def test_an_ipv6_client_is_counted_by_its_network_of_the_prefix_setting(clock: Clock) -> None:
    app = create_app(MemoryStore(clock=clock), SERVER_ACTIONS_IPV6_PREFIX=48)
    assert [*statuses(app, 2, address="2001:db8:1:2::1"),
            *statuses(app, 2, address="2001:db8:1:ffff::1")] == [303, 303, 303, 429]
    assert statuses(app, 1, address="2001:db8:2::1") == [303]


def test_logged_in_users_count_apart(app: Flask) -> None:
    ada, bob = app.test_client(), app.test_client()
    ada.get("/login/ada")
    bob.get("/login/bob")
    assert statuses(app, 3, form="#per_user", client=ada) == [303, 303, 429]
    # Same address, another user.
    assert statuses(app, 1, form="#per_user", client=bob) == [303]


def test_a_key_function_decides_what_counts_together(app: Flask) -> None:
    red = {"X-Team": "red"}
    assert statuses(app, 3, form="#per_team", headers=red, address="203.0.113.1") == [303, 303, 429]
    # Another address of the same team shares the count; another team does not.
    assert statuses(app, 1, form="#per_team", headers=red, address="203.0.113.2") == [429]
    assert statuses(app, 1, form="#per_team", headers={"X-Team": "blue"}) == [303]


def test_actions_count_apart(app: Flask) -> None:
    assert statuses(app, 3, form="#module_add") == [303, 303, 429]
    assert statuses(app, 1) == [303]


def test_page_views_are_never_counted(app: Flask) -> None:
    client = app.test_client()
    for _ in range(10):
        assert client.get("/notes", headers={"X-Forwarded-For": "203.0.113.5"}).status_code == 200
    assert statuses(app, 4) == [303, 303, 303, 429]


def test_a_refused_post_does_not_use_up_its_one_time_token(app: Flask, clock: Clock) -> None:
    client = app.test_client()
    assert submit(app, form="#once_add", client=client).status_code == 303
    page = Page(client, "/notes", client.get("/notes"))
    second = page.form("#once_add")
    proxy = {"X-Forwarded-For": "203.0.113.5"}
    assert second.submit(title="later", headers=proxy).status_code == 429
    clock.now += 61
    assert second.submit(title="later", headers=proxy).status_code == 303
    assert STORE == [("once_add", "Hi"), ("once_add", "later")]


def test_the_refusal_is_signalled_with_its_reason(app: Flask) -> None:
    heard: list[tuple[str, str]] = []

    def hear(sender: Flask, name: str, ref: str, reason: str) -> None:
        heard.append((name, reason))

    statuses(app, 3)
    with action_refused.connected_to(hear, app):
        submit(app)
    assert heard == [("add", "over its limit of 3 per 60 seconds")]


def test_a_json_call_gets_a_json_429(app: Flask) -> None:
    client = app.test_client()
    page = Page.get(client, "/notes")
    token = str(page.soup.select_one("#call")["data-server-action"])  # type: ignore[index]
    answers = [client.post("/notes", data=json.dumps([{"title": "x"}]),
                           content_type="application/json",
                           headers={"Origin": ORIGIN, "X-Server-Action": token})
               for _ in range(4)]
    last = answers[-1]
    assert [answer.status_code for answer in answers] == [200, 200, 200, 429]
    assert last.headers["Retry-After"] == "60"
    assert last.json == {"error": "Too many attempts: please try again in 1 minute.",
                         "field": None}


def test_htmx_gets_the_notice_to_swap(app: Flask) -> None:
    statuses(app, 3)
    response = submit(app, headers={"HX-Request": "true"})
    assert response.status_code == 429
    assert "please try again in 1 minute" in response.get_data(as_text=True)


def test_two_instances_on_one_redis_share_the_count(redis_url: str) -> None:
    prefix = f"limits-{uuid.uuid4().hex}:"
    one = create_app(RedisStore(redis_url, prefix=prefix))
    two = create_app(RedisStore(redis_url, prefix=prefix))
    assert [*statuses(one, 2), *statuses(two, 1), *statuses(one, 1)] == [303, 303, 303, 429]
    response = submit(two)
    assert response.status_code == 429
    assert 55 <= int(response.headers["Retry-After"]) <= 60


@pytest.mark.parametrize("limit", ["5", "5/fortnight", "0/minute", "-1/minute", "x/60",
                                   "5/0", 5])
@pytest.mark.parametrize("option", ["limit", "validate_limit"])
def test_a_limit_that_cannot_be_read_is_an_error_naming_the_forms(limit: t.Any,
                                                                  option: str) -> None:
    with pytest.raises(ValueError, match=rf'^server_action\({option}=\.\.\.\) is .*"5/minute"'):
        server_action(**{option: limit})


@pytest.mark.parametrize(("limit", "count", "window"), [
    ("5/second", 5, 1), ("5/minute", 5, 60), ("100/hour", 100, 3600), ("7/day", 7, 86400),
    ("10/30", 10, 30),
])
def test_limits_are_read_in_their_units(limit: str, count: int, window: int) -> None:
    from flask_server_actions.post.limits import parse_limit

    assert parse_limit(limit) == (count, window)


def test_a_key_that_is_neither_a_kind_nor_a_function_is_an_error() -> None:
    with pytest.raises(ValueError, match="address"):
        server_action(limit="1/minute", key="everyone")


def test_without_a_login_the_user_key_counts_by_address(app: Flask) -> None:
    assert statuses(app, 3, form="#per_user") == [303, 303, 429]
    assert statuses(app, 1, form="#per_user", address="203.0.113.9") == [303]


class CountingStore(ActionStore):
    """A store of an app that implements what stores of 0.2 did, not hit()."""

    def __init__(self) -> None:
        self.memory = MemoryStore()

    def first_use(self, token_id: str, ttl: int) -> bool:
        return self.memory.first_use(token_id, ttl)

    def count(self, key: str, window: int) -> int:
        return self.memory.count(key, window)


def test_a_store_that_only_counts_says_retry_after_the_whole_window() -> None:
    app = create_app(CountingStore())
    statuses(app, 3)
    response = submit(app)
    assert (response.status_code, response.headers["Retry-After"]) == (429, "60")
