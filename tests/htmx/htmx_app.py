"""The app the htmx tests drive: a page whose template has blocks for
fragments, out-of-band updates, button actions and JSON calls."""

from __future__ import annotations

import datetime as dt
import typing as t

from flask import Flask
from flask import redirect
from flask import render_template
from jinja2 import DictLoader
from werkzeug.datastructures import MultiDict
from wtforms import BooleanField
from wtforms import Form as WTForm
from wtforms import IntegerField
from wtforms import StringField
from wtforms.validators import Length
from wtforms.validators import NumberRange

from flask_server_actions import ActionError
from flask_server_actions import ServerActions
from flask_server_actions import htmx

from ..store import STORE

Form = MultiDict[str, t.Any]

TEMPLATES = {
    "base.html": """<!doctype html>
<html><head><title>Post</title>{{ action.htmx_script() }}</head>
<body>{% block body %}{% endblock %}
{% block footer %}<footer id="footer">{{ footer }}</footer>{% endblock %}</body></html>""",
    "post.html": """{% extends "base.html" %}
{% block body %}
<p>Writes: {% block count %}<span id="count">{{ count }}</span>{% endblock %}</p>
{% block post %}<article id="post">
  <h1>{{ title }}</h1>
  {{ action.notice() }}
  {% if action_state(update_post) %}<p id="state">{{ action_state(update_post).value }}</p>{% endif %}
  {{ action.form(update_post, block="post", target="#post", oob=["count"], id="edit") }}
    <input name="title" value="{{ action.value('title', title) }}">
    {% if action_state().field_error('title') %}<span class="error">{{ action_state().field_error('title') }}</span>{% endif %}
    <button>Save</button>
  </form>
</article>{% endblock %}
{% block rows %}<ul id="rows">{% for row in rows %}
  <li><form method="post"><button id="del-{{ row }}" {{ action.button(delete_row, row, block="rows", target="#rows") }}>Delete {{ row }}</button></form></li>
{% endfor %}</ul>{% endblock %}
<form id="plain" method="post">{{ action(update_post) }}<input name="title"><button>Go</button></form>
<form id="partial" method="post">{{ action(update_post, partial="_title.html") }}<input name="title"><button>Go</button></form>
<form id="free" method="post">{{ action(update_post, block="no_such_block") }}<input name="title"><button>Go</button></form>
<form id="bad-oob" method="post">{{ action(update_post, oob=["text_only"]) }}<input name="title"><button>Go</button></form>
<button id="add" {{ action.data(add, 10) }}>Add</button>
<button id="order" {{ action.data(order) }}>Order</button>
<button id="update" {{ action.data(update_post) }}>Update</button>
{{ action.client_script() }}
{% endblock %}
{% block text_only %}just text{% endblock %}""",
    "_title.html": """<h1 id="title">{{ title }} ({{ count }})</h1>""",
}


class OrderForm(WTForm):
    amount = IntegerField(validators=[NumberRange(min=1)])
    note = StringField(validators=[Length(max=5)])
    urgent = BooleanField()


def title() -> str:
    updates = [entry[2] for entry in STORE if entry[0] == "update_post"]
    return updates[-1] if updates else "First post"


def create_app(**config: t.Any) -> Flask:
    app = Flask(__name__)
    app.config.update({"SECRET_KEY": "htmx tests", "SERVER_ACTIONS_HTMX_SRC": "/static/htmx.js",
                       **config})
    app.jinja_loader = DictLoader(TEMPLATES)
    ServerActions(app)

    @app.get("/posts/1")
    def show_post() -> str:
        post_id = 1

        def update_post(form: Form) -> t.Any:
            "use server"
            new_title = form["title"]
            if new_title == "taken":
                raise ActionError("That title is taken.", field="title")
            STORE.append(("update_post", post_id, new_title))
            return ANSWERS.get(new_title, lambda: None)()

        def delete_row(row: int) -> None:
            "use server"
            STORE.append(("delete_row", row))

        def add(base: int, amount: int, when: str = "2024-05-17") -> t.Any:
            "use server"
            if amount < 0:
                raise ActionError("Only positive amounts.", field="amount")
            return {"sum": base + amount, "on": dt.date.fromisoformat(when), "pair": (1, 2)}

        def order(form: OrderForm) -> dict[str, t.Any]:
            "use server"
            return {"amount": form.amount.data, "note": form.note.data, "urgent": form.urgent.data}

        deleted = {entry[1] for entry in STORE if entry[0] == "delete_row"}
        return render_template(
            "post.html", title=title(), count=len(STORE), footer="the footer",
            rows=[row for row in (1, 2, 3) if row not in deleted],
            update_post=update_post, delete_row=delete_row, add=add, order=order)

    @app.get("/")
    def index() -> str:
        return "home"

    return app


ANSWERS: dict[str, t.Callable[[], t.Any]] = {
    "state": lambda: "saved with state",
    "home": lambda: redirect("/"),
    "elsewhere": lambda: redirect("https://evil.example/phish"),
    "client": lambda: htmx.client_redirect("/"),
    "client-elsewhere": lambda: htmx.client_redirect("https://evil.example/"),
    "location": lambda: htmx.client_location("/", target="#main"),
    "count-only": lambda: htmx.fragment("count"),
    "object": lambda: {"not": object()},
}
