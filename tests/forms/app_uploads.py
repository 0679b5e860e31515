"""An app whose forms take files: a WTForms form with a required title and
an attachment, a plain form with several photos, and an application form
(limited to two posts a minute) whose CV must be a PDF; the kept files are
shown with ``action.kept_files``."""

from __future__ import annotations

import typing as t

from flask import Flask
from flask import render_template_string
from flask_wtf.file import FileAllowed
from flask_wtf.file import FileRequired
from werkzeug.datastructures import FileStorage
from werkzeug.datastructures import MultiDict
from wtforms import FileField
from wtforms import Form
from wtforms import StringField
from wtforms.validators import DataRequired

from flask_server_actions import ActionError
from flask_server_actions import ServerActions
from flask_server_actions import action_state
from flask_server_actions import server_action

from ..store import STORE


class DocumentForm(Form):
    title = StringField("Title", [DataRequired()])
    attachment = FileField("Attachment")


class ApplicationForm(Form):
    name = StringField("Name", [DataRequired()])
    cv = FileField("CV", [FileRequired(), FileAllowed(["pdf"])])


PAGE = """
{{ action.notice() }}
<form id="doc" method="post" enctype="multipart/form-data">
  {{ action(save) }}
  {{ form.title() }}
  <input type="file" name="attachment">{{ action.kept_files('attachment') }}
  <button>Save</button>
</form>
<form id="photos" method="post" enctype="multipart/form-data">
  {{ action(album) }}
  <input name="name" value="{{ action.value('name') }}">
  <input type="file" name="photos" multiple>
  <ul>{% for kept in action.kept_files('photos') %}<li class="kept">{{ kept.filename }}
    ({{ kept.size }} bytes, {{ kept.content_type }}) {{ kept.input() }}</li>{% endfor %}</ul>
  <button>Send</button>
</form>
<form id="apply" method="post" enctype="multipart/form-data">
  {{ action(apply) }}
  {{ application.name() }}
  <input type="file" name="cv">{{ action.kept_files('cv') }}
  <button>Apply</button>
</form>
"""


def describe(file: t.Any) -> tuple[str, bytes, str] | None:
    if not isinstance(file, FileStorage) or not file.filename:
        return None
    return (file.filename, file.read(), file.content_type or "")


def create_app(**config: t.Any) -> Flask:
    app = Flask(__name__)
    app.config.update(SECRET_KEY="uploads secret", **config)
    ServerActions(app)

    @app.get("/docs")
    def docs() -> str:
        @server_action(form=DocumentForm)
        def save(form: DocumentForm) -> None:
            if form.title.data == "taken":
                raise ActionError("That title is taken.", field="title")
            STORE.append(("save", form.title.data, describe(form.attachment.data)))

        def album(form: MultiDict[str, t.Any]) -> None:
            "use server"
            if form["name"] == "":
                raise ActionError("Name the album.", field="name")
            STORE.append(("album", form["name"],
                          [describe(photo) for photo in form.getlist("photos")]))

        @server_action(form=ApplicationForm, limit="2/60")
        def apply(form: ApplicationForm) -> None:
            STORE.append(("apply", form.name.data, describe(form.cv.data)))

        form = action_state(save).form_for(DocumentForm)
        application = action_state(apply).form_for(ApplicationForm)
        return render_template_string(PAGE, save=save, album=album, apply=apply, form=form,
                                      application=application)

    return app
