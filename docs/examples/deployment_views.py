"""A page with an action, served by every instance (docs/deployment.rst)."""

from __future__ import annotations

import typing as t

from flask import Blueprint
from flask import render_template_string

bp = Blueprint("notes", __name__)
NOTES: list[str] = []


@bp.get("/notes")
def notes() -> str:
    def add_note(form: t.Any) -> None:
        "use server"
        NOTES.append(form["text"])

    return render_template_string(
        '{{ action.notice() }}<form method="post">{{ action(add_note) }}'
        '<input name="text" value="{{ action.value(\'text\') }}"><button>Add</button></form>',
        add_note=add_note)
