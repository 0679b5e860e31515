"""A plain HTML form: refilling inputs, several values, files (docs/forms.rst)."""

from __future__ import annotations

from flask import Flask
from flask import render_template
from werkzeug.datastructures import MultiDict

from flask_server_actions import ActionError
from flask_server_actions import ServerActions

app = Flask(__name__)
app.config.update(
    SECRET_KEY="change me",
    MAX_CONTENT_LENGTH=8 * 1024 * 1024,  # the whole body: answered 413 above this
    MAX_FORM_MEMORY_SIZE=64 * 1024,  # each text field of a multipart form
    MAX_FORM_PARTS=100,  # fields and files of a multipart form
)
ServerActions(app)

PROFILES: list[dict[str, object]] = []


@app.get("/profile")
def profile() -> str:
    def save(form: MultiDict[str, object]) -> None:
        "use server"
        if not form.get("name"):
            raise ActionError("Please give your name.", field="name")
        avatar = form.get("avatar")  # a werkzeug FileStorage
        photos = form.getlist("photos")  # one FileStorage per chosen file
        PROFILES.append({
            "name": form["name"], "languages": form.getlist("languages"),
            "newsletter": "newsletter" in form,
            "avatar": getattr(avatar, "filename", None),
            "photos": [getattr(photo, "filename", None) for photo in photos],
        })

    return render_template("profile.html", save=save)
