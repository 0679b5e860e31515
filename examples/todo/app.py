"""The to-do list app: ``flask --app examples.todo.app run`` (Flask finds
:func:`create_app`; the database goes to the instance folder).

Every change is a server action defined next to the page that shows it.
It speaks English and German (Flask-Babel): the browser's
``Accept-Language`` picks one, the page's language switch (an action)
another; ``<html lang>``, its error pages, WTForms' messages and the
library's messages follow.
"""

from __future__ import annotations

import os
import sqlite3
import typing as t

from flask import Flask
from flask import abort
from flask import flash
from flask import redirect
from flask import render_template
from flask import request
from flask import session
from flask import url_for
from flask_babel import Babel
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_babel import ngettext
from werkzeug.exceptions import HTTPException
from werkzeug.wrappers import Response

from flask_server_actions import ActionCall
from flask_server_actions import ActionError
from flask_server_actions import ServerActionError
from flask_server_actions import ServerActions
from flask_server_actions import action_state
from flask_server_actions import htmx
from flask_server_actions import server_action

from . import db
from .forms import TodoForm

#: The languages the app speaks, each named in itself.
LANGUAGES = {"en": "English", "de": "Deutsch"}
#: The error pages of the app, in the user's language: a title and what
#: the user reads when the error says nothing more.
ERROR_PAGES = {
    400: (_l("Bad request"), _l("This request could not be understood.")),
    403: (_l("Forbidden"), _l("You are not allowed to do this.")),
    404: (_l("Not found"), _l("There is no such page.")),
    405: (_l("Method not allowed"), _l("This page cannot be used that way.")),
    409: (_l("Conflict"), _l("This was changed in the meantime. Please reload the page.")),
    410: (_l("Gone"), _l("This no longer exists.")),
    413: (_l("Too large"), _l("What you sent is too large.")),
    429: (_l("Too many requests"), _l("Too many attempts. Please wait a moment and try again.")),
}


def select_locale() -> str | None:
    """The language the user chose on the page, else the browser's."""
    chosen = session.get("language")
    return chosen if chosen in LANGUAGES else request.accept_languages.best_match(LANGUAGES)


@server_action(scope="app")  # about the visitor, not the page: on every page
def set_language(code: str) -> None:
    """Speak ``code`` from now on, whatever the browser asks for."""
    session["language"] = code


def create_app(config: t.Mapping[str, t.Any] | None = None) -> Flask:
    app = Flask(__name__, instance_relative_config=True)
    app.config.from_mapping(
        SECRET_KEY=os.environ.get("TODO_SECRET_KEY", "dev: set TODO_SECRET_KEY in production"),
        DATABASE=os.path.join(app.instance_path, "todo.sqlite"),
        TODO_PAGE_SIZE=20,  # items shown at first, and per "load more"
    )
    app.config.update(config or {})
    os.makedirs(os.path.dirname(app.config["DATABASE"]) or ".", exist_ok=True)
    # With htmx (SERVER_ACTIONS_HTMX_SRC set), every answer carries the
    # flashed messages out of band.
    app.config.setdefault("SERVER_ACTIONS_HTMX_OOB", ["messages"])
    actions = ServerActions(app)
    Babel(app, locale_selector=select_locale)
    app.teardown_appcontext(db.close_db)

    # A row that came with "load more" is not on the page the view shows
    # again: this finds it by its id, for an htmx answer with the row.
    @actions.row_loader("_todo.html")
    def todo_row(todo_id: int) -> dict[str, t.Any] | None:
        todo = db.todo(todo_id)
        return None if todo is None else {"todo": todo}

    @actions.before_action  # this app's extension: the check is this app's
    def writable(call: ActionCall) -> None:
        if app.config.get("TODO_READ_ONLY"):
            abort(403, _("The list is read-only right now."))

    @app.context_processor
    def language() -> dict[str, t.Any]:
        return {"lang": str(get_locale()), "languages": LANGUAGES, "set_language": set_language}

    def error_page(error: HTTPException) -> tuple[str, int]:
        # Under htmx, an action's error shows in the notice region instead.
        code = error.code or 500
        name, text = ERROR_PAGES[code]
        if isinstance(error, ServerActionError):
            text = error.user_message() or text  # the library's, translated
        elif error.description != type(error).description:
            text = error.description  # this app's own words (translated where raised)
        return render_template("error.html", code=code, name=name, text=text), code

    for code in ERROR_PAGES:
        app.register_error_handler(code, error_page)

    @app.get("/")
    def index() -> str:
        @server_action(form=TodoForm)
        def add(form: TodoForm) -> None:
            db.change("INSERT INTO todo (title) VALUES (?)", form.title.data)
            flash(_("Added “%(title)s”.", title=form.title.data))

        @server_action(form=TodoForm)
        def rename(todo_id: int, form: TodoForm) -> None:
            title = form.title.data
            if any(row["title"] == title and row["id"] != todo_id for row in db.todos()):
                raise ActionError(_("Another item already says that."), field="title")
            _changed(db.change("UPDATE todo SET title = ? WHERE id = ?", title, todo_id))

        def toggle(todo_id: int) -> None:
            "use server"
            _changed(db.change("UPDATE todo SET done = 1 - done WHERE id = ?", todo_id))

        def delete(todo_id: int) -> None:
            "use server"
            _changed(db.change("DELETE FROM todo WHERE id = ?", todo_id))
            flash(_("Deleted."))

        def finish_all() -> str:
            "use server"
            count = db.change("UPDATE todo SET done = 1 WHERE done = 0")
            return ngettext("%(num)d item done", "%(num)d items done", count)

        page_size = app.config["TODO_PAGE_SIZE"]

        def load_more(shown: int) -> list[sqlite3.Row] | Response:
            "use server"
            if not htmx:  # without JavaScript: a page of its own, down to the next items,
                # whose rows' actions come back to it
                return redirect(url_for("index", shown=shown + page_size))
            return db.todos(offset=shown, limit=page_size)

        more = action_state(load_more)
        if more:  # with htmx: the items it returned, after the `start` shown before
            start, loaded = more.args[0], more.value
        else:
            start, loaded = 0, db.todos(limit=request.args.get("shown", page_size, type=int))
        return render_template(
            "index.html", earlier=db.todos(limit=start), loaded=loaded,
            shown=start + len(loaded), total=db.count(),
            form=action_state(add).form_for(TodoForm), add=add, rename=rename, toggle=toggle,
            delete=delete, finish_all=finish_all, load_more=load_more)

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
                raise ActionError(_("Another item already says that."), field="title")
            db.change("UPDATE todo SET title = ? WHERE id = ?", title, todo_id)
            return redirect(url_for("index"))

        form = action_state(rename).form_for(TodoForm, data={"title": todo["title"]})
        return render_template("edit.html", todo=todo, form=form, rename=rename)

    return app


def _changed(count: int) -> None:
    """Refuse an action on an item someone deleted since the page was shown."""
    if count == 0:
        abort(404, _("That item no longer exists: it may have been deleted."))

