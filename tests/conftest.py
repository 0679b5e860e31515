"""Fixtures for every folder: ``app`` (core/core_app.py; a folder's conftest.py
overrides it with the app beside its tests), ``client`` and ``actions`` on
it, STORE emptied around each test, and ``redis_url``, one real
redis-server for the session."""

from __future__ import annotations

import shutil
import socket
import subprocess
import time
import typing as t

import pytest
from flask import Flask
from flask.testing import FlaskClient

from flask_server_actions.testing import ActionClient

from .core.core_app import create_app
from .store import STORE

REDIS_SERVER = shutil.which("redis-server") or "/usr/bin/redis-server"


@pytest.fixture(autouse=True)
def _clean_store() -> t.Iterator[None]:
    STORE.clear()
    yield
    STORE.clear()


@pytest.fixture
def app() -> Flask:
    return create_app()


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    return app.test_client()


@pytest.fixture
def actions(app: Flask) -> ActionClient:
    """The test client for users (flask_server_actions.testing) on ``app``."""
    return ActionClient(app)


def free_port() -> int:
    """A loopback port nothing listens on, for a server a test starts."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def start_redis(port: int, *options: str) -> subprocess.Popen[bytes]:
    """A redis-server on the loopback ``port``, without persistence, ready:
    it answers, and the second it started in is over."""
    if not shutil.which(REDIS_SERVER):
        pytest.fail("redis-server is not installed: run `bash scripts/setup-env test`"
                    " (it installs Debian's redis-server package).", pytrace=False)
    import redis  # the [redis] extra, which scripts/setup-env installs
    server = subprocess.Popen(
        [REDIS_SERVER, "--bind", "127.0.0.1", "--port", str(port), "--save", "",
         "--appendonly", "no", "--protected-mode", "yes", *options],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    client = redis.Redis(port=port)
    try:
        for _ in range(100):
            try:
                client.ping()
                break
            except redis.ConnectionError:
                time.sleep(0.05)
        else:
            server.kill()
            server.wait()
            pytest.fail("redis-server did not start within 5 seconds")
    finally:
        client.close()
    # Tokens are issued in whole seconds: a one-time token minted in the
    # second Redis started in may be older than its records, and is refused
    # as unknown (RedisStore's "since" key).
    time.sleep(int(time.time()) + 1 - time.time())
    return server


@pytest.fixture(scope="session")
def redis_url() -> t.Iterator[str]:
    """A real redis-server on a free loopback port, for this test session."""
    port = free_port()
    server = start_redis(port)
    try:
        yield f"redis://127.0.0.1:{port}/0"
    finally:
        server.terminate()
        server.wait(timeout=10)
