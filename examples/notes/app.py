"""The notes app: ``flask --app examples.notes.app run``.

Flask-SQLAlchemy rows travel in tokens as their keys
(``actions.use_sqlalchemy``), Flask-Login guards the pages and their actions,
and the forms are Flask-WTF's.
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
from flask_login import current_user
from flask_login import login_required
from sqlalchemy import select
from werkzeug.exceptions import HTTPException
from werkzeug.wrappers import Response

from flask_server_actions import ActionError
from flask_server_actions import ServerActionError
from flask_server_actions import ServerActions
from flask_server_actions import action_state
from flask_server_actions import server_action

from .auth import login_manager
from .auth import sign_in
from .auth import sign_out
from .forms import NoteForm
from .forms import SignInForm
from .models import Note
from .models import add_user
from .models import db


def create_app(config: t.Mapping[str, t.Any] | None = None) -> Flask:
    app = Flask(__name__, instance_relative_config=True)
    app.config.from_mapping(
        SECRET_KEY=os.environ.get("NOTES_SECRET_KEY", "dev: set NOTES_SECRET_KEY in production"),
        SQLALCHEMY_DATABASE_URI="sqlite:///" + os.path.join(app.instance_path, "notes.sqlite"),
        SESSION_COOKIE_SAMESITE="Lax",
    )
    app.config.update(config or {})
    os.makedirs(app.instance_path, exist_ok=True)
    db.init_app(app)
    login_manager.init_app(app)
    actions = ServerActions(app)
    actions.use_sqlalchemy(db.session, db.Model)
    with app.app_context():
        db.create_all()
        if app.config.get("NOTES_DEMO_USER"):
            email, password = app.config["NOTES_DEMO_USER"]
            add_user(email, password)

    @app.context_processor
    def account() -> dict[str, t.Any]:
        return {"sign_out": sign_out}

    def error_page(error: HTTPException) -> tuple[str, int]:
        """A page of the app's own (its landmarks, its way back) for an error."""
        message = (error.user_message() if isinstance(error, ServerActionError)
                   else error.description)
        return render_template("error.html", error=error, message=message), error.code or 500

    for code in (400, 403, 404, 405, 413, 429):
        app.register_error_handler(code, error_page)

    @app.get("/")
    def index() -> Response:
        return redirect(url_for("notes"))

    @app.get("/sign-in")
    def sign_in_page() -> str:
        form = action_state(sign_in).form_for(SignInForm)
        return render_template("sign_in.html", form=form, sign_in=sign_in)

    @app.get("/notes")
    @login_required
    def notes() -> str:
        owner = current_user  # a User row: travels as its key

        @server_action(form=NoteForm)
        def add(form: NoteForm) -> None:
            # Kept across a failed save: the same FileStorage comes back.
            file = form.attachment.data
            db.session.add(Note(owner_id=owner.id, title=form.title.data,
                                body=form.body.data or "",
                                attachment_name=file.filename if file else None,
                                attachment=file.read() if file else None))
            db.session.commit()
            flash(f"Added “{form.title.data}”.")

        def delete(note: Note) -> None:
            "use server"
            db.session.delete(note)
            db.session.commit()

        rows = db.session.scalars(
            select(Note).where(Note.owner_id == owner.id).order_by(Note.id)).all()
        form = action_state(add).form_for(NoteForm)
        return render_template("notes.html", notes=rows, form=form, add=add, delete=delete)

    @app.get("/notes/<int:note_id>")
    @login_required
    def note(note_id: int) -> str:
        row = db.session.get(Note, note_id)
        if row is None or row.owner_id != current_user.id:
            abort(404)

        @server_action(form=NoteForm)
        def save(form: NoteForm) -> Response:
            row.title, row.body = form.title.data, form.body.data or ""
            taken = db.session.scalar(select(Note).where(
                Note.owner_id == row.owner_id, Note.title == row.title, Note.id != row.id))
            if taken is not None:
                # Nothing is committed: the page shown again has the old title.
                raise ActionError("You have another note with that title.", field="title")
            db.session.commit()
            return redirect(url_for("notes"))

        form = action_state(save).form_for(NoteForm, obj=row)
        return render_template("note.html", note=row, form=form, save=save)

    return app
