"""The app the row tests drive: a list whose rows are a partial included in a
``{% for %}`` loop (``/rows``) or a scoped block in one (``/blocks``), each
row with its own forms and buttons naming the row's partial or block; and a
list shown one row at a time, the next ones with "load more" (``/paged``),
whose rows the app finds by their id (``row_loader``)."""

from __future__ import annotations

import typing as t

from flask import Flask
from flask import abort
from flask import current_app
from flask import flash
from flask import render_template
from jinja2 import DictLoader
from werkzeug.datastructures import MultiDict

from flask_server_actions import ActionError
from flask_server_actions import ServerActions
from flask_server_actions import action_state

from ..store import STORE

Form = MultiDict[str, t.Any]

TEMPLATES = {
    "layout.html": """<!doctype html>
<html><head><title>Rows</title>{{ action.htmx_script() }}</head><body>
{{ action.notice() }}
{% block messages %}<ul id="messages">{% for m in get_flashed_messages() %}<li class="flash">{{ m }}</li>{% endfor %}</ul>{% endblock %}
{% block content %}{% endblock %}
<footer id="footer">the footer</footer></body></html>""",
    "rows.html": """{% extends "layout.html" %}
{% block content %}<ul id="rows">{% for row in rows %}{% include "_row.html" %}{% endfor %}</ul>
<form id="add" method="post">{{ action(add) }}<input name="title"><button>Add</button></form>
{% endblock %}""",
    "_row.html": """<li id="row-{{ row.id }}" class="{{ 'done' if row.done else 'open' }}">
  {{ action.form(rename, row.id, partial="_row.html", target="closest li") }}
    <input name="title" value="{{ action.value('title', row.title) }}">
    {% if action_state(rename, row.id).field_error('title') %}<span class="error">{{ action_state(rename, row.id).field_error('title') }}</span>{% endif %}
    <button>Save</button>
    <button class="toggle" {{ action.button(toggle, row.id, partial="_row.html", target="closest li") }}>Toggle</button>
    <button class="delete" {{ action.button(delete, row.id, partial="_row.html", target="closest li") }}>Delete</button>
  </form>
</li>""",
    "paged.html": """{% extends "layout.html" %}
{% block content %}<ul id="rows">{% for row in earlier %}{% include "_row.html" %}{% endfor %}
{% include "_more.html" %}</ul>{% endblock %}""",
    "_more.html": """{% for row in loaded %}{% include "_row.html" %}{% endfor %}
{% if shown < total %}<li id="more"><form method="post">
<button {{ action.button(load_more, shown, partial="_more.html", target="#more") }}>More</button>
</form></li>{% endif %}""",
    "flat.html": """<ul id="messages">{% for m in get_flashed_messages() %}<li class="flash">{{ m }}</li>{% endfor %}</ul>
<ul id="rows">{% for row in rows %}{% include "_row.html" %}{% endfor %}</ul>""",
    "blocks.html": """{% extends "layout.html" %}
{% block content %}<ul id="rows">{% for row in rows %}{% block row scoped %}<li id="row-{{ row.id }}" class="{{ 'done' if row.done else 'open' }}">
  {{ action.form(toggle, row.id, block="row", target="closest li") }}{{ row.title }}<button>Toggle</button></form>
</li>{% endblock %}{% endfor %}</ul>{% endblock %}""",
}

#: The rows, by id: what the actions change.
ROWS: dict[int, dict[str, t.Any]] = {}
#: What each render of a page saw of the submitted action: (ref, args, succeeded).
SEEN: list[tuple[str, t.Any, bool]] = []


def reset() -> None:
    ROWS.clear()
    ROWS.update({i: {"id": i, "title": f"Row {i}", "done": False} for i in (1, 2, 3)})
    SEEN.clear()


def _row(row_id: int) -> dict[str, t.Any]:
    if row_id not in ROWS:
        abort(404)
    return ROWS[row_id]


def create_app(**config: t.Any) -> Flask:
    app = Flask(__name__)
    app.config.update({"SECRET_KEY": "row tests", "SERVER_ACTIONS_HTMX_SRC": "/static/htmx.js",
                       **config})
    app.jinja_loader = DictLoader(TEMPLATES)
    actions = ServerActions(app)
    reset()

    if app.config.get("ROWS_LOADER", True):
        @actions.row_loader("_row.html")
        def load_row(row_id: int) -> dict[str, t.Any] | None:
            return {"row": ROWS[row_id]} if row_id in ROWS else None

    with app.app_context():
        @actions.before_action
        def read_only(call: t.Any) -> None:
            if current_app.config.get("ROWS_READ_ONLY"):
                abort(403)

    def page(template: str, **extra: t.Any) -> str:
        def rename(row_id: int, form: Form) -> None:
            "use server"
            title = form["title"].strip()
            if not title or title == "taken":
                raise ActionError("Give it another title.", field="title")
            _row(row_id)["title"] = title
            STORE.append(("rename", row_id, title))

        def toggle(row_id: int) -> None:
            "use server"
            row = _row(row_id)
            row["done"] = not row["done"]
            STORE.append(("toggle", row_id))
            flash(f"Toggled {row['title']}.")

        def delete(row_id: int) -> None:
            "use server"
            del ROWS[_row(row_id)["id"]]
            STORE.append(("delete", row_id))

        def add(form: Form) -> t.Any:
            "use server"
            if not form["title"]:
                raise ActionError("Say what needs doing.", field="title")
            if form["title"] == "conflict":  # an answer the action chose
                return current_app.response_class("<p id='conflict'>Chosen</p>", status=409)
            return None

        state = action_state()
        SEEN.append((state.ref, state.args, state.succeeded))
        return render_template(template, rows=list(ROWS.values()), rename=rename,
                               toggle=toggle, delete=delete, add=add, **extra)

    @app.get("/rows")
    def rows() -> str:
        return page("rows.html")

    @app.get("/blocks")
    def blocks() -> str:
        return page("blocks.html")

    @app.get("/paged")
    def paged() -> str:
        def load_more(shown: int) -> list[dict[str, t.Any]]:
            "use server"
            return list(ROWS.values())[shown:shown + 1]

        state = action_state(load_more)
        rows = list(ROWS.values())
        start, loaded = (state.args[0], state.value) if state else (0, rows[:1])
        return page("paged.html", earlier=rows[:start], loaded=loaded,
                    shown=start + len(loaded), total=len(rows), load_more=load_more)

    @app.get("/flat")
    def flat() -> str:
        return page("flat.html")

    return app
