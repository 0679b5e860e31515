"""Run under ``python -OO`` by the tests: ``python -OO -m tests.core.optimized_app
doc|decorated`` renders a page whose action is marked by a docstring or by
the decorator, submits its form, and prints what happened as JSON."""

from __future__ import annotations

import json
import sys
import typing as t

from flask import Flask
from flask import render_template_string
from werkzeug.datastructures import MultiDict

from flask_server_actions import ServerActionError
from flask_server_actions import ServerActions
from flask_server_actions import server_action

from ..html import Page
from ..store import STORE

Form = MultiDict[str, t.Any]
FORM = '<form method="post">{{ action(act) }}<input name="x"><button>Go</button></form>'


def create_app() -> Flask:
    app = Flask(__name__)
    app.config.update(SECRET_KEY="optimized secret", TESTING=True)
    ServerActions(app)

    @app.get("/doc")
    def doc() -> str:
        def act(form: Form) -> None:
            "use server"
            STORE.append(("doc", form["x"]))

        return render_template_string(FORM, act=act)

    @app.get("/decorated")
    def decorated() -> str:
        @server_action
        def act(form: Form) -> None:
            STORE.append(("decorated", form["x"]))

        return render_template_string(FORM, act=act)

    return app


def main(page: str) -> dict[str, t.Any]:
    client = create_app().test_client()
    try:
        form = Page.get(client, f"/{page}").form()
    except ServerActionError as error:
        return {"error": f"{type(error).__name__}: {error}"}
    return {"status": form.submit(x="1").status_code, "store": STORE}


if __name__ == "__main__":
    # Through its importable name, as a real app's views would be.
    from tests.core.optimized_app import main as imported_main

    print(json.dumps(imported_main(sys.argv[1])))
