"""Flask-WTF's FlaskForm with CSRFProtect on the whole app (docs/forms.rst)."""

from __future__ import annotations

from flask import Flask
from flask import render_template
from flask_wtf import CSRFProtect
from flask_wtf import FlaskForm
from wtforms import StringField
from wtforms.validators import DataRequired

from flask_server_actions import ServerActions
from flask_server_actions import action_state

app = Flask(__name__)
app.config["SECRET_KEY"] = "change me"
ServerActions(app)
CSRFProtect(app)  # still guards the app's own POST routes

NAMES: list[str] = []


class NameForm(FlaskForm):
    name = StringField("Name", [DataRequired()])


@app.route("/names", methods=["GET", "POST"])
def names() -> str:
    def add(form: NameForm) -> None:
        "use server"
        NAMES.append(form.name.data or "")

    form = action_state(add).form_for(NameForm)
    return render_template("names.html", form=form, add=add)
