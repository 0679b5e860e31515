"use server"

# Every public function defined in this module is a server action, like the
# functions of a Next.js file that starts with 'use server'. Templates put
# them on forms with {{ action(create_user) }} or on buttons with
# {{ action.button(delete_post, post.id) }}.
from __future__ import annotations

import typing as t

from flask import flash
from flask import redirect
from flask import session
from flask import url_for
from werkzeug.datastructures import MultiDict
from werkzeug.wrappers import Response

from flask_server_actions import ActionError
from flask_server_actions import server_action

from . import db
from .auth import author_of
from .auth import current_user
from .auth import signed_in

Form = MultiDict[str, t.Any]


@server_action(require=signed_in)
def create_user(form: Form) -> None:
    name = form.get("name", "").strip()
    if not name:
        raise ActionError("Enter a name.", field="name")
    if db.user_exists(name):
        raise ActionError(f"There is already a user called {name!r}.", field="name")
    db.add_user(name)
    flash(f"Created the user {name}.")


def fetch_users() -> list[str]:
    # Returning a value shows the page again with it: the template reads it
    # with action_state(fetch_users).value.
    return [user["name"] for user in db.users()]


@server_action(require=signed_in)
def create_post(form: Form) -> Response:
    title = form.get("title", "").strip()
    if not title:
        raise ActionError("Give the post a title.", field="title")
    user = current_user()
    assert user is not None  # signed_in ran first
    post_id = db.add_post(user["id"], title, form.get("body", ""))
    flash(f"Published {title!r}.")
    return redirect(url_for("blog.show_post", post_id=post_id))


@server_action(require=signed_in)
def delete_post(post_id: int, form: Form) -> None:
    post = author_of(post_id)  # 403 unless the signed-in user wrote it
    db.delete_post(post_id)
    flash(f"Deleted {post['title']!r}.")


def sign_in(form: Form) -> Response:
    user_id = form.get("user_id", type=int)
    user = db.get_user(user_id) if user_id is not None else None
    if user is None:
        raise ActionError("Choose a user.", field="user_id")
    # A fresh session: forms rendered for the previous visitor stop working.
    session.clear()
    session["user_id"] = user["id"]
    flash(f"Signed in as {user['name']}.")
    return redirect(url_for("blog.posts"))


def sign_out() -> Response:
    session.clear()
    flash("Signed out.")
    return redirect(url_for("blog.index"))
