"""A hand-written POST route with Flask-WTF (docs/comparison.rst)."""

from __future__ import annotations

from flask import Flask
from flask import redirect
from flask import render_template_string
from flask import url_for
from flask_wtf import FlaskForm
from flask_wtf.csrf import CSRFProtect
from werkzeug.wrappers import Response
from wtforms import StringField
from wtforms.validators import InputRequired

app = Flask(__name__)
app.config["SECRET_KEY"] = "change me"
CSRFProtect(app)
POSTS = {1: "Hello"}


class TitleForm(FlaskForm):
    title = StringField(validators=[InputRequired()])


@app.get("/posts/<int:post_id>")
def show_post(post_id: int) -> str:
    return render_post(post_id, TitleForm(title=POSTS[post_id]))


# A second route, its URL in the template, the id passed again in the URL.
@app.post("/posts/<int:post_id>/title")
def update_post(post_id: int) -> Response | tuple[str, int]:
    form = TitleForm()
    if not form.validate_on_submit():
        return render_post(post_id, form), 422
    POSTS[post_id] = form.title.data or ""
    return redirect(url_for("show_post", post_id=post_id), 303)


def render_post(post_id: int, form: TitleForm) -> str:
    return render_template_string(
        '<form method="post" action="{{ url_for(\'update_post\', post_id=post_id) }}">'
        "{{ form.csrf_token }}{{ form.title }}<button>Save</button></form>",
        form=form, post_id=post_id)
