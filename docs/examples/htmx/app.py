"""The htmx page of the docs: a post edited inline, comments deleted in
place, and a word count asked for by client code."""

from flask import Flask
from flask import render_template

from flask_server_actions import ActionError
from flask_server_actions import ServerActions
from flask_server_actions import htmx

app = Flask(__name__)
app.config.update(
    SECRET_KEY="change me",
    # `npm install htmx.org` (htmx 4); the extension serves the file itself.
    SERVER_ACTIONS_HTMX_SRC="node_modules/htmx.org/dist/htmx.min.js",
    SERVER_ACTIONS_HTMX_VERSION=4,
)
ServerActions(app)

POSTS = {1: {"title": "Hello", "comments": ["First!", "Nice post"]}}


@app.get("/posts/<int:post_id>")
def show_post(post_id):
    post = POSTS[post_id]

    def update_post(form):
        "use server"
        if not form["title"].strip():
            raise ActionError("A post needs a title.", field="title")
        # Write through the id: captured values are copies made at render time.
        POSTS[post_id]["title"] = form["title"]

    def delete_comment(index, form):
        "use server"
        del POSTS[post_id]["comments"][index]

    def count_words():
        "use server"
        return sum(len(comment.split()) for comment in post["comments"])

    return render_template("htmx/post.html", post=post, update_post=update_post,
                           delete_comment=delete_comment, count_words=count_words)


@app.get("/posts/<int:post_id>/comments")
def comments(post_id):
    if not htmx:  # a browser without htmx gets the whole page
        return show_post(post_id)
    return render_template("htmx/_comments.html", post=POSTS[post_id])
