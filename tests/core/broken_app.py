"""Views that get actions wrong, each in one way: rendering them must fail
with a message that names the action, the value and the fix."""

from __future__ import annotations

import sqlite3
import typing as t

from flask import Flask
from flask import render_template_string
from flask import request
from werkzeug.datastructures import MultiDict

from flask_server_actions import ServerActions
from flask_server_actions import server_action
from flask_server_actions import server_action as mark_action

from .decorated import audited

Form = MultiDict[str, t.Any]
FORM = '<form method="post">{{ action(act) }}</form>'

app = Flask(__name__)
app.config.update(SECRET_KEY="broken secret", TESTING=True,
                  SERVER_ACTIONS_MAX_CAPTURE_BYTES=1000, SERVER_ACTIONS_MAX_DEPTH=8)
ServerActions(app)


def render(act: object) -> str:
    return render_template_string(FORM, act=act)


def closed_connection() -> sqlite3.Connection:
    connection = sqlite3.connect(":memory:")
    connection.close()  # its type is what matters; an open one would warn
    return connection


def nested(depth: int) -> list[t.Any]:
    value: list[t.Any] = []
    for _ in range(depth):
        value = [value]
    return value


CAPTURES: dict[str, t.Callable[[], object]] = {
    "connection": closed_connection,
    "object": object,
    "function": lambda: closed_connection,
    "in-a-list": lambda: [1, {"k": object()}],
    "too-big": lambda: "x" * 2000,
    "too-deep": lambda: nested(20),
}


@app.get("/capture/<kind>")
def capture(kind: str) -> str:
    value = CAPTURES[kind]()

    def act(form: Form) -> None:
        "use server"
        print(value)

    return render(act)


@app.get("/bound")
def bound() -> str:
    def act(conn: object, form: Form) -> None:
        "use server"

    return render_template_string('<form method="post">{{ action(act, 1, conn) }}</form>',
                                  act=act, conn=closed_connection())


@app.get("/unmarked")
def unmarked() -> str:
    def act(form: Form) -> None:
        """Save the post (but not marked)."""

    return render(act)


@app.get("/lambda")
def lambda_() -> str:
    return render(server_action(lambda form: None))


@app.get("/twins")
def twins() -> str:
    if request.args.get("first"):
        def act(form: Form) -> None:
            "use server"
    else:
        def act(form: Form) -> None:
            "use server"

    return render(act)


@app.get("/marked-later")
def marked_later() -> str:
    def act(form: Form) -> None:
        pass

    act = server_action(act)  # too late: the token cannot see this from the code
    return render(act)


@app.get("/alias")
def alias() -> str:
    @mark_action
    def act(form: Form) -> None:
        pass

    return render(act)


def no_wraps(view: t.Callable[..., str]) -> t.Callable[..., str]:
    def wrapper(*args: t.Any, **kwargs: t.Any) -> str:
        return view(*args, **kwargs)

    return wrapper


@app.get("/wrapped", endpoint="wrapped")
@no_wraps
def wrapped() -> str:
    def act(form: Form) -> None:
        "use server"

    return render(act)


@app.get("/extra-decorator")
def extra_decorator() -> str:
    @audited
    @server_action
    def act(form: Form) -> None:
        pass

    return render(act)


@server_action
def replaced(form: Form) -> None:
    pass


first_replaced = replaced


@server_action  # type: ignore[no-redef]
def replaced(form: Form) -> None:  # noqa: F811 - the name now leads here
    pass


@app.get("/replaced")
def replaced_view() -> str:
    return render(first_replaced)


@app.get("/not-a-function")
def not_a_function() -> str:
    return render("update_post")
