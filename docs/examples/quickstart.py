"""The quickstart app (docs/quickstart.rst)."""

from __future__ import annotations

import typing as t

from flask import Flask
from flask import abort
from flask import redirect
from flask import render_template
from flask import session
from flask import url_for
from quickstart_actions import USERS
from quickstart_actions import create_user
from quickstart_actions import fetch_users
from quickstart_actions import remove_user
from werkzeug.wrappers import Response

from flask_server_actions import ServerActions

app = Flask(__name__)
app.config["SECRET_KEY"] = "change me"  # the same on every worker; see deployment
ServerActions(app)

POSTS = {1: {"title": "Hello", "author": "ada"}}


@app.get("/")
def index() -> str:
    return render_template("quickstart_index.html",
                           users=USERS, create_user=create_user,
                           fetch_users=fetch_users, remove_user=remove_user)


@app.get("/posts/<int:post_id>")
def show_post(post_id: int) -> str:
    post = POSTS[post_id]

    def update_post(form: t.Any) -> None:
        "use server"
        if session.get("user") != POSTS[post_id]["author"]:
            abort(403)  # an action is a public endpoint: check who calls it
        POSTS[post_id]["title"] = form["title"]

    def delete_post(form: t.Any) -> Response:
        "use server"
        if session.get("user") != POSTS[post_id]["author"]:
            abort(403)
        del POSTS[post_id]
        return redirect(url_for("index"))  # the post's page is gone

    return render_template("quickstart_post.html", post=post,
                           update_post=update_post, delete_post=delete_post)
