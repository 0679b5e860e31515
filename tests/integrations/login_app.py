"""An app with Flask-Login: a public sign-in action, protected actions, and
an action that captures ``current_user``."""

from __future__ import annotations

import typing as t
from dataclasses import dataclass

from flask import Flask
from flask import render_template_string
from flask_login import LoginManager
from flask_login import UserMixin
from flask_login import current_user
from flask_login import login_required
from flask_login import login_user
from flask_login import logout_user
from werkzeug.datastructures import MultiDict

from flask_server_actions import ServerActions
from flask_server_actions import server_action
from flask_server_actions.integrations.login import require_login

from ..store import STORE


@dataclass(eq=False)
class User(UserMixin):
    id: int
    name: str


class Guest:
    """A user class nobody registered."""

    is_authenticated = True
    is_active = True
    is_anonymous = False

    def get_id(self) -> str:
        return "guest"


USERS = {"1": User(1, "ann"), "2": User(2, "bob")}


@server_action
def sign_in(form: MultiDict[str, t.Any]) -> None:
    """Public: anyone may sign in."""
    login_user(USERS[form["user"]] if form["user"] != "guest" else t.cast(User, Guest()))


@server_action(require=require_login)
def sign_out(form: MultiDict[str, t.Any]) -> None:
    logout_user()


@server_action(require=require_login)
def whoami(form: MultiDict[str, t.Any]) -> None:
    STORE.append(("whoami", current_user.name))


PAGE = """<p id="who">{{ current_user.name or "nobody" }}</p>{{ action.notice() }}
<form id="sign-in" method="post">{{ action(sign_in) }}<input name="user"><button>In</button></form>
<form id="sign-out" method="post">{{ action(sign_out) }}<button>Out</button></form>
<form id="whoami" method="post">{{ action(whoami) }}<button>Who</button></form>
"""


def create_app() -> Flask:
    app = Flask(__name__)
    app.config.update(SECRET_KEY="login secret", TESTING=True)
    manager = LoginManager(app)
    manager.login_view = "home"
    manager.user_loader(lambda user_id: Guest() if user_id == "guest" else USERS.get(user_id))
    actions = ServerActions(app)
    actions.register_type(User, dump=lambda user: user.id, load=lambda id: USERS[str(id)])

    @app.route("/")
    def home() -> str:
        return render_template_string(PAGE, sign_in=sign_in, sign_out=sign_out, whoami=whoami)

    @app.route("/mine")
    @login_required
    def mine() -> str:
        user = current_user

        def rename(form: MultiDict[str, t.Any]) -> None:
            "use server"
            STORE.append(("rename", type(user).__name__, user.name, form["name"]))

        return render_template_string(
            '{{ action.notice() }}<form method="post">{{ action(rename) }}<input name="name">'
            "<button>Save</button></form>", rename=rename)

    return app
