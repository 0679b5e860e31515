"""deployment.rst: the shared store's settings (docs/examples/deployment/store.py)."""

from __future__ import annotations

from pathlib import Path

import pytest
from flask import Flask

from flask_server_actions import RedisStore
from flask_server_actions.errors import AlreadySubmitted

from ..html import Page

SAMPLES = Path(__file__).resolve().parent.parent.parent / "docs" / "examples" / "deployment"


def store_app(monkeypatch: pytest.MonkeyPatch, tmp_path: Path, redis_url: str) -> Flask:
    from examples.blog.app import create_app

    monkeypatch.setenv("SECRET_KEY", "store sample")
    monkeypatch.setenv("REDIS_URL", redis_url)
    app = create_app({"DATABASE": str(tmp_path / "blog.sqlite3")})
    app.config.from_pyfile(str(SAMPLES / "settings.py"))
    app.config.from_pyfile(str(SAMPLES / "store.py"))
    app.config["SESSION_COOKIE_SECURE"] = False  # the test client speaks http
    return app


def test_the_store_settings_share_one_time_records_with_their_timeout(
        monkeypatch: pytest.MonkeyPatch, tmp_path: Path, redis_url: str) -> None:
    first, second = (store_app(monkeypatch, tmp_path, redis_url) for _ in range(2))
    client = first.test_client()
    Page.get(client, "/").form("#sign-in").submit(username="ada")
    form = Page.get(client, "/posts").form("#create-post")
    assert form.submit(title="Once").status_code == 303
    with second.test_client() as other:  # another instance, the same browser
        cookie = client.get_cookie("session")
        assert cookie is not None
        other.set_cookie("session", cookie.value)
        form.page.client = other
        response = form.submit(title="Once")
    assert response.status_code == 422
    assert AlreadySubmitted.notice in response.get_data(as_text=True)
    store = first.extensions["server_actions"].store(first)
    assert isinstance(store, RedisStore)
    assert store.client.connection_pool.connection_kwargs["socket_timeout"] == 2.0
