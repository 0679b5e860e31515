"""An app whose actions succeed, fail, and are refused, for the signals."""

from __future__ import annotations

import typing as t

from flask import Flask
from flask import abort
from flask import render_template_string
from werkzeug.datastructures import MultiDict
from wtforms import Form
from wtforms import StringField
from wtforms.validators import InputRequired

from flask_server_actions import ActionCall
from flask_server_actions import ActionError
from flask_server_actions import ServerActions
from flask_server_actions import server_action


class TitleForm(Form):
    title = StringField(validators=[InputRequired()])


def never(call: ActionCall) -> bool:
    return False


@server_action
def save(secret: str, form: MultiDict[str, t.Any]) -> None:
    if form["title"] == "bad":
        raise ActionError("Bad title.")


@server_action(form=TitleForm, once=True)
def create(form: TitleForm) -> None:
    pass


@server_action(require=never)
def forbidden(form: MultiDict[str, t.Any]) -> None:
    pass


@server_action
def aborted(form: MultiDict[str, t.Any]) -> None:
    pass


def create_app() -> Flask:
    app = Flask(__name__)
    app.config["SECRET_KEY"] = "signals secret"
    actions = ServerActions(app)

    @actions.before_action
    def no_aborted(call: ActionCall) -> None:
        if call.name == "aborted":
            abort(403)

    @app.route("/posts/<int:post_id>")
    def post(post_id: int) -> str:
        return render_template_string(
            '<form id="save" method="post">{{ action(save, "hunter2") }}<input name="title">'
            '<button>Save</button></form>'
            '<form id="create" method="post">{{ action(create) }}<input name="title">'
            '<button>Create</button></form>'
            '<form id="forbidden" method="post">{{ action(forbidden) }}<button>F</button></form>'
            '<form id="aborted" method="post">{{ action(aborted) }}<button>A</button></form>',
            save=save, create=create, forbidden=forbidden, aborted=aborted)

    return app
