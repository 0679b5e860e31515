"""A shop set up as docs/deployment.rst says (an app factory, a fixed
``SECRET_KEY``, one-time records and kept uploads on one Redis), served by
gunicorn in the fault tests (``test_faults.py``).

Its "payment" is a one-time action that writes one line to a ledger file
(``FAULTS_DIR/ledger``) each time it runs, so a test counts the payments
whatever happened to the worker. A payment titled ``hold`` first writes
the worker's pid to ``FAULTS_DIR/holding`` and waits there until the test
creates ``FAULTS_DIR/release`` (or kills the worker).
"""

from __future__ import annotations

import os
import time
import typing as t
from pathlib import Path

from flask import Flask
from flask import render_template_string
from werkzeug.datastructures import MultiDict
from wtforms import FileField
from wtforms import Form
from wtforms import StringField
from wtforms.validators import DataRequired

from flask_server_actions import ServerActions
from flask_server_actions import action_state
from flask_server_actions import server_action

PAGE = """
{{ action.notice() }}
<form id="pay" method="post">
  {{ action(pay) }}
  <input name="title" value="{{ action.value('title') }}">
  <button>Pay</button>
</form>
<form id="doc" method="post" enctype="multipart/form-data">
  {{ action(attach) }}
  {{ form.title() }}
  <input type="file" name="attachment">{{ action.kept_files('attachment') }}
  <button>Attach</button>
</form>
"""


class DocumentForm(Form):
    title = StringField("Title", [DataRequired()])
    attachment = FileField("Attachment")


def _folder() -> Path:
    return Path(os.environ["FAULTS_DIR"])


def _write(name: str, line: str) -> None:
    with open(_folder() / name, "a") as file:
        file.write(line + "\n")


@server_action(once=True)
def pay(form: MultiDict[str, t.Any]) -> None:
    if form["title"] == "hold":
        _write("holding", str(os.getpid()))
        deadline = time.monotonic() + 20
        while not (_folder() / "release").exists() and time.monotonic() < deadline:
            time.sleep(0.01)
    _write("ledger", f"paid {form['title']}")


@server_action(form=DocumentForm)
def attach(form: DocumentForm) -> None:
    data = form.attachment.data
    _write("ledger", f"attached {form.title.data} {data.filename} {data.read().decode()}")


def create_app() -> Flask:
    url = os.environ["FAULTS_REDIS"]
    app = Flask(__name__)
    app.config.update(
        SECRET_KEY="faults secret",
        SERVER_ACTIONS_STORE=url,
        SERVER_ACTIONS_UPLOAD_STORAGE=url,
        SERVER_ACTIONS_STORE_TIMEOUT=float(os.environ.get("FAULTS_TIMEOUT", "0.5")),
    )
    ServerActions(app)

    @app.route("/")
    def home() -> str:
        form = action_state(attach).form_for(DocumentForm)
        return render_template_string(PAGE, pay=pay, attach=attach, form=form)

    return app
