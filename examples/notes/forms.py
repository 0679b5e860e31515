"""The notes app's forms (Flask-WTF)."""

from __future__ import annotations

from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import PasswordField
from wtforms import StringField
from wtforms import TextAreaField
from wtforms.validators import DataRequired
from wtforms.validators import Length


class SignInForm(FlaskForm):
    email = StringField("Email", [DataRequired()])
    password = PasswordField("Password", [DataRequired()])


class NoteForm(FlaskForm):
    title = StringField("Title", [DataRequired(), Length(max=80)])
    body = TextAreaField("Note")
    attachment = FileField("Attachment")
