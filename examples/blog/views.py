"""The blog's pages. Writes happen in actions: the module-level ones of
``actions.py`` and ``update_post``, defined inline in :func:`show_post`."""

from __future__ import annotations

import typing as t

from flask import Blueprint
from flask import abort
from flask import flash
from flask import make_response
from flask import render_template
from werkzeug.datastructures import MultiDict
from werkzeug.exceptions import HTTPException
from werkzeug.wrappers import Response

from flask_server_actions import ActionError
from flask_server_actions import htmx

from . import actions
from . import auth
from . import db

bp = Blueprint("blog", __name__)


@bp.app_context_processor
def page_globals() -> dict[str, t.Any]:
    """What base.html needs on every page: the user and the sign-in actions."""
    return {"user": auth.current_user(), "sign_in": actions.sign_in,
            "sign_out": actions.sign_out}


@bp.get("/")
def index() -> str:
    return render_template("index.html", users=db.users(),
                           create_user=actions.create_user, fetch_users=actions.fetch_users)


@bp.get("/posts")
def posts() -> str:
    return render_template("posts.html", posts=db.posts(),
                           create_post=actions.create_post, delete_post=actions.delete_post)


@bp.get("/posts/<int:post_id>")
def show_post(post_id: int) -> str:
    post = db.post(post_id)
    if post is None:
        abort(404)

    def update_post(form: MultiDict[str, t.Any]) -> None:
        "use server"
        # Load the post again: it may have changed, or gone, since the page
        # was rendered; only post_id travels in the token.
        current = db.post(post_id)
        if current is None:
            abort(404)
        auth.require_author(current)
        title = form.get("title", "").strip()
        if not title:
            raise ActionError("A post needs a title.", field="title")
        db.update_post(post_id, title, form.get("body", "").strip())
        flash("Post saved.")

    return render_template("post.html", post=post, update_post=update_post)


@bp.app_errorhandler(403)
@bp.app_errorhandler(404)
def error_page(error: HTTPException) -> Response:
    response = make_response(render_template("error.html", error=error), error.code or 500)
    if htmx:  # a whole page, not the part the request targeted
        htmx.reswap(htmx.retarget(response, "body"), "innerHTML")
    return response


@bp.app_errorhandler(400)
@bp.app_errorhandler(413)
@bp.app_errorhandler(429)
def refusal_page(error: HTTPException) -> tuple[str, int]:
    # A page with the blog's landmarks; under htmx, an action's refusal
    # shows in the notice region instead.
    return render_template("error.html", error=error), error.code or 500
