"""A small notes app for the scale-out tests.

The tests serve a copy of this file named ``scaleout_notes`` with gunicorn,
so that a "redeploy" can change the code behind a name that tokens already
carry. Configured by the environment: ``SCALEOUT_SECRET``,
``SCALEOUT_FALLBACKS`` (comma-separated) and ``SCALEOUT_DB`` (a SQLite file
shared by every instance).
"""

from __future__ import annotations

import contextlib
import os
import sqlite3
import typing as t

from flask import Flask
from flask import render_template_string
from werkzeug.datastructures import MultiDict

from flask_server_actions import ServerActions

PAGE = """<!doctype html><title>{{ board }}</title>
{{ action.notice() }}
<form method="post">{{ action(add_note) }}
  <input name="text" value="{{ action.value('text') }}"><button>Add</button>
</form>
<ul>{% for note in notes %}<li>{{ note }}</li>{% endfor %}</ul>
"""


def connect() -> contextlib.closing[sqlite3.Connection]:
    """A connection to the shared database; waits for other writers."""
    db = sqlite3.connect(os.environ["SCALEOUT_DB"], timeout=30)
    db.execute("pragma synchronous = normal")  # safe in WAL mode, and no fsync per post
    return contextlib.closing(db)


def create_schema(path: str) -> None:
    with contextlib.closing(sqlite3.connect(path)) as db:
        db.execute("pragma journal_mode = wal")
        db.execute("create table notes (id integer primary key, board text, text text)")
        db.commit()


def create_app() -> Flask:
    app = Flask(__name__)
    app.config["SECRET_KEY"] = os.environ["SCALEOUT_SECRET"]
    if os.environ.get("SCALEOUT_FALLBACKS"):
        app.config["SECRET_KEY_FALLBACKS"] = os.environ["SCALEOUT_FALLBACKS"].split(",")
    ServerActions(app)

    @app.get("/boards/<board>")
    def show_board(board: str) -> str:
        def add_note(form: MultiDict[str, t.Any]) -> None:
            "use server"
            text = form["text"]
            with connect() as db:
                db.execute("insert into notes (board, text) values (?, ?)", (board, text))
                db.commit()

        with connect() as db:
            notes = [row[0] for row in db.execute(
                "select text from notes where board = ? order by id", (board,))]
        return render_template_string(PAGE, board=board, add_note=add_note, notes=notes)

    return app
