"""Actions with options, for ``flask actions list``."""

from __future__ import annotations

import functools
import typing as t

from flask import Blueprint
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


@server_action
def annotated(form: NoteForm) -> None:
    """A form given by annotation only."""


@server_action(scope="app")
def sign_out(form: t.Any) -> None:
    pass


def by_team(call: ActionCall) -> str:
    return "team"


def team_choices(form: NoteForm) -> None:
    pass


@server_action(form=NoteForm, limit="3/600", key="user", setup=team_choices)
def contact(form: NoteForm) -> None:
    pass


@server_action(limit="5/minute", key=by_team, scope="app", once=True)
def ping(form: t.Any) -> None:
    pass


def login_required(view: t.Callable[..., t.Any]) -> t.Callable[..., t.Any]:
    @functools.wraps(view)
    def wrapper(*args: t.Any, **kwargs: t.Any) -> t.Any:
        return view(*args, **kwargs)

    return wrapper


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
    ext = ServerActions(app)

    @app.get("/notes")
    def notes() -> str:
        @server_action(once=True, require=must_be_admin, form=NoteForm, scope="page")
        def rename(form: NoteForm) -> None:
            pass

        @server_action()
        def plain(form: t.Any) -> None:
            pass

        def marked(form: t.Any) -> None:
            "use server"

        @server_action(limit="3/600", key=by_team, setup=team_choices,
                       form=NoteForm, scope="app")
        def report(form: NoteForm) -> None:
            pass

        return render_template_string("", rename=rename, plain=plain, marked=marked,
                                      report=report)

    @app.before_request
    def maintenance() -> None:
        pass

    @ext.before_action
    def audit(call: ActionCall) -> None:
        pass

    admin = Blueprint("admin", __name__, url_prefix="/admin")
    staff = Blueprint("staff", __name__, url_prefix="/staff")

    @admin.before_request
    def admins_only() -> None:
        pass

    @staff.before_request
    def staff_only() -> None:
        pass

    @staff.get("/")
    @login_required
    def board() -> str:
        def archive(form: NoteForm) -> None:
            "use server"

        return render_template_string("", archive=archive)

    admin.register_blueprint(staff)
    app.register_blueprint(admin)
    app.add_url_rule("/generated", view_func=generated)  # type: ignore[name-defined]  # noqa: F821
    return app
