"""A list with a form per row: the submission's state belongs to the row
that was submitted (docs/forms.rst)."""

from __future__ import annotations

from flask import Flask
from flask import render_template
from werkzeug.datastructures import MultiDict

from flask_server_actions import ActionError
from flask_server_actions import ServerActions

app = Flask(__name__)
app.config["SECRET_KEY"] = "change me"
ServerActions(app)

ROWS = {1: "one", 2: "two", 3: "three"}
RENAMED: list[tuple[int, str]] = []


@app.get("/rows")
def rows() -> str:
    def rename(row_id: int, form: MultiDict[str, str]) -> None:
        "use server"
        if form["title"] == "taken":
            raise ActionError("That title is taken.", field="title")
        RENAMED.append((row_id, form["title"]))

    def drop(row_id: int, form: MultiDict[str, str]) -> None:
        "use server"
        raise ActionError(f"Row {row_id} cannot be dropped.")

    def create(form: MultiDict[str, str]) -> None:
        "use server"
        raise ActionError("Creating is closed.")

    return render_template("rows.html", rows=ROWS, rename=rename, drop=drop, create=create)
