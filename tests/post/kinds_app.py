"""One app with an action per feature, each on a page and for every page,
for the kinds matrix (``test_kinds.py``)."""

from __future__ import annotations

import typing as t

from flask import Flask
from flask import flash
from flask import g
from flask import render_template_string
from flask import request
from flask import session
from flask_wtf import CSRFProtect
from werkzeug.datastructures import FileStorage
from werkzeug.wrappers import Response

from flask_server_actions import ActionError
from flask_server_actions import ServerActions
from flask_server_actions import server_action

from ..store import STORE

PAGE = """<!doctype html><title>Kinds</title><h1>Kinds page</h1>
{{ action.notice() }}
{% for message in get_flashed_messages() %}<p class="flash">{{ message }}</p>{% endfor %}
{% for name, fn in page_actions.items() %}
<form id="{{ name }}" method="post" enctype="multipart/form-data">{{ action(fn) }}
  <input name="title" value="{{ action.value('title') }}">
  <input type="file" name="attachment">{{ action.kept_files('attachment') }}
  <button>Go</button></form>
<button id="call-{{ name }}" {{ action.data(fn) }}>Call</button>
{% endfor %}
{% for name, fn in app_actions.items() %}
<form id="{{ name }}" method="post" action="{{ url_for('server_actions.run') }}">
  {{ action(fn) }}<input name="title"><button>Go</button></form>
{% endfor %}
"""


def _record(name: str, form: t.Mapping[str, t.Any]) -> None:
    if not form.get("title"):
        raise ActionError("Give it a title.", field="title")
    file = form.get("attachment")
    STORE.append((name, form["title"],
                  file.filename if isinstance(file, FileStorage) else None))


@server_action
def ran(form: t.Mapping[str, t.Any]) -> None:
    _record("ran", form)


@server_action(limit="1/60")
def limited(form: t.Mapping[str, t.Any]) -> None:
    _record("limited", form)


@server_action(once=True)
def one_time(form: t.Mapping[str, t.Any]) -> None:
    _record("one_time", form)


@server_action(scope="app")
def app_ran(form: t.Mapping[str, t.Any]) -> None:
    _record("app_ran", form)


@server_action(scope="app", limit="1/60")
def app_limited(form: t.Mapping[str, t.Any]) -> None:
    _record("app_limited", form)


@server_action(scope="app", once=True)
def app_one_time(form: t.Mapping[str, t.Any]) -> None:
    _record("app_one_time", form)


PAGE_ACTIONS = {"ran": ran, "limited": limited, "one_time": one_time}
APP_ACTIONS = {"app_ran": app_ran, "app_limited": app_limited, "app_one_time": app_one_time}


def create_app(**config: t.Any) -> Flask:
    app = Flask(__name__)
    app.config.update(SECRET_KEY="kinds secret", **config)
    ServerActions(app)
    CSRFProtect(app)
    #: Whether CSRFProtect passed each request, in order.
    app.config["CSRF_PASSES"] = passes = []

    @app.after_request
    def note_csrf(response: Response) -> Response:
        passes.append(bool(g.get("csrf_valid")))
        return response

    @app.before_request
    def write_and_flash() -> None:
        # What an app's hook may do for any post: write the session, flash.
        if request.method == "POST" and app.config.get("HOOK_WRITES"):
            session["posts"] = session.get("posts", 0) + 1
            flash("A hook flashed this.")

    @app.get("/")
    def page() -> str:
        return render_template_string(PAGE, page_actions=PAGE_ACTIONS, app_actions=APP_ACTIONS)

    return app
