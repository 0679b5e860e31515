"""An app whose actions are limited per minute: by address (behind
ProxyFix), by logged-in user, by a key function; one is one-time too."""

from __future__ import annotations

import typing as t

from flask import Flask
from flask import render_template_string
from flask import request
from flask_login import LoginManager
from flask_login import UserMixin
from flask_login import login_user
from werkzeug.datastructures import MultiDict
from werkzeug.middleware.proxy_fix import ProxyFix

from flask_server_actions import ActionCall
from flask_server_actions import ServerActions
from flask_server_actions import server_action
from flask_server_actions.integrations.stores import ActionStore

from ..store import STORE

PAGE = """
{{ action.notice() }}
{% for fn in [add, per_user, per_team, once_add, module_add] %}
<form id="{{ fn.__name__ }}" method="post">
  {{ action(fn) }}<input name="title" value="{{ action.value('title') }}"><button>Go</button>
</form>{% endfor %}
<button id="call" {{ action.data(add) }}>Call</button>
"""


class User(UserMixin):
    def __init__(self, user_id: str) -> None:
        self.id = user_id


def by_team(call: ActionCall) -> str:
    """Count per team, as the page says."""
    return request.headers.get("X-Team", "none")


@server_action(limit="2/minute")
def module_add(form: MultiDict[str, str]) -> None:
    STORE.append(("module_add", form["title"]))


def create_app(store: ActionStore | None = None, **config: t.Any) -> Flask:
    app = Flask(__name__)
    app.config.update(SECRET_KEY="limits secret", **config)
    app.wsgi_app = ProxyFix(app.wsgi_app)  # type: ignore[method-assign]
    ServerActions(app, store=store)
    login = LoginManager(app)
    login.user_loader(User)

    @app.get("/login/<name>")
    def log_in(name: str) -> str:
        login_user(User(name))
        return "in"

    @app.get("/notes")
    def notes() -> str:
        @server_action(limit="3/minute")
        def add(form: MultiDict[str, str]) -> str | None:
            STORE.append(("add", form["title"]))
            return None

        @server_action(limit="2/minute", key="user")
        def per_user(form: MultiDict[str, str]) -> None:
            STORE.append(("per_user", form["title"]))

        @server_action(limit="2/minute", key=by_team)
        def per_team(form: MultiDict[str, str]) -> None:
            STORE.append(("per_team", form["title"]))

        @server_action(limit="1/minute", once=True)
        def once_add(form: MultiDict[str, str]) -> None:
            STORE.append(("once_add", form["title"]))

        return render_template_string(PAGE, add=add, per_user=per_user, per_team=per_team,
                                      once_add=once_add, module_add=module_add)

    return app
