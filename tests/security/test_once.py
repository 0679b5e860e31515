"""Replay control: a one-time action runs once per rendered form, whatever
the browser or an attacker sends again."""

from __future__ import annotations

import io
import logging
import tempfile
import threading
import time
import typing as t

import pytest
import redis
from flask import Flask
from flask.testing import FlaskClient

from flask_server_actions import ActionStore
from flask_server_actions import MemoryStore
from flask_server_actions import RedisStore
from flask_server_actions.errors import AlreadySubmitted
from flask_server_actions.integrations.stores import store_from_setting

from ..forms.app_uploads import create_app as create_uploads_app
from ..html import ORIGIN
from ..html import Page
from ..store import STORE
from .app_limits import create_app as create_limited_app
from .app_secure import create_app
from .forge import opener
from .forge import post
from .forge import same_browser
from .forge import token_of


class CountingStore(MemoryStore):
    def __init__(self) -> None:
        super().__init__()
        self.calls: list[str] = []

    def first_use(self, token_id: str, ttl: int) -> bool:
        self.calls.append(token_id)
        return super().first_use(token_id, ttl)


def resubmit_is_refused(client: FlaskClient, url: str, ran: t.Any) -> None:
    token = token_of(client, url)
    assert post(client, token, url, x="first").status_code == 303
    response = post(client, token, url, x="second")
    assert response.status_code == 422
    page = Page(client, url, response)
    assert page.text(".action-notice") == AlreadySubmitted.notice
    assert page.value("x") == "second"
    assert STORE == [ran]


def test_second_submission_of_a_once_form_rerenders_with_a_notice(client: FlaskClient) -> None:
    resubmit_is_refused(client, "/pay", ("charge", "first"))


def test_module_level_once_action_runs_once(client: FlaskClient) -> None:
    client.post("/login")
    resubmit_is_refused(client, "/transfer", ("transfer", 10))


def test_once_setting_applies_to_every_action() -> None:
    resubmit_is_refused(create_app(SERVER_ACTIONS_ONCE=True).test_client(), "/plain",
                        ("save", "first"))


def test_actions_without_once_can_be_resubmitted(client: FlaskClient) -> None:
    token = token_of(client)
    assert [post(client, token).status_code for _ in range(2)] == [303, 303]


def test_the_rerendered_page_gives_a_fresh_token_for_a_new_submission(
        client: FlaskClient) -> None:
    token = token_of(client, "/pay")
    post(client, token, "/pay", x="first")
    again = Page(client, "/pay", post(client, token, "/pay", x="second"))
    assert again.form("#form").submit().status_code == 303
    assert STORE == [("charge", "first"), ("charge", "second")]


def test_an_action_returning_a_value_is_once_too(client: FlaskClient) -> None:
    token = token_of(client, "/pay-state")
    assert post(client, token, "/pay-state").status_code == 200
    assert post(client, token, "/pay-state").status_code == 422
    assert STORE == [("charge_and_show", "typed")]


def test_inline_once_travels_in_the_token(app: Flask, client: FlaskClient) -> None:
    token = token_of(client, "/pay")
    options = dict(opener(app, client, int(time.time()))(token).options)
    assert options.pop("decorator")  # see test_deploy_options.py
    assert options == {"once": True}


def test_a_refused_check_does_not_use_up_the_token(client: FlaskClient) -> None:
    token = token_of(client, "/transfer")
    assert post(client, token, "/transfer").status_code == 403
    client.post("/login")
    assert post(client, token, "/transfer").status_code == 303
    assert STORE == [("transfer", 10)]


def test_the_store_is_consulted_only_for_once_actions() -> None:
    store = CountingStore()
    client = create_app(store=store).test_client()
    post(client, token_of(client, "/plain"))
    assert store.calls == []
    post(client, token_of(client, "/pay"), "/pay")
    assert len(store.calls) == 1


def test_memory_store_forgets_after_the_ttl() -> None:
    now = [100.0]
    store = MemoryStore(clock=lambda: now[0])
    assert store.first_use("a", 10)
    assert not store.first_use("a", 10)
    now[0] += 10
    assert store.first_use("a", 10)
    assert len(store) == 1


def test_memory_store_records_are_bounded_forgetting_those_closest_to_their_end(
        caplog: pytest.LogCaptureFixture) -> None:
    store = MemoryStore(max_records=2)
    assert store.first_use("later", 90) and store.first_use("sooner", 30)
    with caplog.at_level(logging.WARNING, "flask_server_actions"):
        assert store.first_use("new", 60)
    assert len(store) == 2
    assert [store.peek(token, 0) is not None for token in ("later", "sooner", "new")] == [
        True, False, True]
    assert "max_records" in caplog.records[-1].getMessage()


def _race(store: ActionStore, runners: int = 16) -> list[bool]:
    barrier = threading.Barrier(runners)
    results: list[bool] = []
    lock = threading.Lock()

    def run() -> None:
        barrier.wait()
        first = store.first_use("same-token", 60)
        with lock:
            results.append(first)

    threads = [threading.Thread(target=run) for _ in range(runners)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results


def test_memory_store_lets_exactly_one_of_concurrent_uses_through() -> None:
    assert sorted(_race(MemoryStore())) == [False] * 15 + [True]


def test_the_store_setting_wins_over_the_constructor(redis_url: str) -> None:
    app = create_app(store=MemoryStore(), SERVER_ACTIONS_STORE=redis_url)
    assert isinstance(app.extensions["server_actions"].store(app), RedisStore)


def test_the_store_setting_may_be_a_store() -> None:
    store = MemoryStore()
    app = create_app(SERVER_ACTIONS_STORE=store)
    assert app.extensions["server_actions"].store(app) is store


def test_a_store_setting_that_is_no_store_is_a_clear_error() -> None:
    with pytest.raises(TypeError, match="SERVER_ACTIONS_STORE"):
        store_from_setting(t.cast(t.Any, "memcached://localhost"))


# Redis: a real redis-server (see conftest.redis_url), shared by app instances.


def test_redis_store_lets_exactly_one_of_concurrent_uses_through(redis_url: str) -> None:
    store = RedisStore(redis_url, prefix=f"race-{time.monotonic_ns()}:")
    assert sorted(_race(store)) == [False] * 15 + [True]


def test_redis_record_expires_with_the_token(redis_url: str) -> None:
    store = RedisStore(redis.Redis.from_url(redis_url))
    assert store.first_use("ttl-check", 90)
    assert 0 < store.client.ttl(store.prefix + "ttl-check") <= 90


def test_redis_store_refuses_a_replay_on_the_same_instance(redis_url: str) -> None:
    client = create_app(SERVER_ACTIONS_STORE=redis_url).test_client()
    resubmit_is_refused(client, "/pay", ("charge", "first"))


def test_two_instances_sharing_redis_run_a_once_token_once(redis_url: str) -> None:
    first = create_app(store=RedisStore(redis_url))
    second = create_app(store=RedisStore(redis_url))
    browser = first.test_client()
    token = token_of(browser, "/pay")
    other = same_browser(browser, second)
    assert post(browser, token, "/pay").status_code == 303
    assert post(other, token, "/pay").status_code == 422
    assert STORE == [("charge", "typed")]


def test_the_second_instance_alone_runs_an_inline_once_action_once(redis_url: str) -> None:
    # The instance that never rendered the page learns `once` from the token.
    first, second = create_app(), create_app(SERVER_ACTIONS_STORE=redis_url)
    browser = first.test_client()
    token = token_of(browser, "/pay")
    other = same_browser(browser, second)
    assert [post(other, token, "/pay").status_code for _ in range(2)] == [303, 422]


# Several processes: a store of one process must not decide in silence.

MULTIPROCESS = {"wsgi.multiprocess": True}


def _once_post(**chosen: t.Any) -> int:
    client = create_app(**chosen).test_client()
    return post(client, token_of(client, "/pay"), "/pay", environ=MULTIPROCESS).status_code


def _limited_post(**chosen: t.Any) -> int:
    client = create_limited_app(**chosen).test_client()
    form = Page.get(client, "/notes").form("#add")
    return client.post("/notes", data={**dict(form.fields()), "title": "x"},
                       headers={"Origin": ORIGIN}, environ_overrides=MULTIPROCESS).status_code


def _keeping_post(**chosen: t.Any) -> int:
    """A failed post with a file: keeping it counts against the kept-upload budgets."""
    if "store" in chosen:  # this app takes settings only
        chosen = {"SERVER_ACTIONS_STORE": chosen["store"]}
    with tempfile.TemporaryDirectory() as kept:
        client = create_uploads_app(SERVER_ACTIONS_UPLOAD_DIR=kept, **chosen).test_client()
        form = Page.get(client, "/docs").form("#doc")
        data = {**dict(form.fields()), "title": "",
                "attachment": (io.BytesIO(b"%PDF-1.7"), "report.pdf", "application/pdf")}
        return client.post("/docs", data=data, content_type="multipart/form-data",
                           headers={"Origin": ORIGIN},
                           environ_overrides=MULTIPROCESS).status_code


def _forged_post(**chosen: t.Any) -> int:
    client = create_app(**chosen).test_client()
    token_of(client)
    return post(client, "garbage", environ=MULTIPROCESS).status_code


@pytest.mark.parametrize("decides", [_once_post, _limited_post, _keeping_post, _forged_post])
def test_the_default_store_refuses_to_decide_for_several_processes(
        decides: t.Callable[..., int], caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.ERROR, "flask_server_actions"):
        assert decides() == 500
    assert STORE == []
    logged = caplog.records[-1]
    assert logged.levelno == logging.ERROR
    assert "SERVER_ACTIONS_STORE" in logged.getMessage()
    assert '"memory"' in logged.getMessage()


@pytest.mark.parametrize("chosen", [{"SERVER_ACTIONS_STORE": "memory"},
                                    {"SERVER_ACTIONS_STORE": MemoryStore()},
                                    {"store": MemoryStore()}], ids=["name", "setting", "argument"])
@pytest.mark.parametrize(("decides", "status"), [(_once_post, 303), (_limited_post, 303),
                                                 (_keeping_post, 422), (_forged_post, 400)])
def test_a_memory_store_chosen_knowingly_decides_for_several_processes(
        chosen: dict[str, t.Any], decides: t.Callable[..., int], status: int) -> None:
    assert decides(**chosen) == status


def test_actions_that_consult_no_store_run_in_several_processes() -> None:
    client = create_app().test_client()
    assert post(client, token_of(client), environ=MULTIPROCESS).status_code == 303
    assert STORE == [("save", "typed")]
