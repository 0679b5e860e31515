"""An action that takes a validated WTForms form (docs/forms.rst)."""

from __future__ import annotations

from flask import Flask
from flask import render_template
from wtforms import Form
from wtforms import StringField
from wtforms.validators import DataRequired
from wtforms.validators import Length

from flask_server_actions import ActionError
from flask_server_actions import ServerActions
from flask_server_actions import action_state
from flask_server_actions import server_action

app = Flask(__name__)
app.config["SECRET_KEY"] = "change me"
ServerActions(app)

POSTS = {1: {"title": "Hello", "body": "First post."}}


class PostForm(Form):
    title = StringField("Title", [DataRequired(), Length(max=60)])
    body = StringField("Body")


@app.get("/posts/<int:post_id>")
def edit_post(post_id: int) -> str:
    post = POSTS[post_id]

    @server_action(form=PostForm)  # or: def update_post(form: PostForm)
    def update_post(form: PostForm) -> None:
        # Only called when the form validated.
        if any(p["title"] == form.title.data for i, p in POSTS.items() if i != post_id):
            raise ActionError("Another post has this title.", field="title")
        POSTS[post_id] = dict(form.data)

    # The submitted form (with its errors) when the page is shown again,
    # else a fresh one filled from the post.
    form = action_state(update_post).form_for(PostForm, data=post)
    return render_template("post.html", form=form, update_post=update_post)
