"""A client that keeps sending tokens that do not open is throttled: 429
after ``SERVER_ACTIONS_THROTTLE`` refusals in a window, counted per address
in the store one-time tokens use (so Redis shares the count)."""

from __future__ import annotations

import logging
import time
import typing as t

import pytest
from flask import Flask

from flask_server_actions import MemoryStore
from flask_server_actions import RedisStore

from ..store import STORE
from .app_secure import create_app
from .forge import post
from .forge import token_of


def forge_from(app: Flask, address: str, times: int = 1, token: str = "garbage") -> list[int]:
    """Post ``token`` ``times`` times through a proxy saying the client is ``address``."""
    client = app.test_client()
    token_of(client)
    return [post(client, token, headers={"Origin": "http://localhost",
                                         "X-Forwarded-For": address}).status_code
            for _ in range(times)]


@pytest.fixture
def app() -> Flask:
    return create_app(proxy_fix=True, SERVER_ACTIONS_THROTTLE="3/60")


def test_a_forger_gets_429_after_the_allowed_refusals(app: Flask) -> None:
    assert forge_from(app, "203.0.113.5", 5) == [400, 400, 400, 429, 429]


def test_a_foreign_token_counts_as_a_forged_one(app: Flask) -> None:
    foreign = token_of(create_app(secret="another app", name="elsewhere").test_client())
    assert forge_from(app, "203.0.113.5", 4, foreign) == [400, 400, 400, 429]


def test_the_answer_says_when_to_retry(app: Flask) -> None:
    forge_from(app, "203.0.113.5", 3)
    client = app.test_client()
    response = post(client, "garbage", headers={"X-Forwarded-For": "203.0.113.5"})
    assert (response.status_code, response.headers["Retry-After"]) == (429, "60")


def test_other_addresses_are_not_throttled(app: Flask) -> None:
    forge_from(app, "203.0.113.5", 4)
    assert forge_from(app, "203.0.113.6") == [400]


def test_an_ipv6_client_is_counted_by_its_64_network(app: Flask) -> None:
    assert [*forge_from(app, "2001:db8:1:2::1", 2), *forge_from(app, "2001:db8:1:2::ff", 2),
            *forge_from(app, "2001:db8:1:3::1")] == [400, 400, 400, 429, 400]


@pytest.mark.parametrize(("prefix", "together"), [
    (48, [400, 400, 400, 429, 429]),  # a holder of a /48 is one client
    (128, [400, 400, 400, 400, 400]),  # each address is one client
])
def test_the_ipv6_network_counted_as_one_client_is_a_setting(
        prefix: int, together: list[int]) -> None:
    app = create_app(proxy_fix=True, SERVER_ACTIONS_THROTTLE="3/60",
                     SERVER_ACTIONS_IPV6_PREFIX=prefix)
    assert [*forge_from(app, "2001:db8:1:2::1", 2), *forge_from(app, "2001:db8:1:2::ff", 1),
            *forge_from(app, "2001:db8:1:3::1", 2)] == together


@pytest.mark.parametrize(("first", "second"), [
    ("::ffff:203.0.113.5", "::ffff:203.0.113.6"),
    ("::ffff:203.0.113.5", "::ffff:cb00:7106"),
    ("::ffff:10.0.0.1", "::ffff:10.0.0.2"),
])
def test_ipv4_clients_of_a_dual_stack_server_are_counted_apart(app: Flask, first: str,
                                                                second: str) -> None:
    # A dual-stack server sees every IPv4 client as ::ffff:a.b.c.d, all in one /64.
    assert [*forge_from(app, first, 4), *forge_from(app, second, 3)] == [
        400, 400, 400, 429, 400, 400, 400]


@pytest.mark.parametrize(("first", "second"), [
    ("::ffff:203.0.113.5", "203.0.113.5"),
    ("203.0.113.5", "::ffff:203.0.113.5"),
    ("::ffff:203.0.113.5", "::FFFF:cb00:7105"),
])
def test_an_ipv4_client_counts_alike_mapped_or_not(app: Flask, first: str, second: str) -> None:
    assert [*forge_from(app, first, 2), *forge_from(app, second, 2)] == [400, 400, 400, 429]


def test_valid_posts_of_a_throttled_address_still_run(app: Flask) -> None:
    # One forger behind a shared address cannot lock its neighbours out.
    forge_from(app, "203.0.113.5", 5)
    client = app.test_client()
    response = post(client, token_of(client), headers={"X-Forwarded-For": "203.0.113.5"})
    assert response.status_code == 303
    assert STORE == [("save", "typed")]


def test_the_count_ends_with_its_window() -> None:
    now = [1000.0]
    app = create_app(proxy_fix=True, store=MemoryStore(clock=lambda: now[0]),
                     SERVER_ACTIONS_THROTTLE="2/60")
    assert forge_from(app, "203.0.113.5", 3) == [400, 400, 429]
    now[0] += 60
    assert forge_from(app, "203.0.113.5", 3) == [400, 400, 429]


@pytest.mark.parametrize("setting", [None, False, ""])
def test_the_throttle_can_be_turned_off(setting: t.Any) -> None:
    app = create_app(proxy_fix=True, SERVER_ACTIONS_THROTTLE=setting)
    assert forge_from(app, "203.0.113.5", 30) == [400] * 30


def test_the_default_allows_20_refusals_a_minute() -> None:
    app = create_app(proxy_fix=True)
    assert forge_from(app, "203.0.113.5", 21) == [400] * 20 + [429]


@pytest.mark.parametrize(("name", "setting"), [
    *(("SERVER_ACTIONS_THROTTLE", value)
      for value in ["20", "20/", "a/60", "0/60", "20/0", "20/60/1", 20]),
    *(("SERVER_ACTIONS_IPV6_PREFIX", value) for value in [0, 129, "64", None, True]),
])
def test_a_malformed_setting_is_a_clear_error(name: str, setting: t.Any) -> None:
    app = create_app(**{name: setting})
    app.testing = True
    client = app.test_client()
    token_of(client)
    with pytest.raises(ValueError, match=name):
        # From an IPv6 client, so that its prefix is read too.
        post(client, "garbage", environ={"REMOTE_ADDR": "2001:db8::1"})


def test_throttled_refusals_are_logged_as_info_not_as_errors(
        app: Flask, caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.INFO, "flask_server_actions"):
        forge_from(app, "203.0.113.5", 5)
    levels = [record.levelno for record in caplog.records
              if record.name == "flask_server_actions"]
    assert levels == [logging.WARNING] * 3 + [logging.INFO] * 2
    assert "203.0.113.5" in caplog.records[-1].getMessage()


def test_instances_sharing_redis_share_the_count(redis_url: str) -> None:
    prefix = f"throttle-{time.monotonic_ns()}:"
    first, second = (create_app(proxy_fix=True, store=RedisStore(redis_url, prefix=prefix),
                                SERVER_ACTIONS_THROTTLE="3/60") for _ in range(2))
    assert [*forge_from(first, "203.0.113.5", 2), *forge_from(second, "203.0.113.5", 2)] == [
        400, 400, 400, 429]


def test_the_redis_count_expires_with_its_window(redis_url: str) -> None:
    store = RedisStore(redis_url, prefix=f"window-{time.monotonic_ns()}:")
    assert [store.count("client", 30) for _ in range(3)] == [1, 2, 3]
    assert 0 < store.client.ttl(f"{store.prefix}count:client") <= 30


def test_a_client_without_an_address_is_counted_too() -> None:
    app = create_app(SERVER_ACTIONS_THROTTLE="1/60")
    client = app.test_client()
    token_of(client)
    statuses = [post(client, "garbage", environ={"REMOTE_ADDR": ""}).status_code
                for _ in range(2)]
    assert statuses == [400, 429]


def test_fresh_keys_never_reset_a_client_being_counted() -> None:
    # 100 000 fresh keys (as many /64s, or a key= of user input) fill the default bound.
    store = MemoryStore()
    assert [store.count("limit:mod:add:victim", 600) for _ in range(3)] == [1, 2, 3]
    for index in range(100_000):
        store.count(f"limit:mod:add:{index}", 600)
    assert store.count("limit:mod:add:victim", 600) == 4


def test_past_the_bound_new_keys_share_a_counter_of_their_kind() -> None:
    now = [1000.0]
    store = MemoryStore(clock=lambda: now[0], max_counters=2)
    assert [store.count(key, 60) for key in ("limit:a:1", "limit:a:2", "limit:a:1")] == [1, 1, 2]
    # No room: each new key of the kind "limit" counts on one shared counter,
    # whatever follows the kind (an address with colons, another action).
    new_keys = ("limit:a:3", "limit:b:2001:db8::/64", "refused:1", "limit:c", "refused:2")
    assert [store.count(key, 60) for key in new_keys] == [1, 2, 1, 3, 2]
    assert [store.count("limit:a:1", 60), store.count("limit:a:2", 60)] == [3, 2]
    now[0] += 60  # every counter ends: room again
    assert [store.count(key, 60) for key in ("limit:a:3", "limit:a:4")] == [1, 1]


def test_reaching_a_bound_is_logged_once_for_each_kind(
        caplog: pytest.LogCaptureFixture) -> None:
    store = MemoryStore(max_counters=1, max_records=1)
    with caplog.at_level(logging.WARNING, "flask_server_actions"):
        for key in ("a:1", "a:2", "a:3"):
            store.count(key, 60)
        for token in ("x", "y", "z"):
            store.first_use(token, 60)
    assert [record.getMessage() for record in caplog.records] == [
        f"The MemoryStore holds 1 {kind}, its bound ({bound}): use a RedisStore"
        " (SERVER_ACTIONS_STORE) or a larger bound"
        for kind, bound in [("counters", "max_counters"), ("one-time records", "max_records")]]
