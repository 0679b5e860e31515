"""The to-do list's one form."""

from __future__ import annotations

from wtforms import Form
from wtforms import StringField
from wtforms.validators import DataRequired
from wtforms.validators import Length


class TodoForm(Form):
    title = StringField("What needs doing?", [DataRequired(), Length(max=80)])
