"""Action results on the page, and flash() after a redirect (docs/forms.rst)."""

from __future__ import annotations

from flask import Flask
from flask import flash
from flask import render_template
from werkzeug.datastructures import MultiDict

from flask_server_actions import ServerActions

app = Flask(__name__)
app.config["SECRET_KEY"] = "change me"
ServerActions(app)

INBOX = ["Welcome", "Your invoice", "Lunch?"]


@app.get("/inbox")
def inbox() -> str:
    def archive_all(form: MultiDict[str, str]) -> str:
        "use server"
        count = len(INBOX)
        INBOX.clear()
        return f"Archived {count} messages."  # a value: the page is shown again, 200

    def add(form: MultiDict[str, str]) -> None:
        "use server"
        INBOX.append(form["subject"])
        flash(f"Added {form['subject']}.")  # None: 303 back here, the flash shows

    return render_template("inbox.html", inbox=INBOX, archive_all=archive_all, add=add)
