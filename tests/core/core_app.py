"""The app the core tests drive: every kind of action in one place."""

from __future__ import annotations

import datetime as dt
import typing as t

from flask import Blueprint
from flask import Flask
from flask import abort
from flask import flash
from flask import jsonify
from flask import make_response
from flask import redirect
from flask import render_template_string
from flask import request
from flask import session
from werkzeug.datastructures import MultiDict

from flask_server_actions import ActionError
from flask_server_actions import ServerActions
from flask_server_actions import server_action

from ..store import STORE
from . import core_actions

Form = MultiDict[str, t.Any]

POST_PAGE = """
<h1>{{ post.title }}</h1>
{{ action.notice() }}
{% for m in get_flashed_messages() %}<p class="flash">{{ m }}</p>{% endfor %}
{% if action_state(update_post) %}<p id="state">{{ action_state(update_post).value }}</p>{% endif %}
<form id="edit" method="post">
  {{ action(update_post) }}
  <input name="title" value="{{ action.value('title', post.title) }}">
  {% if action_state().field_error('title') %}
  <span class="error">{{ action_state().field_error('title') }}</span>{% endif %}
  <button>Save</button>
  <button id="delete" {{ action.button(delete_post, post.id) }}>Delete</button>
</form>
"""

ROWS_PAGE = """
<ul>{% for row in rows %}
  <li><form method="post"><button id="del-{{ row }}" {{ action.button(delete_row, row) }}>x</button></form></li>
{% endfor %}</ul>
<form id="create" method="post">{{ action(create_user) }}<input name="name"><button>Add</button>
  <button id="remove-ada" {{ action.button(delete_user, "ada") }}>Remove ada</button></form>
"""

bp = Blueprint("members", __name__, url_prefix="/members")


@bp.before_request
def members_only() -> t.Any:
    if not session.get("member"):
        abort(401)
    return None


@bp.get("/")
def members_home() -> str:
    def join(form: Form) -> None:
        "use server"
        STORE.append(("join", form["name"]))

    return render_template_string(
        '<form method="post">{{ action(join) }}<input name="name"><button>Join</button></form>',
        join=join)


def create_app(secret: str = "test secret", name: str = __name__, **config: t.Any) -> Flask:
    app = Flask(name)
    app.config.update(SECRET_KEY=secret, **config)
    ServerActions(app)
    app.register_blueprint(bp)

    @app.get("/posts/<int:post_id>")
    def show_post(post_id: int) -> str:
        post = {"id": post_id, "title": f"Post {post_id}"}

        def update_post(form: Form) -> t.Any:
            "use server"
            title = form["title"]
            STORE.append(("update_post", post_id, title))
            if title == "state":
                return {"saved": post_id}
            if title == "taken":
                raise ActionError("That title is taken.", field="title")
            if title == "404":
                abort(404)
            if title == "home":
                return redirect("/")
            if title == "keep-307":
                return redirect("/posts/1", 307)
            if title == "json":
                return jsonify(ok=True)
            if title == "flash":
                flash("Saved!")
            return None

        @server_action
        def delete_post(pid: int, form: Form) -> None:
            STORE.append(("delete_post", pid, post_id))

        return render_template_string(POST_PAGE, post=post, update_post=update_post,
                                      delete_post=delete_post)

    @app.route("/both", methods=["GET", "POST"])
    def both() -> t.Any:
        if request.method == "POST" and "plain" in request.form:
            return "plain post"

        def save(form: Form) -> None:
            "use server"
            STORE.append(("both", form["x"]))

        return render_template_string(
            '<form method="post">{{ action(save) }}<input name="x"><button>Go</button></form>',
            save=save)

    @app.get("/rows")
    def rows() -> str:
        def delete_row(row: int) -> None:
            "use server"
            STORE.append(("delete_row", row))

        return render_template_string(ROWS_PAGE, rows=[1, 2, 3], delete_row=delete_row,
                                      create_user=core_actions.create_user,
                                      delete_user=core_actions.delete_user)

    @app.get("/async")
    def async_page() -> str:
        when = dt.date(2024, 5, 17)

        async def stamp(form: Form) -> None:
            "use server"
            STORE.append(("async", when, form["x"]))

        return render_template_string(
            '<form method="post">{{ action(stamp) }}<input name="x"><button>Go</button></form>',
            stamp=stamp)

    @app.get("/flashes")
    def flashes() -> str:
        return render_template_string(
            "{% for m in get_flashed_messages() %}<p class=flash>{{ m }}</p>{% endfor %}")

    @app.get("/response")
    def response_page() -> t.Any:
        def custom(form: Form) -> t.Any:
            "use server"
            return make_response("made", 201)

        return render_template_string('<form method="post">{{ action(custom) }}</form>',
                                      custom=custom)

    @app.get("/")
    def index() -> str:
        return "home"

    @app.post("/login")
    def login() -> str:
        session["member"] = True
        return "ok"

    return app
