"""Rate limits per action (docs/security.rst)."""

from __future__ import annotations

import typing as t

from flask import Flask
from flask import render_template_string
from flask import session

from flask_server_actions import ActionCall
from flask_server_actions import ServerActions
from flask_server_actions import server_action

app = Flask(__name__)
app.config["SECRET_KEY"] = "change me"
actions = ServerActions(app)  # counted in SERVER_ACTIONS_STORE: Redis for several instances

SENT: list[str] = []


def per_account(call: ActionCall) -> object:
    # What posts are counted by: here the account, whatever the address.
    return session.get("account", "anonymous")


@app.get("/contact")
def contact() -> str:
    @server_action(limit="3/minute")  # per client address (the default key)
    def send_message(form: t.Any) -> None:
        SENT.append(form["message"])

    @server_action(limit="10/hour", key=per_account)
    def invite(form: t.Any) -> None:
        SENT.append(f"invite {form['email']}")

    return render_template_string(
        "{{ action.notice() }}"
        '<form method="post">{{ action(send_message) }}'
        '<textarea name="message">{{ action.value("message") }}</textarea><button>Send</button>'
        "</form>"
        '<form method="post">{{ action(invite) }}<input name="email">'
        "<button>Invite</button></form>",
        send_message=send_message, invite=invite)
