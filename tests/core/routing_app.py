"""A blueprint whose GET-only pages take a URL value and require a login, to
show that an action post runs the same hooks as a GET of its page."""

from __future__ import annotations

import typing as t

from flask import Blueprint
from flask import Flask
from flask import g
from flask import redirect
from flask import render_template_string
from flask import request
from flask import session
from werkzeug.datastructures import MultiDict

from flask_server_actions import ServerActions

from ..store import STORE

shop = Blueprint("shop", __name__, url_prefix="/<lang>/shop")
ONE_FORM = '<form method="post">{{ action(fn) }}<input name="x"><button>Go</button></form>'


@shop.url_value_preprocessor
def pull_lang(endpoint: str | None, values: dict[str, t.Any] | None) -> None:
    assert values is not None
    g.lang = values.pop("lang")


@shop.before_request
def login_required() -> t.Any:
    if not session.get("user"):
        return redirect(f"/login?next={request.path}")
    return None


@shop.get("/cart")
def cart() -> str:
    lang = g.lang

    def checkout(form: MultiDict[str, t.Any]) -> None:
        "use server"
        STORE.append(("checkout", lang, g.lang, form["x"]))

    return render_template_string(ONE_FORM, fn=checkout)


def create_app() -> Flask:
    app = Flask(__name__)
    app.config.update(SECRET_KEY="routing secret")
    ServerActions(app)
    app.register_blueprint(shop)

    @app.post("/login")
    def login() -> str:
        session["user"] = request.form.get("user", "")
        return "ok"

    @app.route("/put-only", methods=["PUT"])
    def put_only() -> str:
        return "put"

    return app
