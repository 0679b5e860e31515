"""Actions with options, for ``flask actions list``."""

from __future__ import annotations

import typing as t

from flask import Flask
from flask import render_template_string
from wtforms import Form
from wtforms import StringField

from flask_server_actions import ActionCall
from flask_server_actions import ServerActions
from flask_server_actions import server_action


class NoteForm(Form):
    title = StringField()


def must_be_admin(call: ActionCall) -> bool:
    return True


@server_action(form=NoteForm, once=True, require=must_be_admin)
def create_note(form: NoteForm) -> None:
    pass


# A view whose source cannot be read (as in a .pyc-only install): its
# inline actions' options are known only when it runs.
exec(compile("""
def generated():
    @server_action(once=True)
    def act(form):
        pass
    return ""
""", "<generated>", "exec"), globals())


def create_app() -> Flask:
    app = Flask(__name__)
    app.config["SECRET_KEY"] = "listing secret"
    ServerActions(app)

    @app.get("/notes")
    def notes() -> str:
        @server_action(once=True, require=must_be_admin, form=NoteForm)
        def rename(form: NoteForm) -> None:
            pass

        @server_action()
        def plain(form: t.Any) -> None:
            pass

        def marked(form: t.Any) -> None:
            "use server"

        return render_template_string("", rename=rename, plain=plain, marked=marked)

    app.add_url_rule("/generated", view_func=generated)  # type: ignore[name-defined]  # noqa: F821
    return app
