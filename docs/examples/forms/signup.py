"""Live validation and accessible errors (docs/forms.rst)."""

from __future__ import annotations

from flask import Flask
from flask import render_template
from wtforms import Form
from wtforms import StringField
from wtforms import ValidationError
from wtforms.validators import DataRequired

from flask_server_actions import ServerActions
from flask_server_actions import action_state
from flask_server_actions import server_action

app = Flask(__name__)
app.config["SECRET_KEY"] = "change me"
ServerActions(app)

USERS = {"ada"}


class SignupForm(Form):
    username = StringField("Username", [DataRequired()])

    def validate_username(self, field: StringField) -> None:
        # A rule that needs the database: live validation runs it too.
        if field.data in USERS:
            raise ValidationError("This username is taken.")


@app.get("/signup")
def signup_page() -> str:
    @server_action(form=SignupForm)
    def signup(form: SignupForm) -> None:
        USERS.add(form.username.data)

    form = action_state(signup).form_for(SignupForm)
    return render_template("signup.html", signup=signup, form=form)
