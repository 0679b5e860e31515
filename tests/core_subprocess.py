"""Another worker: :func:`main` builds the same app in a
fresh interpreter and posts what it reads (JSON) on stdin, printing JSON.

Two jobs, chosen by ``"job"``:

* ``post``: post a token minted by another process (with that browser's
  session cookie) and report the status and what ran. This process never
  renders the page, so resolving the action relies on its name alone.
* ``render``: render a page (run under ``python -OO``) and report the error
  or submit the page's form.
"""

from __future__ import annotations

import json
import sys
import typing as t

from flask import Flask
from flask import render_template_string
from werkzeug.datastructures import MultiDict

from flask_server_actions import ServerActions
from flask_server_actions import server_action

from . import core_actions
from .html import ORIGIN
from .html import Page
from .store import STORE

Form = MultiDict[str, t.Any]
ONE_FORM = ('<form method="post">{{ action(fn, *args) }}<input name="x">'
            "<button>Go</button></form>")
SECRET = "shared between workers"


def show(fn: t.Callable[..., t.Any], *args: object) -> str:
    return render_template_string(ONE_FORM, fn=fn, args=args)


def create_app() -> Flask:
    app = Flask(__name__)
    app.config.update(SECRET_KEY=SECRET)
    ServerActions(app)

    @app.get("/doc/<int:n>")
    def doc(n: int) -> str:
        def save(form: Form) -> None:
            "use server"
            STORE.append(("doc", n, form["x"]))

        return show(save)

    @app.get("/decorated/<int:n>")
    def decorated(n: int) -> str:
        @server_action
        def remove(item: str, form: Form) -> None:
            STORE.append(("decorated", n, item, form["x"]))

        return show(remove, f"item {n}")

    @app.get("/module/<name>")
    def module(name: str) -> str:
        return show(core_actions.delete_user, name)

    return app


def post(app: Flask, job: dict[str, t.Any]) -> dict[str, t.Any]:
    client = app.test_client()
    client.set_cookie("session", job["cookie"])
    response = client.post(job["url"], data=job["data"], headers={"Origin": ORIGIN})
    return {"status": response.status_code, "ran": STORE}


def render(app: Flask, job: dict[str, t.Any]) -> dict[str, t.Any]:
    app.testing = True
    client = app.test_client()
    try:
        page = Page.get(client, job["url"])
    except Exception as error:  # reported to the parent test, which asserts on it
        return {"error": type(error).__name__, "message": str(error)}
    status = page.form().submit(x="typed").status_code
    return {"status": status, "ran": STORE, "optimize": sys.flags.optimize}


def main() -> None:
    job = json.load(sys.stdin)
    answer = {"post": post, "render": render}[job["job"]](create_app(), job)
    json.dump(answer, sys.stdout, default=str)

