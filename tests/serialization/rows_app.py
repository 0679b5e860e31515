"""An app whose views capture rows of a tiny "database", registered with
:meth:`ServerActions.register_type` so only their primary key travels."""

from __future__ import annotations

import typing as t
from dataclasses import dataclass

from flask import Flask
from flask import abort
from flask import render_template_string
from werkzeug.datastructures import MultiDict

from flask_server_actions import ServerActions

from ..store import STORE


@dataclass
class Row:
    """Stands for an ORM row: an id and a column."""

    id: int
    title: str


#: The "database": primary key -> row.
DATABASE: dict[int, Row] = {}


def load_row(row_id: int) -> Row:
    """Reload a row on submit; one deleted meanwhile is a 404."""
    if row_id not in DATABASE:
        abort(404)
    return DATABASE[row_id]


def create_app(type_name: str = "Row") -> Flask:
    app = Flask(__name__)
    app.config["SECRET_KEY"] = "types secret"
    actions = ServerActions(app)
    actions.register_type(Row, dump=lambda row: row.id, load=load_row, name=type_name)

    @app.get("/rows/<int:row_id>")
    def show_row(row_id: int) -> str:
        row = DATABASE[row_id]

        def rename(same_row: Row, form: MultiDict[str, t.Any]) -> None:
            "use server"
            STORE.append(("rename", row.id, row.title, form["title"], same_row.id))

        return render_template_string(
            '{{ action.notice() }}<form method="post">{{ action(rename, row) }}<input name="title" value="{{ action.value("title") }}">'
            "<button>Save</button></form>", rename=rename, row=row)

    return app
