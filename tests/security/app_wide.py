"""An app with actions for every page (``scope="app"``) in its layout,
beside page actions: a sign-out form on an admin page whose blueprint
refuses non-admins, and on the 404 page."""

from __future__ import annotations

import typing as t

from flask import Blueprint
from flask import Flask
from flask import abort
from flask import current_app
from flask import flash
from flask import render_template_string
from flask import session
from werkzeug.datastructures import MultiDict

from flask_server_actions import ActionCall
from flask_server_actions import ActionError
from flask_server_actions import ServerActions
from flask_server_actions import server_action

from ..store import STORE

Form = MultiDict[str, t.Any]

LAYOUT = """<h1>{{ title }}</h1>
{% for message in get_flashed_messages() %}<p class="flash">{{ message }}</p>{% endfor %}
<form id="sign-out" method="post" action="{{ url_for('server_actions.run') }}">
  {{ action(sign_out) }}<button>Sign out</button></form>
<form id="language" method="post" action="{{ url_for('server_actions.run') }}">
  {{ action(set_language) }}<input name="lang"><button>Set</button></form>
{% if page_action %}<form id="rename" method="post">{{ action(page_action) }}
  <input name="name"><button>Rename</button></form>{% endif %}
<form id="dismiss" method="post" action="{{ url_for('server_actions.run') }}">
  {{ action(dismiss) }}<button>Dismiss</button></form>
<form id="misplaced" method="post">{{ action(sign_out) }}<button>Sign out here</button></form>
<div {{ action.data(sign_out) }}></div>
"""


def signed_in(call: ActionCall) -> bool:
    return "user" in session


@server_action(scope="app")
def sign_out(form: Form) -> None:
    STORE.append(("sign out", session.get("user")))
    session.pop("user", None)
    session.pop("role", None)
    flash("Signed out.")


@server_action(scope="app", require=signed_in)
def set_language(form: Form) -> None:
    if form.get("lang") not in ("en", "fr"):
        raise ActionError("We speak en and fr.", field="lang")
    session["lang"] = form["lang"]
    STORE.append(("language", form["lang"]))


@server_action(scope="app")
def dismiss(form: Form) -> str:
    STORE.append(("dismissed",))
    return "dismissed"  # a value: an app action has no page to show it on


@server_action
def rename(form: Form) -> None:
    STORE.append(("rename", form["name"]))


def page(title: str, page_action: t.Callable[..., t.Any] | None = None) -> str:
    return render_template_string(LAYOUT, title=title, sign_out=sign_out, dismiss=dismiss,
                                  set_language=set_language, page_action=page_action)


def create_app() -> Flask:
    app = Flask(__name__)
    app.config.update(SECRET_KEY="app-wide actions", MAINTENANCE=False)
    ServerActions(app)

    @app.before_request
    def maintenance() -> None:
        if current_app.config["MAINTENANCE"]:
            abort(503)

    admin = Blueprint("admin", __name__, url_prefix="/admin")

    @admin.before_request
    def admins_only() -> None:
        if session.get("role") != "admin":
            abort(403)

    @admin.get("/")
    def dashboard() -> str:
        return page("Admin", rename)

    app.register_blueprint(admin)

    @app.get("/")
    def home() -> str:
        return page("Home")

    @app.errorhandler(404)
    def not_found(error: Exception) -> tuple[str, int]:
        return page("Not found"), 404

    @app.errorhandler(403)
    def forbidden(error: Exception) -> tuple[str, int]:
        return "Forbidden", 403

    return app
