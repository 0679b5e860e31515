"""The apps the load benchmark runs under gunicorn, one per case.

Every POST case does the same work, storing one submitted title in a dict and
answering 303 back to the page, so that the difference between them is what
each way of handling a form costs. Every page also puts a user in Flask's
session, as a logged-in app would: Flask decodes that cookie on every request
whatever the case, which keeps the comparison fair.

    gunicorn "benchmarks.apps:create_app('action')"
"""

from __future__ import annotations

import typing as t

from flask import Flask
from flask import redirect
from flask import render_template
from flask import request
from flask import session
from flask_wtf import CSRFProtect
from flask_wtf import FlaskForm
from jinja2 import DictLoader
from werkzeug.datastructures import MultiDict
from werkzeug.wrappers import Response
from wtforms import Form
from wtforms import StringField
from wtforms.validators import DataRequired
from wtforms.validators import Length

from flask_server_actions import ServerActions
from flask_server_actions import server_action

#: What the POST cases write to (per worker process).
STORE: dict[int, str] = {}

CASES = ("bare", "flask-wtf", "action", "action+wtforms", "render", "mixed")
SECRET = "benchmark secret, not for production"

TEMPLATES = {
    "post.html": """<!doctype html><title>{{ title }}</title>
<h1>{{ title }}</h1>
<form method="post">
  {% if csrf %}{{ csrf }}{% endif %}{% if update_post %}{{ action(update_post) }}{% endif %}
  <input name="title" value="{{ title }}"><button>Save</button>
</form>""",
    "rows.html": """<!doctype html><title>Rows</title>
<form method="post"><table>
{% for row in rows %}<tr><td>Row {{ row }}</td><td>{% if delete_row %}
<button {{ action.button(delete_row, row) }}>Delete</button>{% else %}
<button type="submit" name="delete" value="{{ row }}">Delete</button>{% endif %}</td></tr>
{% endfor %}</table></form>""",
}


class TitleForm(Form):
    """The form of the ``action+wtforms`` case."""

    title = StringField(validators=[DataRequired(), Length(max=200)])


class CsrfTitleForm(FlaskForm):
    """The form of the ``flask-wtf`` case."""

    title = StringField(validators=[DataRequired(), Length(max=200)])


def show_post(post_id: int, slug: str) -> t.Callable[[MultiDict[str, str]], None]:
    """The seed's inline action, capturing two values (``post_id``, ``slug``)."""

    def update_post(form: MultiDict[str, str]) -> None:
        "use server"
        STORE[post_id] = f"{slug}:{form['title']}"

    return update_post


def show_post_wtforms(post_id: int, slug: str) -> t.Callable[[MultiDict[str, str]], None]:
    """The same action validating a WTForms form."""

    def update_post(form: MultiDict[str, str]) -> None:
        "use server"
        # Built inside the action: @server_action(form=...) is not on main yet.
        validated = TitleForm(formdata=form)
        if validated.validate():
            STORE[post_id] = f"{slug}:{validated.title.data}"

    return update_post


@server_action
def delete_row(row: int, form: MultiDict[str, str]) -> None:
    """The action behind each row's delete button on the render pages."""
    STORE.pop(row, None)


def _login() -> None:
    if "user" not in session:
        session["user"] = "bench"


def create_app(case: str) -> Flask:
    """The app of one benchmark case (one of :data:`CASES`)."""
    if case not in CASES:
        raise ValueError(f"unknown case {case!r}, expected one of {CASES}")
    app = Flask(__name__)
    app.config.update(SECRET_KEY=SECRET)
    app.jinja_loader = DictLoader(TEMPLATES)
    if case == "bare":
        _bare(app)
    elif case == "flask-wtf":
        _flask_wtf(app)
    elif case == "render":
        ServerActions(app)
        _render(app)
    elif case == "mixed":  # the memory benchmark: posts and pages of rows in one worker
        ServerActions(app)
        _action(app, show_post)
        _render(app)
    else:
        ServerActions(app)
        _action(app, show_post if case == "action" else show_post_wtforms)
    return app


def _bare(app: Flask) -> None:
    @app.route("/posts/<int:post_id>", methods=["GET", "POST"])
    def post(post_id: int) -> str | Response:
        _login()
        if request.method == "POST":
            STORE[post_id] = f"post-{post_id}:{request.form['title']}"
            return redirect(request.path, 303)
        return render_template("post.html", title=STORE.get(post_id, ""))


def _flask_wtf(app: Flask) -> None:
    CSRFProtect(app)

    @app.route("/posts/<int:post_id>", methods=["GET", "POST"])
    def post(post_id: int) -> str | Response:
        _login()
        form = CsrfTitleForm()
        if form.validate_on_submit():
            STORE[post_id] = f"post-{post_id}:{form.title.data}"
            return redirect(request.path, 303)
        return render_template("post.html", title=STORE.get(post_id, ""),
                               csrf=form.csrf_token)


def _action(app: Flask, view: t.Callable[[int, str], t.Callable[..., None]]) -> None:
    # The factory is looked up by name, not held in the view's closure: a
    # view holding a function that defines its actions looks like a
    # decorator without functools.wraps hiding the view (UnguardedView).
    name = view.__name__

    @app.get("/posts/<int:post_id>")
    def post(post_id: int) -> str:
        _login()
        return render_template("post.html", title=STORE.get(post_id, ""),
                               update_post=globals()[name](post_id, f"post-{post_id}"))


def _render(app: Flask) -> None:
    @app.get("/rows/<int:count>")
    def rows(count: int) -> str:
        _login()
        return render_template("rows.html", rows=range(count), delete_row=delete_row)

    @app.get("/plain/<int:count>")
    def plain(count: int) -> str:
        _login()
        return render_template("rows.html", rows=range(count), delete_row=None)
