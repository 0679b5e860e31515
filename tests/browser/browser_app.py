"""A small SQLite app for the browser tests: users created and deleted, a
post edited inline. Each form works as a plain post and with htmx."""

from __future__ import annotations

import pathlib
import sqlite3
import time
import typing as t

from flask import Flask
from flask import current_app
from flask import g
from flask import render_template
from jinja2 import DictLoader
from werkzeug.datastructures import MultiDict

from flask_server_actions import ActionError
from flask_server_actions import ServerActions

Form = MultiDict[str, t.Any]

TEMPLATES = {
    "base.html": """<!doctype html>
<html><head><meta charset="utf-8"><title>{% block title %}{% endblock %}</title>
{{ action.htmx_script() }}
<style>body { font: 16px sans-serif; margin: 2em; } .htmx-request { opacity: .5; }
.error, .action-notice { color: #b00; }</style>
</head><body>{% block body %}{% endblock %}</body></html>""",
    "users.html": """{% extends "base.html" %}
{% block title %}Users{% endblock %}
{% block body %}
<h1>Users ({% block count %}<span id="count">{{ users|length }}</span>{% endblock %})</h1>
{% block users %}<section id="users">
  {{ action.form(create_user, block="users", target="#users", oob=["count"], id="create") }}
    {{ action.notice() }}
    <label>Name <input name="name" required value="{{ action.value('name') }}"></label>
    {% if action_state().field_error('name') %}<span class="error">{{ action_state().field_error('name') }}</span>{% endif %}
    <button id="add">Add user</button>
  </form>
  <ul>{% for user in users %}
    <li id="user-{{ user[0] }}">{{ user[1] }}
      <form method="post"><button id="delete-{{ user[0] }}" {{ action.button(delete_user, user[0], block="users", target="#users", oob=["count"]) }}>Delete</button></form>
    </li>{% endfor %}
  </ul>
</section>{% endblock %}
<p><button id="how-many" type="button" {{ action.data(count_users) }}
  onclick="serverActions.call(this, []).then(function (n) { show(n.users + ' users: ' + n.names.join(', ')) })">How many?</button>
<button id="too-short" type="button" {{ action.data(count_users) }}
  onclick="serverActions.call(this, ['x']).catch(function (e) { show(e.status + ' ' + e.field + ': ' + e.message) })">Filter by x</button>
<output id="answer"></output></p>
<script>function show(text) { document.getElementById("answer").textContent = text }</script>
{{ action.client_script() }}
{% endblock %}""",
    "post.html": """{% extends "base.html" %}
{% block title %}{{ post[1] }}{% endblock %}
{% block body %}
{% block post %}<article id="post">
  <h1 id="title">{{ post[1] }}</h1>
  {{ action.form(update_post, block="post", target="#post", id="edit") }}
    {{ action.notice() }}
    <input name="title" required value="{{ action.value('title', post[1]) }}">
    {% if action_state().field_error('title') %}<span class="error">{{ action_state().field_error('title') }}</span>{% endif %}
    <button id="save">Save</button>
  </form>
</article>{% endblock %}
{% endblock %}""",
}

SCHEMA = """
CREATE TABLE IF NOT EXISTS users (id INTEGER PRIMARY KEY, name TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS posts (id INTEGER PRIMARY KEY, title TEXT NOT NULL);
"""


def reset(path: pathlib.Path) -> None:
    """Start every test from the same rows."""
    with sqlite3.connect(path) as db:
        db.executescript(SCHEMA + "DELETE FROM users; DELETE FROM posts;")
        db.executemany("INSERT INTO users (id, name) VALUES (?, ?)", [(1, "ada"), (2, "grace")])
        db.execute("INSERT INTO posts (id, title) VALUES (1, 'First post')")


def db() -> sqlite3.Connection:
    """This request's connection to the app's database."""
    if "db" not in g:
        g.db = sqlite3.connect(current_app.config["DATABASE"])
    return t.cast(sqlite3.Connection, g.db)


def write(sql: str, *params: object) -> None:
    """Run one write, slowly enough for a second click to land mid-request."""
    time.sleep(current_app.config["ACTION_DELAY"])
    with db() as connection:
        connection.execute(sql, params)


def create_app(database: pathlib.Path, htmx_file: pathlib.Path, htmx_version: int) -> Flask:
    app = Flask(__name__)
    app.config.update({
        "SECRET_KEY": "browser tests",
        "DATABASE": database,
        "SERVER_ACTIONS_HTMX_SRC": htmx_file,
        "SERVER_ACTIONS_HTMX_VERSION": htmx_version,
        "ACTION_DELAY": 0.3,
    })
    app.jinja_loader = DictLoader(TEMPLATES)
    ServerActions(app)

    @app.teardown_appcontext
    def close_db(error: BaseException | None) -> None:
        connection = g.pop("db", None)
        if connection is not None:
            connection.close()

    @app.get("/users")
    def users() -> str:
        def create_user(form: Form) -> None:
            "use server"
            name = form["name"].strip()
            if len(name) < 3:
                raise ActionError("A name needs at least 3 characters.", field="name")
            write("INSERT INTO users (name) VALUES (?)", name)

        def delete_user(user_id: int) -> None:
            "use server"
            write("DELETE FROM users WHERE id = ?", user_id)

        def count_users(prefix: str = "") -> dict[str, t.Any]:
            "use server"
            if prefix and len(prefix) < 2:
                raise ActionError("A prefix needs at least 2 characters.", field="prefix")
            found = [row[0] for row in db().execute("SELECT name FROM users ORDER BY id")]
            return {"users": len(found), "names": tuple(found)}

        rows = db().execute("SELECT id, name FROM users ORDER BY id").fetchall()
        return render_template("users.html", users=rows, create_user=create_user,
                               delete_user=delete_user, count_users=count_users)

    @app.get("/posts/<int:post_id>")
    def show_post(post_id: int) -> str:
        def update_post(form: Form) -> None:
            "use server"
            write("UPDATE posts SET title = ? WHERE id = ?", form["title"], post_id)

        post = db().execute("SELECT id, title FROM posts WHERE id = ?", (post_id,)).fetchone()
        return render_template("post.html", post=post, update_post=update_post)

    return app
