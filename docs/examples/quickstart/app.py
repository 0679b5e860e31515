from flask import Flask, abort, render_template, session
from flask_server_actions import ServerActions

from . import db
from .actions import create_user, delete_post, fetch_users

app = Flask(__name__)
app.config["SECRET_KEY"] = "change me"  # read it from the environment in production
ServerActions(app)


@app.get("/")
def users():
    return render_template("users.html", users=db.USERS,
                           create_user=create_user, fetch_users=fetch_users)


@app.get("/posts/<int:post_id>")
def show_post(post_id):
    post = db.get_post(post_id)
    if post is None:
        abort(404)

    def update_post(form):
        "use server"
        if session.get("user") != db.get_post(post_id)["author"]:
            abort(403)
        db.update_post(post_id, title=form["title"])

    return render_template("post.html", post=post,
                           update_post=update_post, delete_post=delete_post)
