"""Actions of several shapes (no form parameter, varargs, class-based views,
every spelling of the decorator) next to unmarked functions."""

from __future__ import annotations

import typing as t

from flask import Flask
from flask import render_template_string
from flask.views import MethodView
from werkzeug.datastructures import MultiDict

import flask_server_actions
from flask_server_actions import ServerActions
from flask_server_actions import server_action

from ..store import STORE

Form = MultiDict[str, t.Any]
F = t.TypeVar("F", bound=t.Callable[..., t.Any])
ONE_FORM = ('<form method="post">{{ action(fn, *args) }}<input name="x" value="1">'
            "<button>Go</button></form>")


def show(fn: t.Callable[..., t.Any], *args: object) -> str:
    return render_template_string(ONE_FORM, fn=fn, args=args)


@server_action
def archive(form: Form) -> None:
    STORE.append(("archive", form["x"]))


def tagged(fn: F) -> F:
    """A decorator returning the function itself, stacked under server_action."""
    fn.tagged = True  # type: ignore[attr-defined]
    return fn


def not_an_action(form: Form) -> None:
    STORE.append(("not_an_action", form["x"]))


class PostView(MethodView):
    """A class-based view at module level."""

    def get(self, post_id: int) -> str:
        def publish(form: Form) -> None:
            "use server"
            STORE.append(("publish", post_id, form["x"]))

        return show(publish)


def create_app() -> Flask:
    app = Flask(__name__)
    app.config.update(SECRET_KEY="shapes secret")
    ServerActions(app)
    app.add_url_rule("/class/<int:post_id>", view_func=PostView.as_view("post_view"))

    @app.get("/varargs")
    def varargs() -> str:
        def collect(*args: t.Any) -> None:
            "use server"
            *bound, form = args
            STORE.append(("varargs", tuple(bound), form["x"]))

        return show(collect, 1, "two")

    @app.get("/decorator/<kind>")
    def decorator_spellings(kind: str) -> str:
        @flask_server_actions.server_action
        def with_module(form: Form) -> None:
            STORE.append(("with_module", form["x"]))

        @server_action()
        def with_parentheses(form: Form) -> None:
            STORE.append(("with_parentheses", form["x"]))

        @server_action(once=False)
        @tagged
        def under_another(form: Form) -> None:
            STORE.append(("under_another", form["x"]))

        return show({"module": with_module, "parentheses": with_parentheses,
                     "stacked": under_another}[kind])

    return app


def create_empty_app() -> Flask:
    """An app with views but no inline actions."""
    app = Flask(__name__)
    app.config.update(SECRET_KEY="empty secret")
    ServerActions(app)

    @app.get("/")
    def index() -> str:
        def helper() -> str:
            return "not an action"

        return helper()

    return app
