"""The blog's pages. Each one is a plain ``GET`` view: its forms post back
to the page's own URL, where the extension runs the action instead.
"""

from __future__ import annotations

import typing as t

from flask import Blueprint
from flask import abort
from flask import flash
from flask import render_template

from flask_server_actions import ActionError

from . import actions
from . import auth
from . import db

bp = Blueprint("blog", __name__)


@bp.get("/")
def index() -> str:
    return render_template("index.html", users=db.users(),
                           create_user=actions.create_user,
                           fetch_users=actions.fetch_users)


@bp.get("/posts")
def posts() -> str:
    return render_template("posts.html", posts=db.posts(),
                           create_post=actions.create_post,
                           delete_post=actions.delete_post)


@bp.get("/posts/<int:post_id>")
def show_post(post_id: int) -> str:
    post = db.get_post(post_id)
    if post is None:
        abort(404)

    def update_post(form: t.Any) -> None:
        "use server"
        auth.author_of(post_id)  # 401 when signed out, 403 for anyone but the author
        title = form.get("title", "").strip()
        if not title:
            raise ActionError("A post needs a title.", field="title")
        db.update_post(post_id, title, form.get("body", ""))
        flash("Saved.")

    return render_template("post.html", post=post, update_post=update_post)


@bp.get("/signin")
def signin() -> str:
    return render_template("signin.html", users=db.users(), sign_in=actions.sign_in)


@bp.app_errorhandler(401)
@bp.app_errorhandler(403)
@bp.app_errorhandler(404)
def refused(error: t.Any) -> tuple[str, int]:
    return render_template("error.html", error=error), error.code
