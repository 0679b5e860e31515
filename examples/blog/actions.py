"use server"

# Every public function of this module is a server action, like the seed's
# app/actions.js with 'use server' at its top. Each one that writes checks who
# is asking first (see auth.py): holding a token is not a permission.
from __future__ import annotations

import typing as t

from flask import flash
from flask import session
from werkzeug.datastructures import MultiDict

from flask_server_actions import ActionError
from flask_server_actions import server_action

from . import auth
from . import db

Form = MultiDict[str, t.Any]


def sign_in(form: Form) -> None:
    user = db.user_named(form.get("username", "").strip())
    if user is None:
        raise ActionError("No user by that name.", field="username")
    session["user_id"] = user["id"]
    flash(f"Signed in as {user['name']}.")


@server_action(scope="app")  # for every page: its layout shows it everywhere
def sign_out() -> None:
    # Clearing the session also ends every action token minted for it.
    session.clear()
    flash("Signed out.")


def create_user(form: Form) -> None:
    auth.require_user("create users")
    name = form.get("name", "").strip()
    if not name:
        raise ActionError("A user needs a name.", field="name")
    if db.user_named(name) is not None:
        raise ActionError(f"There is already a user named {name}.", field="name")
    db.add_user(name)
    flash(f"Created user {name}.")


def fetch_users() -> list[str]:
    # A read: no sign-in needed, the names are public on this blog.
    return [user["name"] for user in db.users()]


# One-time: a form sent twice (a double click, the back button) publishes once;
# the second submission gets the page back with a notice.
@server_action(once=True)
def create_post(form: Form) -> None:
    user = auth.require_user("write posts")
    title = form.get("title", "").strip()
    if not title:
        raise ActionError("A post needs a title.", field="title")
    db.add_post(user["id"], title, form.get("body", "").strip())
    flash(f"Published {title!r}.")


def delete_post(post_id: int, form: Form) -> None:
    post = db.post(post_id)
    if post is None:  # a second click, or another tab, got there first
        flash("That post was already deleted.")
        return
    auth.require_author(post)
    db.delete_post(post_id)
    flash(f"Deleted {post['title']!r}.")
