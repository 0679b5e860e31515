"""Sharing one-time tokens between workers and instances (docs/security.rst)."""

from __future__ import annotations

from flask import Flask

from flask_server_actions import RedisStore
from flask_server_actions import ServerActions


def create_app(redis_url: str = "redis://localhost:6379/0") -> Flask:
    app = Flask(__name__)
    app.config["SECRET_KEY"] = "change me"
    ServerActions(app, store=RedisStore(redis_url))
    # or, from configuration: app.config["SERVER_ACTIONS_STORE"] = redis_url
    return app
