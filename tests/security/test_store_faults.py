"""The one-time record protocol of the stores and what a post answers when
its store fails, in this process (the same faults against real gunicorn
workers are in ``scaleout/test_faults.py``): a record is pending while its
action runs and done after; a Redis that lost its records is noticed; a
store that cannot be reached answers 503 with the page and the input."""

from __future__ import annotations

import io
import logging
import sys
import threading
import time
import typing as t
import uuid

import pytest
import redis

from flask_server_actions import ActionStore
from flask_server_actions import MemoryStore
from flask_server_actions import RedisStore
from flask_server_actions.closures import ResolveError
from flask_server_actions.errors import AlreadySubmitted
from flask_server_actions.errors import OutcomeUnknown
from flask_server_actions.errors import SessionEnded
from flask_server_actions.errors import StoreUnavailable
from flask_server_actions.integrations.stores import SINCE_KEY
from flask_server_actions.integrations.stores import Claim
from flask_server_actions.integrations.stores import outages
from flask_server_actions.integrations.stores import store_from_setting
from flask_server_actions.integrations.upload_storage import storage_from_setting
from flask_server_actions.post import guards

from ..conftest import free_port
from ..forms import app_uploads
from ..html import Page
from ..store import STORE
from . import app_limits
from .app_secure import create_app
from .forge import post
from .forge import token_of

UNREACHABLE_TIMEOUT = 0.2


@pytest.fixture
def unreachable() -> str:
    """A Redis URL where nothing listens."""
    return f"redis://127.0.0.1:{free_port()}/0"


@pytest.fixture
def store(redis_url: str) -> RedisStore:
    return RedisStore(redis_url, prefix=f"faults-{uuid.uuid4().hex}:")


@pytest.fixture(params=["memory", "redis"])
def any_store(request: pytest.FixtureRequest) -> ActionStore:
    if request.param == "memory":
        return MemoryStore()
    return t.cast(ActionStore, request.getfixturevalue("store"))


def test_a_record_is_pending_until_its_action_finished_then_done(any_store: ActionStore) -> None:
    now = int(time.time())
    assert any_store.peek("a1", now) is None
    assert any_store.claim("a1", 60, now) is Claim.FIRST
    assert any_store.claim("a1", 60, now) is any_store.peek("a1", now) is Claim.PENDING
    any_store.finish("a1", 60)
    assert any_store.claim("a1", 60, now) is any_store.peek("a1", now) is Claim.DONE
    any_store.finish("never-claimed", 60)
    assert any_store.peek("never-claimed", now) is None


class SetStore(ActionStore):
    """A store of one's own that implements only what 0.2 asked for."""

    def __init__(self) -> None:
        self.used: set[str] = set()

    def first_use(self, token_id: str, ttl: int) -> bool:
        first = token_id not in self.used
        self.used.add(token_id)
        return first

    def count(self, key: str, window: int) -> int:
        return 1


def test_a_store_of_ones_own_calls_every_record_done() -> None:
    store = SetStore()
    assert store.claim("d1", 60, 0) is Claim.FIRST
    store.finish("d1", 60)
    assert store.claim("d1", 60, 0) is Claim.DONE
    assert store.peek("d1", 0) is None


def test_of_concurrent_claims_exactly_one_is_first(any_store: ActionStore) -> None:
    barrier, claims = threading.Barrier(16), []

    def claim() -> None:
        barrier.wait()
        claims.append(any_store.claim("a0", 60, int(time.time())))

    threads = [threading.Thread(target=claim) for _ in range(16)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(claim.value for claim in claims) == ["first"] + ["pending"] * 15


def test_a_record_expires_with_its_token(store: RedisStore) -> None:
    store.claim("a8", 60, int(time.time()))
    assert 0 < store.client.ttl(store.prefix + "a8") <= 60
    store.finish("a8", 60)
    assert 0 < store.client.ttl(store.prefix + "a8") <= 60


def test_a_finished_record_in_memory_is_forgotten_when_it_expires() -> None:
    now = [0.0]
    store = MemoryStore(clock=lambda: now[0])
    store.claim("a9", 60, 0)
    store.finish("a9", 60)
    now[0] = 61
    assert store.peek("a9", 0) is None
    assert store.claim("a9", 60, 0) is Claim.FIRST


def test_a_record_of_an_earlier_version_counts_as_done(store: RedisStore) -> None:
    assert store.first_use("a2", 60)
    assert store.claim("a2", 60, int(time.time())) is Claim.DONE


def test_a_token_issued_before_the_records_began_is_unknown_and_not_recorded(
        store: RedisStore) -> None:
    assert store.claim("a3", 60, 0) is Claim.UNKNOWN
    assert store.client.get(store.prefix + "a3") is None


def test_records_begin_when_redis_started(store: RedisStore) -> None:
    store.claim("a4", 60, int(time.time()))
    since = float(store.client.get(store.prefix + SINCE_KEY) or 0)
    uptime = store.client.info()["uptime_in_seconds"]
    assert time.time() - uptime - 2 <= since <= time.time() - uptime + 1


def test_a_redis_that_lost_the_records_is_noticed_loudly(
        store: RedisStore, caplog: pytest.LogCaptureFixture, monkeypatch: pytest.MonkeyPatch,
) -> None:
    issued = int(time.time())
    assert store.claim("a5", 60, issued) is Claim.FIRST
    store.client.delete(store.prefix + SINCE_KEY, store.prefix + "a5")
    # As after a restart: Redis says it started a moment after the token.
    monkeypatch.setattr(store.client, "info", lambda *args: {
        "uptime_in_seconds": 0, "server_time_usec": int((issued + 1.5) * 1e6),
        "rdb_last_save_time": issued + 1})
    with caplog.at_level(logging.WARNING, "flask_server_actions"):
        assert store.claim("a5", 60, issued) is Claim.UNKNOWN
    assert "refused as unknown" in caplog.text


def test_of_two_workers_noticing_at_once_the_first_sets_when_records_begin(
        store: RedisStore, monkeypatch: pytest.MonkeyPatch) -> None:
    info = store.client.info

    def raced(*args: t.Any) -> t.Any:
        store.client.set(store.prefix + SINCE_KEY, "0")  # the other worker's
        return info(*args)

    monkeypatch.setattr(store.client, "info", raced)
    assert store.claim("a7", 60, 1) is Claim.FIRST
    assert store.client.get(store.prefix + SINCE_KEY) == b"0"


def test_without_info_the_records_begin_now(store: RedisStore,
                                            monkeypatch: pytest.MonkeyPatch) -> None:
    def disabled(*args: t.Any) -> t.NoReturn:
        raise redis.ResponseError("unknown command 'INFO'")

    monkeypatch.setattr(store.client, "info", disabled)
    assert store.claim("a6", 60, int(time.time()) - 1) is Claim.UNKNOWN


def test_a_claim_whose_answer_was_lost_finds_its_own_record(
        store: RedisStore, monkeypatch: pytest.MonkeyPatch) -> None:
    script = store._claim
    lost = []

    def answer_lost(**kwargs: t.Any) -> t.Any:
        if not lost:
            lost.append(script(**kwargs))  # it ran; its answer never came
            raise redis.TimeoutError("Timeout reading from socket")
        return script(**kwargs)

    monkeypatch.setattr(store, "_claim", answer_lost)
    assert store.claim("b1", 60, int(time.time())) is Claim.FIRST
    assert store.claim("b1", 60, int(time.time())) is Claim.PENDING


def test_a_store_that_does_not_answer_twice_is_unavailable(
        store: RedisStore, monkeypatch: pytest.MonkeyPatch) -> None:
    def silent(**kwargs: t.Any) -> t.NoReturn:
        raise redis.ConnectionError("Connection refused")

    monkeypatch.setattr(store, "_claim", silent)
    with pytest.raises(StoreUnavailable) as raised:
        store.claim("b2", 60, int(time.time()))
    assert raised.value.code == 503 and raised.value.retry_after > 0


def test_a_store_that_refuses_writes_is_unavailable(
        store: RedisStore, monkeypatch: pytest.MonkeyPatch) -> None:
    def full(*args: t.Any, **kwargs: t.Any) -> t.NoReturn:
        raise redis.ResponseError("OOM command not allowed when used memory > 'maxmemory'.")

    monkeypatch.setattr(store, "_claim", full)
    monkeypatch.setattr(redis.client.Pipeline, "execute", full)
    with pytest.raises(StoreUnavailable) as record:
        store.claim("b3", 60, int(time.time()))
    with pytest.raises(StoreUnavailable) as count:
        store.hit("b3", 60)
    assert "refused the record: OOM" in record.value.reason
    assert "refused the count: OOM" in count.value.reason


@pytest.mark.parametrize(("config", "warned"), [
    ({"appendonly": "no", "save": "", "maxmemory-policy": "noeviction"}, "keeps nothing"),
    ({b"appendonly": b"yes", b"save": b"", b"maxmemory-policy": b"allkeys-lru"},
     "maxmemory-policy allkeys-lru"),
    ({"appendonly": "no", "save": "3600 1", "maxmemory-policy": "noeviction"}, ""),
])
def test_the_first_use_warns_when_redis_would_not_keep_the_records(
        store: RedisStore, caplog: pytest.LogCaptureFixture, monkeypatch: pytest.MonkeyPatch,
        config: dict[t.Any, t.Any], warned: str) -> None:
    asked = []

    def config_get(name: str) -> dict[t.Any, t.Any]:
        asked.append(name)
        return {key: value for key, value in config.items()
                if (key.decode() if isinstance(key, bytes) else key) == name}

    monkeypatch.setattr(store.client, "config_get", config_get)
    with caplog.at_level(logging.WARNING, "flask_server_actions"):
        store.claim("c1", 60, int(time.time()))
        store.hit("c1", 60)
    assert len(asked) == 3  # once per process
    messages = [record.getMessage() for record in caplog.records if "Redis" in record.message
                and "begin at" not in record.message]
    assert [warned in message for message in messages] == ([True] if warned else [])


@pytest.mark.parametrize(("error", "asked_again"), [
    (redis.ResponseError("unknown command 'CONFIG'"), False),  # managed Redis
    (redis.ConnectionError("Connection refused"), True),
])
def test_a_config_that_cannot_be_read_warns_nothing(
        store: RedisStore, caplog: pytest.LogCaptureFixture, monkeypatch: pytest.MonkeyPatch,
        error: Exception, asked_again: bool) -> None:
    asked = []

    def config_get(name: str) -> t.NoReturn:
        asked.append(name)
        raise error

    monkeypatch.setattr(store.client, "config_get", config_get)
    with caplog.at_level(logging.WARNING, "flask_server_actions"):
        store.hit("c2", 60)
        store.hit("c2", 60)
    assert len(asked) == (2 if asked_again else 1)
    assert "persistence" not in caplog.text


def test_the_store_timeout_applies_to_stores_from_a_url(unreachable: str) -> None:
    store = t.cast(RedisStore, store_from_setting(unreachable, 0.25))
    storage = storage_from_setting(unreachable, "", 0.25)
    for client in (store.client, storage.client):  # type: ignore[attr-defined]
        kwargs = client.connection_pool.connection_kwargs
        assert kwargs["socket_timeout"] == kwargs["socket_connect_timeout"] == 0.25
    # The URL's own wins.
    own = t.cast(RedisStore, store_from_setting(unreachable + "?socket_timeout=3", 0.25))
    assert own.client.connection_pool.connection_kwargs["socket_timeout"] == 3


def test_outages_without_redis_are_the_builtin_ones(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "redis", None)
    assert outages() == (StoreUnavailable, ConnectionError, TimeoutError)


def test_a_one_time_post_with_the_store_down_answers_503_with_the_input(
        unreachable: str) -> None:
    app = create_app(SERVER_ACTIONS_STORE=unreachable,
                     SERVER_ACTIONS_STORE_TIMEOUT=UNREACHABLE_TIMEOUT)
    client = app.test_client()
    response = post(client, token_of(client, "/pay"), "/pay", x="typed")
    assert response.status_code == 503 and response.headers["Retry-After"] == "5"
    page = Page(client, "/pay", response)
    assert page.text(".action-notice") == StoreUnavailable.notice
    assert page.value("x") == "typed"
    assert STORE == []


def test_a_limited_post_with_the_store_down_answers_503_with_the_input(
        unreachable: str) -> None:
    app = app_limits.create_app(RedisStore(unreachable, timeout=UNREACHABLE_TIMEOUT))
    client = app.test_client()
    page = Page(client, "/notes", client.get("/notes"))
    response = page.form("#add").submit(title="Typed")
    assert response.status_code == 503 and "Retry-After" in response.headers
    assert Page(client, "/notes", response).text(".action-notice") == StoreUnavailable.notice
    assert STORE == []


def test_a_forged_token_with_the_throttle_down_answers_503(unreachable: str) -> None:
    app = create_app(SERVER_ACTIONS_STORE=unreachable,
                     SERVER_ACTIONS_STORE_TIMEOUT=UNREACHABLE_TIMEOUT)
    response = post(app.test_client(), "forged", "/plain")
    assert response.status_code == 503 and response.headers["Retry-After"] == "5"
    assert "nothing was sent" in response.get_data(as_text=True)


def test_a_record_that_cannot_be_marked_done_is_refused_as_unknown_after(
        redis_url: str, monkeypatch: pytest.MonkeyPatch,
        caplog: pytest.LogCaptureFixture) -> None:
    store = RedisStore(redis_url, prefix=f"faults-{uuid.uuid4().hex}:")

    def down(token_id: str, ttl: int) -> t.NoReturn:
        raise redis.ConnectionError("Connection refused")

    monkeypatch.setattr(store, "finish", down)
    client = create_app(store=store).test_client()
    token = token_of(client, "/pay")
    with caplog.at_level(logging.WARNING, "flask_server_actions"):
        assert post(client, token, "/pay").status_code == 303
    assert "refused as unknown" in caplog.text
    response = post(client, token, "/pay", x="again")
    assert response.status_code == 422
    page = Page(client, "/pay", response)
    assert page.text(".action-notice") == OutcomeUnknown.notice
    assert page.value("x") == "again"
    assert STORE == [("charge", "typed")]


def _from_another_session(app: t.Any, token: str) -> Page:
    """``token`` posted from a browser whose session is gone (Flask-Session's
    data lost with a Redis), as a same-origin form post."""
    other = app.test_client()
    response = post(other, token, "/pay", x="again")
    assert response.status_code == 422
    page = Page(other, "/pay", response)
    assert page.value("x") == "again"
    return page


def test_a_paid_form_of_a_lost_session_is_not_asked_to_be_sent_again(
        store: RedisStore, monkeypatch: pytest.MonkeyPatch) -> None:
    app = create_app(store=store)
    client = app.test_client()
    paid, unpaid = token_of(client, "/pay"), token_of(client, "/pay")
    assert post(client, paid, "/pay").status_code == 303
    assert _from_another_session(app, paid).text(".action-notice") == AlreadySubmitted.notice
    assert _from_another_session(app, unpaid).text(".action-notice") == SessionEnded.notice
    # The session and the records lost together, with a Redis restarted empty.
    for key in store.client.scan_iter(store.prefix + "*"):
        store.client.delete(key)
    monkeypatch.setattr(store.client, "info", lambda *args: {
        "uptime_in_seconds": 0, "server_time_usec": int(time.time() * 1e6),
        "rdb_last_save_time": int(time.time()) + 1})
    assert _from_another_session(app, paid).text(".action-notice") == OutcomeUnknown.notice
    assert STORE == [("charge", "typed")]


def test_a_paid_form_of_another_session_says_so_with_the_default_store() -> None:
    app = create_app()
    client = app.test_client()
    token = token_of(client, "/pay")
    assert post(client, token, "/pay").status_code == 303
    assert _from_another_session(app, token).text(".action-notice") == AlreadySubmitted.notice
    assert STORE == [("charge", "typed")]


def test_a_form_of_a_lost_session_with_the_store_down_is_stale_as_before(
        unreachable: str) -> None:
    app = create_app(SERVER_ACTIONS_STORE=unreachable,
                     SERVER_ACTIONS_STORE_TIMEOUT=UNREACHABLE_TIMEOUT)
    token = token_of(app.test_client(), "/pay")
    assert _from_another_session(app, token).text(".action-notice") == SessionEnded.notice


def test_a_form_of_a_lost_session_whose_action_is_gone_is_stale_as_before(
        store: RedisStore, monkeypatch: pytest.MonkeyPatch) -> None:
    app = create_app(store=store)
    client = app.test_client()
    token = token_of(client, "/pay")
    assert post(client, token, "/pay").status_code == 303

    resolve, asked = guards.resolve, []

    def gone(ref: str) -> t.Any:
        if not asked:  # gone when the post asks; the page shown again finds it
            asked.append(ref)
            raise ResolveError(f"{ref} is gone")
        return resolve(ref)

    monkeypatch.setattr(guards, "resolve", gone)
    assert _from_another_session(app, token).text(".action-notice") == SessionEnded.notice
    assert asked


def _upload(page: Page, title: str, references: t.Sequence[str] = (),
            file: tuple[bytes, str] | None = None) -> t.Any:
    form = page.form("#doc")
    data: dict[str, t.Any] = {"__action": form.token(), "title": title,
                              "__action_upload": list(references)}
    if file is not None:
        data["attachment"] = (io.BytesIO(file[0]), file[1])
    return page.client.post("/docs", data=data, content_type="multipart/form-data",
                            headers={"Origin": "http://localhost"})


def _references(page: Page) -> list[str]:
    return [str(tag["value"]) for tag in page.soup.select('#doc input[name="__action_upload"]')]


def _unavailable(client: t.Any, response: t.Any) -> Page:
    """The page shown again because a store did not answer: 503, when to try
    again, and the notice that says so."""
    assert response.status_code == 503 and response.headers["Retry-After"] == "5"
    page = Page(client, "/docs", response)
    assert page.text(".action-notice") == StoreUnavailable.notice
    return page


def test_a_file_that_cannot_be_kept_answers_503_with_the_rest_of_the_input(
        unreachable: str) -> None:
    app = app_uploads.create_app(SERVER_ACTIONS_UPLOAD_STORAGE=unreachable,
                                 SERVER_ACTIONS_STORE_TIMEOUT=UNREACHABLE_TIMEOUT)
    client = app.test_client()
    response = _upload(Page.get(client, "/docs"), "", file=(b"hello", "a.txt"))
    page = _unavailable(client, response)
    assert _references(page) == []


def test_a_kept_file_resubmitted_with_the_storage_down_keeps_its_reference(
        tmp_path: t.Any, unreachable: str) -> None:
    app = app_uploads.create_app(SERVER_ACTIONS_UPLOAD_DIR=str(tmp_path),
                                 SERVER_ACTIONS_STORE_TIMEOUT=UNREACHABLE_TIMEOUT)
    client = app.test_client()
    failed = Page(client, "/docs", _upload(Page.get(client, "/docs"), "",
                                           file=(b"hello", "a.txt")))
    kept = _references(failed)
    assert len(kept) == 1
    app.config["SERVER_ACTIONS_UPLOAD_STORAGE"] = unreachable
    response = _upload(failed, "Report", kept)
    page = _unavailable(client, response)
    assert page.value("title") == "Report"
    assert _references(page) == kept
    assert STORE == []


def test_an_upload_storage_that_refuses_writes_is_unavailable(
        redis_url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    app = app_uploads.create_app(SERVER_ACTIONS_UPLOAD_STORAGE=redis_url)
    client = app.test_client()

    def full(*args: t.Any, **kwargs: t.Any) -> t.NoReturn:
        raise redis.ResponseError("OOM command not allowed when used memory > 'maxmemory'.")

    monkeypatch.setattr(redis.Redis, "set", full)
    response = _upload(Page.get(client, "/docs"), "", file=(b"hello", "a.txt"))
    page = _unavailable(client, response)
    assert _references(page) == []


def test_a_kept_file_that_cannot_be_removed_after_its_action_ran_is_left_to_expire(
        redis_url: str, monkeypatch: pytest.MonkeyPatch,
        caplog: pytest.LogCaptureFixture) -> None:
    app = app_uploads.create_app(SERVER_ACTIONS_UPLOAD_STORAGE=redis_url)
    client = app.test_client()
    failed = Page(client, "/docs", _upload(Page.get(client, "/docs"), "",
                                           file=(b"hello", "a.txt")))
    kept = _references(failed)
    assert len(kept) == 1

    def down(*args: t.Any, **kwargs: t.Any) -> t.NoReturn:
        raise redis.ConnectionError("Connection refused.")

    monkeypatch.setattr(redis.Redis, "delete", down)
    response = _upload(failed, "Report", kept)
    # The action ran: its answer stands; the file expires with its lifetime.
    assert response.status_code == 303
    assert STORE == [("save", "Report", ("a.txt", b"hello", "text/plain"))]
    assert "could not remove" in caplog.text


def test_records_lost_while_redis_runs_are_noticed_by_a_process_that_saw_them(
        store: RedisStore) -> None:
    while store.client.info()["uptime_in_seconds"] < 2:  # Redis tells whole seconds
        time.sleep(0.2)
    issued = int(time.time()) - 1
    assert store.claim("paid", 60, issued) is Claim.FIRST
    store.finish("paid", 60)
    assert store.peek("paid", issued) is Claim.DONE
    # Flushed or evicted while Redis ran on: it has not restarted, so its
    # start says nothing of what it lost; this process saw the records.
    store.client.delete(*store.client.keys(f"{store.prefix}*"))
    assert store.claim("paid", 60, issued) is Claim.UNKNOWN
    assert store.peek("never sent", issued) is Claim.UNKNOWN
    later = int(time.time()) + 1  # a form shown once the loss was noticed runs
    assert store.claim("fresh", 60, later) is Claim.FIRST
