"""The same page with a server action (docs/comparison.rst)."""

from __future__ import annotations

import typing as t

from flask import Flask
from flask import render_template_string

from flask_server_actions import ActionError
from flask_server_actions import ServerActions

app = Flask(__name__)
app.config["SECRET_KEY"] = "change me"
ServerActions(app)
POSTS = {1: "Hello"}


@app.get("/posts/<int:post_id>")
def show_post(post_id: int) -> str:
    def update_post(form: t.Any) -> None:
        "use server"
        if not form.get("title"):
            raise ActionError("This field is required.", field="title")
        POSTS[post_id] = form["title"]

    return render_template_string(
        '<form method="post">{{ action(update_post) }}'
        "<input name=\"title\" value=\"{{ action.value('title', title) }}\">"
        "<button>Save</button></form>",
        update_post=update_post, title=POSTS[post_id])
