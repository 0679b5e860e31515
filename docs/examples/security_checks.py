"""Authorization and one-time actions (docs/security.rst)."""

from __future__ import annotations

import typing as t

from flask import Flask
from flask import abort
from flask import render_template_string
from flask import session

from flask_server_actions import ActionCall
from flask_server_actions import ServerActions
from flask_server_actions import server_action

app = Flask(__name__)
app.config["SECRET_KEY"] = "change me"
actions = ServerActions(app)

PAID: list[int] = []


@actions.before_action
def logged_in(call: ActionCall) -> None:
    # Every action of this app needs a logged-in user.
    if "user" not in session:
        abort(401)


def admin_only(call: ActionCall) -> bool:
    # False answers 403; a module-level function, so tokens can name it.
    return session.get("user") == "admin"


@app.get("/invoices/<int:invoice_id>")
def invoice(invoice_id: int) -> str:
    @server_action(once=True, require=admin_only)
    def pay(form: t.Any) -> None:
        PAID.append(invoice_id)

    return render_template_string(
        "{{ action.notice() }}"
        '<form method="post">{{ action(pay) }}<button>Pay</button></form>',
        pay=pay)


@app.post("/login/<name>")
def login(name: str) -> str:
    session["user"] = name
    return "ok"
