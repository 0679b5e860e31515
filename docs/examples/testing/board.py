"""A board with an htmx list and an upload, for docs/testing.rst."""

from __future__ import annotations

from flask import Flask
from flask import render_template
from flask import request
from werkzeug.datastructures import MultiDict

from flask_server_actions import ServerActions
from flask_server_actions import server_action

app = Flask(__name__)
app.config.update(SECRET_KEY="change me", SERVER_ACTIONS_HTMX_SRC="/static/htmx.min.js")
ServerActions(app)

CARDS: list[str] = []
FILES: dict[str, bytes] = {}


@server_action
def add_card(form: MultiDict[str, str]) -> None:
    language = request.headers.get("Accept-Language", "en")
    CARDS.append(form["title"] if language == "en" else f"{form['title']} ({language})")


@server_action
def attach(form: MultiDict[str, object]) -> None:
    file = form["file"]
    FILES[file.filename] = file.read()  # type: ignore[attr-defined]


@app.get("/board")
def board() -> str:
    return render_template("board.html", cards=CARDS, files=sorted(FILES),
                           add_card=add_card, attach=attach)
