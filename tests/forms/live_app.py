"""An app whose forms are validated live (Laravel Precognition's protocol):
a form with a rule that needs the database, a one-time action with a
``require=`` check, contact forms with a ``limit=`` (one with its own
``validate_limit=``), a page behind a login decorator and an action without a
form. Everything an action or a check does is written down, so tests see
that a validate request runs every check and never the action."""

from __future__ import annotations

import functools
import sqlite3
import typing as t

from flask import Flask
from flask import flash
from flask import get_flashed_messages
from flask import redirect
from flask import render_template_string
from flask import session
from flask.typing import ResponseReturnValue
from werkzeug.datastructures import MultiDict
from wtforms import Form
from wtforms import StringField
from wtforms import ValidationError
from wtforms.validators import DataRequired
from wtforms.validators import Length
from wtforms.validators import Regexp

from flask_server_actions import ActionError
from flask_server_actions import ServerActions
from flask_server_actions import action_state
from flask_server_actions import server_action
from flask_server_actions.post.guards import ActionCall
from flask_server_actions.signals import action_finished
from flask_server_actions.signals import action_started

from ..store import STORE

DATABASE = sqlite3.connect(":memory:", check_same_thread=False)
DATABASE.execute("CREATE TABLE IF NOT EXISTS users (email TEXT UNIQUE)")
DATABASE.execute("INSERT OR IGNORE INTO users VALUES ('taken@example.com')")


class SignupForm(Form):
    name = StringField("Name", [DataRequired(), Length(max=20)])
    email = StringField("E-mail", [DataRequired(),
                                   Regexp(r"^[^@\s]+@[^@\s]+$", message="Enter an e-mail address.")])

    def validate_email(self, field: StringField) -> None:
        # A rule that needs the database: it runs for a live validation too.
        STORE.append(("lookup", field.data))
        found = DATABASE.execute("SELECT 1 FROM users WHERE email = ?", (field.data,))
        if found.fetchone():
            raise ValidationError("This e-mail address is already registered.")


def not_banned(call: ActionCall) -> bool:
    STORE.append(("require", call.name))
    return not session.get("banned")


PAGE = """<!doctype html>
<html lang="en"><head><title>{{ action.title("Sign up") }}</title></head>
<body><main>
{{ action.notice() }}
{% for message in get_flashed_messages() %}<p class="flash">{{ message }}</p>{% endfor %}
<form id="signup" method="post">
  {{ action(signup) }}
  {{ action.error_summary(ids={'email': 'signup-email'}) }}
  {{ action.notice() }}
  <label for="name">Name</label>
  <input {{ action.field('name', live=True) }} value="{{ action.value('name') }}">
  {{ action.field_error('name') }}
  <label for="signup-email">E-mail</label>
  <input type="email" {{ action.field('email', live=True, id='signup-email') }}
         value="{{ action.value('email') }}">
  {{ action.field_error('email') }}
  <button>Sign up</button>
</form>
<form id="ping" method="post">{{ action(ping) }}{{ action.error_summary() }}{{ action.notice() }}
  <label for="note">Note</label><input {{ action.field('note') }}>{{ action.field_error('note') }}
  <button>Ping</button></form>
</main></body></html>
"""


def login_required(view: t.Callable[..., t.Any]) -> t.Callable[..., t.Any]:
    @functools.wraps(view)
    def wrapped(*args: t.Any, **kwargs: t.Any) -> t.Any:
        STORE.append(("decorator", view.__name__))
        if not session.get("user"):
            return redirect("/login")
        return view(*args, **kwargs)

    return wrapped


def create_app(**config: t.Any) -> Flask:
    app = Flask(__name__)
    app.config.update(SECRET_KEY="live secret", **config)
    actions = ServerActions(app)
    app.jinja_env.globals["get_flashed_messages"] = get_flashed_messages

    @actions.before_action
    def noted(call: ActionCall) -> None:
        STORE.append(("before_action", call.name))

    @actions.before_rerender
    def roll_back() -> None:
        STORE.append(("rollback",))

    @app.before_request
    def hook() -> None:
        STORE.append(("before_request",))

    def render(signup: t.Callable[..., t.Any], ping: t.Callable[..., t.Any]) -> str:
        return render_template_string(PAGE, signup=signup, ping=ping,
                                      state=action_state(signup))

    @app.get("/signup")
    def signup_page() -> str:
        @server_action(form=SignupForm, once=True, require=not_banned)
        def signup(form: SignupForm) -> None:
            STORE.append(("signup", form.name.data, form.email.data))
            if form.name.data == "taken":
                raise ActionError("That name is taken.", field="name")
            if form.name.data == "crash":  # as a worker killed inside the action
                raise RuntimeError("the action crashed")
            flash("Welcome!")

        def ping(form: MultiDict[str, t.Any]) -> None:
            "use server"
            STORE.append(("ping",))

        return render(signup, ping)

    @app.get("/contact")
    def contact_page() -> str:
        @server_action(form=SignupForm, limit="3/600")
        def signup(form: SignupForm) -> None:
            STORE.append(("contact", form.name.data))

        def ping(form: MultiDict[str, t.Any]) -> None:
            "use server"

        return render(signup, ping)

    @app.get("/contact-strict")
    def strict_contact_page() -> str:
        @server_action(form=SignupForm, limit="3/600", validate_limit="2/600")
        def signup(form: SignupForm) -> None:
            STORE.append(("contact", form.name.data))

        def ping(form: MultiDict[str, t.Any]) -> None:
            "use server"

        return render(signup, ping)

    @app.get("/private")
    @login_required
    def private_page() -> str:
        def signup(form: SignupForm) -> None:
            "use server"
            STORE.append(("private signup",))

        def ping(form: MultiDict[str, t.Any]) -> None:
            "use server"

        return render(signup, ping)

    @app.get("/login")
    def login() -> ResponseReturnValue:
        session["user"] = "ada"
        return "signed in"

    @app.get("/ban")
    def ban() -> str:
        session["banned"] = True
        return "banned"

    @app.get("/flash")
    def flash_page() -> str:
        flash("Saved earlier")
        return "flashed"

    return app


def record_signals(app: Flask) -> list[str]:
    """The names of the start and finish signals ``app`` sends, as they come."""
    seen: list[str] = []

    def started(sender: Flask, **extra: t.Any) -> None:
        seen.append("started")

    def finished(sender: Flask, **extra: t.Any) -> None:
        seen.append("finished")

    action_started.connect(started, app, weak=False)
    action_finished.connect(finished, app, weak=False)
    return seen
