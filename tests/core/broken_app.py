"""Views that get actions wrong, each in one way: rendering them must fail
with a message that names the action, the value and the fix. One view does
it right (a decorator with functools.wraps), to tell the two apart.

The views are module-level so that a decorator without functools.wraps
really hides the view's code from the resolver."""

from __future__ import annotations

import functools
import sqlite3
import typing as t

from flask import Flask
from flask import render_template_string
from flask import request
from werkzeug.datastructures import MultiDict

from flask_server_actions import ServerActions
from flask_server_actions import server_action
from flask_server_actions import server_action as mark_action

from ..store import STORE
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


class Opaque:
    """Something the serializer knows nothing about."""


def nested(depth: int) -> list[t.Any]:
    value: list[t.Any] = []
    for _ in range(depth):
        value = [value]
    return value


CAPTURES: dict[str, t.Callable[[], object]] = {
    "connection": closed_connection,
    "object": object,
    "opaque": Opaque,
    "function": lambda: closed_connection,
    "in-a-list": lambda: [1, {"k": object()}],
    "opaque-in-a-list": lambda: [1, Opaque()],
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


@app.get("/bound-big")
def bound_big() -> str:
    def act(value: str, form: Form) -> None:
        "use server"

    return render_template_string('<form method="post">{{ action(act, value) }}</form>',
                                  act=act, value="x" * 2000)


@app.get("/unmarked")
def unmarked() -> str:
    def act(form: Form) -> None:
        """Save the post (but not marked)."""

    return render(act)


def helper(form: Form) -> None:
    """A module-level function that is not marked."""


@app.get("/unmarked-module")
def unmarked_module() -> str:
    return render(helper)


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


def keeps_the_view(view: t.Callable[..., str]) -> t.Callable[..., str]:
    @functools.wraps(view)
    def wrapper(*args: t.Any, **kwargs: t.Any) -> str:
        return view(*args, **kwargs)

    return wrapper


@app.get("/kept", endpoint="kept")
@keeps_the_view
def kept() -> str:
    def act(form: Form) -> None:
        "use server"
        STORE.append(("saved", form["x"]))

    return render_template_string(
        '<form method="post">{{ action(act) }}<input name="x" value="1"><button>Go</button></form>',
        act=act)


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


class Model:
    @server_action
    def save(self, form: Form) -> None:
        pass


@app.get("/not-a-function/<kind>")
def not_a_function(kind: str) -> str:
    return render({"string": "update_post", "method": Model().save, "builtin": print}[kind])
