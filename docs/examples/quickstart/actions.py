"use server"

from flask import abort, redirect, session

from . import db


def create_user(form):
    if "user" not in session:  # anyone may post a form: check who asks
        abort(403)
    db.add_user(form["name"])


def fetch_users():
    return list(db.USERS)


def delete_post(post_id, form):
    post = db.get_post(post_id)
    if post is None or post["author"] != session.get("user"):
        abort(403)
    db.delete_post(post_id)
    return redirect("/")
