"""An app for the edges a regression would slip through: a one-time action
whose form fails only as a whole (no field has an error), a page whose
action asks the URL adapter about other URLs, and a body limit high enough
for posts over the size that is spooled to disk."""

from __future__ import annotations

import typing as t

from flask import Flask
from flask import render_template_string
from flask.globals import request_ctx
from werkzeug.datastructures import MultiDict
from werkzeug.exceptions import HTTPException
from wtforms import Form
from wtforms import StringField

from flask_server_actions import ActionCall
from flask_server_actions import ServerActions
from flask_server_actions import server_action

from ..store import STORE
from . import app_checks

PAGE = """{{ action.notice() }}
<form id="form" method="post">{{ action(act) }}
<input name="x" value="{{ action.value('x') }}"><button>Go</button></form>
<p id="tags">{{ action.values('tag') | join(',') }}</p>"""


PAIR = """{{ action.notice() }}
<form id="form" method="post">{{ action(act) }}{% set state = action_state(act) %}
<input name="password" value="{{ state.form.password.data if state.form else '' }}">
<input name="confirm" value="{{ state.form.confirm.data if state.form else '' }}">
<button>Go</button></form>"""


class PairForm(Form):
    """Two fields that are each valid alone, and must be equal."""

    password = StringField()
    confirm = StringField()

    def validate(self, extra_validators: t.Any = None) -> bool:
        if not super().validate(extra_validators):
            return False
        if self.password.data != self.confirm.data:
            self.form_errors.append("The two passwords differ.")
            return False
        return True


def by_team(call: ActionCall) -> object:
    """Count posts per team, as the action captured it."""
    return call.captured["team"]


def _adapter_answer(**asked: t.Any) -> object:
    """What the request's URL adapter answers to ``match(**asked)``."""
    adapter = request_ctx.url_adapter
    assert adapter is not None
    try:
        return adapter.match(**asked)
    except HTTPException as error:
        return error.code


def create_app(**config: t.Any) -> Flask:
    app = Flask(__name__)
    app.config.update(SECRET_KEY="edges secret", MAX_FORM_MEMORY_SIZE=4 * 1024 * 1024,
                      **config)
    ServerActions(app)

    @app.get("/pair")
    def pair() -> str:
        @server_action(form=PairForm, once=True)
        def change(form: PairForm) -> None:
            STORE.append(("change", form.password.data))

        return render_template_string(PAIR, act=change)

    @app.get("/page")
    def page() -> str:
        def look_around(form: MultiDict[str, str]) -> None:
            "use server"
            STORE.append(("path only", _adapter_answer(path_info="/elsewhere")))
            STORE.append(("method only", _adapter_answer(method="POST")))
            STORE.append(("x", form["x"][:8]))

        return render_template_string(PAGE, act=look_around)

    @app.get("/teams/<team>")
    def team(team: str) -> str:
        @server_action(limit="1/minute", key=by_team)
        def join(form: MultiDict[str, str]) -> None:
            STORE.append(("join", team))

        return render_template_string(PAGE, act=join)

    @app.get("/late-teams/<team>")
    def late_team(team: str) -> str:
        @server_action(limit="1/minute", key=by_team)
        def enlist(form: MultiDict[str, str]) -> None:
            STORE.append(("enlist", team, after if form["x"] == "late" else None))

        html = render_template_string(PAGE, act=enlist)
        after = "assigned after the page was rendered"  # captured, but not yet set
        return html

    @app.get("/club")
    def club() -> str:
        @server_action(require=app_checks.members_only)
        def enter(form: MultiDict[str, str]) -> None:
            STORE.append(("enter", form["x"]))

        return render_template_string(PAGE, act=enter)

    @app.get("/lambda-key")
    def lambda_key() -> str:
        @server_action(limit="1/minute", key=lambda call: call.name)
        def counted(form: MultiDict[str, str]) -> None:
            STORE.append(("counted", form["x"]))

        return render_template_string(PAGE, act=counted)

    @app.post("/page")
    def page_posted() -> str:
        return "the page's own post"

    @app.route("/elsewhere", methods=["GET", "POST"])
    def elsewhere() -> str:
        return "elsewhere"

    return app
