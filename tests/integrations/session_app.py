"""An app whose session lives in Redis (Flask-Session), served by gunicorn
in the tests; ``SESSION_APP_REDIS`` names the Redis server."""

from __future__ import annotations

import os
import typing as t

import redis
from flask import Flask
from flask import render_template_string
from flask import session
from flask_session import Session
from werkzeug.datastructures import MultiDict

from flask_server_actions import ServerActions
from flask_server_actions import server_action


@server_action
def remember(form: MultiDict[str, t.Any]) -> str:
    return f"saved {form['text']}"


@server_action
def forget() -> None:
    session.clear()


def create_app() -> Flask:
    app = Flask(__name__)
    app.config.update(
        SECRET_KEY="server-side sessions",
        SESSION_TYPE="redis",
        SESSION_REDIS=redis.Redis.from_url(os.environ["SESSION_APP_REDIS"]),
    )
    Session(app)
    ServerActions(app)

    @app.route("/")
    def home() -> str:
        return render_template_string(
            "<p id=value>{{ action_state().value or '' }}</p>{{ action.notice() }}"
            '<form id="remember" method="post">{{ action(remember) }}<input name="text">'
            "<button>Save</button></form>"
            '<form id="forget" method="post">{{ action(forget) }}<button>Forget</button></form>'
            "<p id=pid>{{ pid }}</p>", remember=remember, forget=forget, pid=os.getpid())

    return app
