"""Rolling back a failed action on another database (docs/integrations.rst)."""

from __future__ import annotations

import sqlite3

from flask import Flask
from flask import g
from flask import render_template_string

from flask_server_actions import ActionError
from flask_server_actions import ServerActions

app = Flask(__name__)
app.config.update(SECRET_KEY="change me", DATABASE=":memory:")
actions = ServerActions(app)


def get_db() -> sqlite3.Connection:
    if "db" not in g:
        g.db = sqlite3.connect(app.config["DATABASE"])
    return g.db  # type: ignore[no-any-return]


@app.teardown_appcontext
def close_db(error: BaseException | None) -> None:
    db = g.pop("db", None)
    if db is not None:
        db.close()


@actions.before_rerender
def roll_back() -> None:
    # The page shown after a failed action must not see its writes.
    get_db().rollback()


@app.get("/")
def count() -> str:
    db = get_db()
    db.execute("CREATE TABLE IF NOT EXISTS visit (at TEXT)")

    def record(form: object) -> None:
        "use server"
        get_db().execute("INSERT INTO visit VALUES (datetime())")
        raise ActionError("Visits are closed.")

    visits = db.execute("SELECT count(*) FROM visit").fetchone()[0]
    return render_template_string(
        "<p id=visits>{{ visits }}</p>{{ action.notice() }}"
        "<form method=post>{{ action(record) }}<button>Visit</button></form>",
        visits=visits, record=record)
