"""The to-do list app: ``flask --app examples.todo.app run`` (Flask finds
:func:`create_app`; the database goes to the instance folder).

Every change is a server action defined next to the page that shows it.
"""

from __future__ import annotations

import os
import typing as t

from flask import Flask
from flask import abort
from flask import flash
from flask import redirect
from flask import render_template
from flask import url_for
from werkzeug.wrappers import Response

from flask_server_actions import ActionError
from flask_server_actions import ServerActions
from flask_server_actions import action_state
from flask_server_actions import server_action

from . import db
from .forms import TodoForm


def create_app(config: t.Mapping[str, t.Any] | None = None) -> Flask:
    app = Flask(__name__, instance_relative_config=True)
    app.config.from_mapping(
        SECRET_KEY=os.environ.get("TODO_SECRET_KEY", "dev: set TODO_SECRET_KEY in production"),
        DATABASE=os.path.join(app.instance_path, "todo.sqlite"),
    )
    app.config.update(config or {})
    os.makedirs(os.path.dirname(app.config["DATABASE"]) or ".", exist_ok=True)
    ServerActions(app)
    app.teardown_appcontext(db.close_db)

    @app.get("/")
    def index() -> str:
        @server_action(form=TodoForm)
        def add(form: TodoForm) -> None:
            db.change("INSERT INTO todo (title) VALUES (?)", form.title.data)
            flash(f"Added “{form.title.data}”.")

        def toggle(todo_id: int) -> None:
            "use server"
            db.change("UPDATE todo SET done = 1 - done WHERE id = ?", todo_id)

        def delete(todo_id: int) -> None:
            "use server"
            db.change("DELETE FROM todo WHERE id = ?", todo_id)

        def finish_all() -> str:
            "use server"
            count = db.change("UPDATE todo SET done = 1 WHERE done = 0")
            return f"{count} item{'s' if count != 1 else ''} done"

        return render_template(
            "index.html", todos=db.todos(), form=action_state(add).form_for(TodoForm),
            add=add, toggle=toggle, delete=delete, finish_all=finish_all)

    @app.get("/todos/<int:todo_id>")
    def edit(todo_id: int) -> str:
        todo = db.todo(todo_id)
        if todo is None:
            abort(404)
        current = todo["title"]  # a row cannot travel in a token; its title can

        @server_action(form=TodoForm)
        def rename(form: TodoForm) -> Response:
            title = form.title.data
            if title != current and any(row["title"] == title for row in db.todos()):
                raise ActionError("Another item already says that.", field="title")
            db.change("UPDATE todo SET title = ? WHERE id = ?", title, todo_id)
            return redirect(url_for("index"))

        form = action_state(rename).form_for(TodoForm, data={"title": todo["title"]})
        return render_template("edit.html", todo=todo, form=form, rename=rename)

    return app

