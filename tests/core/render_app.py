"""Views that misuse actions, each one a mistake a developer can make; every
one must fail while the page renders, with a message that says what to fix.

The views are module-level (a blueprint) so that a decorator without
functools.wraps really hides the view's code from the resolver."""

from __future__ import annotations

import functools
import sqlite3
import typing as t

from flask import Blueprint
from flask import Flask
from flask import render_template_string
from flask import request

from flask_server_actions import ServerActions
from flask_server_actions import server_action

bp = Blueprint("render", __name__)
ONE_FORM = '<form method="post">{{ action(fn, *args) }}</form>'


def show(fn: object, *args: object) -> str:
    return render_template_string(ONE_FORM, fn=fn, args=args)


class Opaque:
    """Something the serializer knows nothing about."""


@bp.get("/capture/<kind>")
def capture(kind: str) -> str:
    db: object = ({"object": Opaque(), "list": [1, Opaque()]}[kind]
                  if kind != "connection" else sqlite3.connect(":memory:"))

    def save(form: t.Any) -> None:
        "use server"
        print(db)

    try:
        return show(save)
    finally:
        if isinstance(db, sqlite3.Connection):
            db.close()


@bp.get("/bound/<kind>")
def bound(kind: str) -> str:
    def save(value: object, form: t.Any) -> None:
        "use server"

    value = {"object": Opaque(), "big": "x" * 5000}[kind]
    return show(save, value)


@bp.get("/unmarked")
def unmarked() -> str:
    def save(form: t.Any) -> None:
        """Saves, but nobody said "use server"."""

    return show(save)


@bp.get("/twins/<int:which>")
def twins(which: int) -> str:
    if which == 1:
        def save(form: t.Any) -> None:
            "use server"
    else:
        def save(form: t.Any) -> None:
            "use server"
    return show(save)


@server_action
def redefined(form: t.Any) -> None:
    pass


FIRST_REDEFINED = redefined


@server_action
def redefined(form: t.Any) -> None:  # noqa: F811  (the mistake under test)
    pass


@bp.get("/redefined")
def redefined_view() -> str:
    return show(FIRST_REDEFINED)


class Model:
    @server_action
    def save(self, form: t.Any) -> None:
        pass


@bp.get("/not-a-function/<kind>")
def not_a_function(kind: str) -> str:
    return show({"string": "save", "method": Model().save, "builtin": print}[kind])


def hides_the_view(view: t.Callable[..., str]) -> t.Callable[..., str]:
    def wrapper(*args: t.Any, **kwargs: t.Any) -> str:  # no functools.wraps
        return view(*args, **kwargs)
    return wrapper


def keeps_the_view(view: t.Callable[..., str]) -> t.Callable[..., str]:
    @functools.wraps(view)
    def wrapper(*args: t.Any, **kwargs: t.Any) -> str:
        request.environ["wrapped"] = True
        return view(*args, **kwargs)
    return wrapper


@bp.get("/hidden", endpoint="hidden")
@hides_the_view
def hidden() -> str:
    def save(form: t.Any) -> None:
        "use server"

    return show(save)


@bp.get("/wrapped", endpoint="wrapped")
@keeps_the_view
def wrapped() -> str:
    def save(form: t.Any) -> None:
        "use server"
        print("saved", form["x"])

    return show(save)


def create_app(**config: t.Any) -> Flask:
    app = Flask(__name__)
    app.config.update(SECRET_KEY="render secret", TESTING=True, **config)
    ServerActions(app)
    app.register_blueprint(bp)
    return app
