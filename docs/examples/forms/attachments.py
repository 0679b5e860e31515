"""Files kept across a failed submission (docs/forms.rst)."""

from __future__ import annotations

from flask import Flask
from flask import render_template
from flask_wtf.file import FileField
from werkzeug.datastructures import FileStorage
from wtforms import Form
from wtforms import StringField
from wtforms.validators import DataRequired

from flask_server_actions import ServerActions
from flask_server_actions import action_state
from flask_server_actions import server_action

app = Flask(__name__)
app.config["SECRET_KEY"] = "change me"
ServerActions(app)

REPORTS: list[tuple[str, str, bytes]] = []


class ReportForm(Form):
    title = StringField("Title", [DataRequired()])
    attachment = FileField("Attachment")


@app.get("/reports/new")
def new_report() -> str:
    @server_action(form=ReportForm)
    def send(form: ReportForm) -> None:
        # After a failed try, the file kept from it: the same FileStorage.
        file: FileStorage | None = form.attachment.data
        REPORTS.append((form.title.data, file.filename or "", file.read()) if file
                       else (form.title.data, "", b""))

    form = action_state(send).form_for(ReportForm)
    return render_template("attachments.html", form=form, send=send)
