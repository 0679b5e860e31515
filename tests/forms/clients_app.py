"""An app for Laravel's own Precognition clients: a post form with a
required title and a required PDF attachment, a note form with tags (a
field of several values), a flag and a text field; the action writes down what it got. The page loads nothing
but its form: the browser tests add the clients' bundle."""

from __future__ import annotations

import typing as t

from flask import Flask
from flask import render_template_string
from flask import request
from flask_wtf.file import FileAllowed
from flask_wtf.file import FileRequired
from wtforms import BooleanField
from wtforms import FileField
from wtforms import Form
from wtforms import SelectMultipleField
from wtforms import StringField
from wtforms.validators import DataRequired
from wtforms.validators import Length

from flask_server_actions import ActionError
from flask_server_actions import ServerActions
from flask_server_actions import server_action

from ..store import STORE


class PostForm(Form):
    title = StringField("Title", [DataRequired(), Length(max=20)])
    attachment = FileField("Attachment", [FileRequired(), FileAllowed(["pdf"])])


class NoteForm(Form):
    title = StringField("Title", [DataRequired(), Length(max=20)])
    tags = SelectMultipleField("Tags", choices=["news", "flask", "python"])
    draft = BooleanField("Draft")
    pages = StringField("Pages")


PAGE = """<!doctype html>
<html lang="en"><head><title>Write</title></head><body><main>
<form id="post" method="post" enctype="multipart/form-data">
  {{ action(publish) }}
  <input name="title"><input type="file" name="attachment"><button>Publish</button>
</form>
<form id="note" method="post">{{ action(note) }}<input name="title"><button>Note</button></form>
{{ scripts | safe }}
</main></body></html>
"""


def create_app(scripts: str = "", **config: t.Any) -> Flask:
    """The app; ``scripts`` is HTML put at the end of the page."""
    app = Flask(__name__)
    app.config.update(SECRET_KEY="clients secret", **config)
    ServerActions(app)

    @app.get("/write")
    def write() -> str:
        @server_action(form=PostForm)
        def publish(form: PostForm) -> None:
            file = form.attachment.data
            STORE.append(("publish", form.title.data, file.filename, file.read()))

        @server_action(form=NoteForm)
        def note(form: NoteForm) -> None:
            if form.title.data == "taken":
                raise ActionError("That title is taken.", field="title")
            if form.title.data == "quiet":
                raise ActionError("")  # fails without a word
            STORE.append(("note", form.title.data, form.tags.data, form.draft.data,
                          form.pages.data))

        return render_template_string(PAGE, publish=publish, note=note, scripts=scripts)

    @app.route("/echo", methods=["GET", "POST"])
    def echo() -> bytes:
        # A page that takes posts of its own: a JSON body that is no action post reaches it.
        return request.get_data()

    return app
