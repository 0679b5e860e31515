"""Who is signed in, and the checks every writing action makes.

An action is a public endpoint for whoever holds its token, so each one that
writes checks who is asking, as a view would: :func:`require_user` for
"signed in", :func:`require_author` for "allowed to change this post".
"""

from __future__ import annotations

import sqlite3
import typing as t

from flask import Flask
from flask import abort
from flask import g
from flask import session

from flask_server_actions import ActionError

from . import db


def load_user() -> None:
    """Before each request (and so before each action): who is signed in."""
    user_id = session.get("user_id")
    g.user = db.user(user_id) if isinstance(user_id, int) else None


def current_user() -> sqlite3.Row | None:
    return t.cast("sqlite3.Row | None", g.get("user"))


def require_user(doing: str) -> sqlite3.Row:
    """The signed-in user; a guest gets the page back with a message, their
    input kept, so they can sign in and submit again."""
    user = current_user()
    if user is None:
        raise ActionError(f"Sign in to {doing}.")
    return user


def require_author(post: sqlite3.Row) -> sqlite3.Row:
    """The signed-in user if they wrote ``post``; anyone else gets 403."""
    user = require_user("change posts")
    if user["id"] != post["author_id"]:
        abort(403, f"Only {post['author']} may change this post.")
    return user


def init_app(app: Flask) -> None:
    app.before_request(load_user)
