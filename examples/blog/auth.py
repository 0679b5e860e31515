"""Who is signed in, and the checks the blog's actions run before writing.

A server action is a public endpoint for whoever holds its token, so it
authenticates and authorizes like a view would.
"""

from __future__ import annotations

import sqlite3
import typing as t

from flask import Flask
from flask import abort
from flask import g
from flask import session

from flask_server_actions import ActionCall

from . import db


def init_app(app: Flask) -> None:
    app.before_request(load_user)


def load_user() -> None:
    # A before_request hook runs before actions too, as before views.
    user_id = session.get("user_id")
    g.user = db.get_user(user_id) if isinstance(user_id, int) else None


def current_user() -> sqlite3.Row | None:
    return t.cast("sqlite3.Row | None", g.get("user"))


def signed_in(call: ActionCall) -> None:
    """``require=`` check: refuse actions from visitors who are not signed in.

    A module-level function, so the token of an action defined in a view
    can name it.
    """
    if current_user() is None:
        abort(401)


def author_of(post_id: int) -> sqlite3.Row:
    """The post, if the signed-in user wrote it; else 401, 403 or 404."""
    user = current_user()
    if user is None:
        abort(401)
    post = db.get_post(post_id)
    if post is None:
        abort(404)
    if post["author_id"] != user["id"]:
        abort(403)
    return post
