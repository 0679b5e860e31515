"""Forms whose choices the view sets, as Flask-WTF apps do: the action
sets them up the same way at submit (``setup=``)."""

from __future__ import annotations

import typing as t

from flask import Flask
from flask import render_template_string
from flask import request
from wtforms import Form
from wtforms import SelectField
from wtforms import StringField
from wtforms.validators import DataRequired

from flask_server_actions import ServerActions
from flask_server_actions import action_state
from flask_server_actions import server_action

from ..store import STORE

TEAMS = {1: "Design", 2: "Platform"}
PROJECT_TEAMS = {7: {1: "Design"}, 8: {2: "Platform"}}


class TaskForm(Form):
    title = StringField("Title", [DataRequired()])
    team = SelectField("Team", coerce=int)


def team_choices(form: TaskForm) -> None:
    """What the view does at render, done at submit too."""
    form.team.choices = sorted(TEAMS.items())


def project_teams(form: TaskForm) -> None:
    # An action post is a request of its page: the page's view arguments.
    form.team.choices = sorted(PROJECT_TEAMS[request.view_args["project"]].items())


@server_action(form=TaskForm, setup=team_choices)
def add_task(form: TaskForm) -> None:
    STORE.append(("task", form.title.data, form.team.data))


PAGE = """
{{ action.notice() }}
<form id="task" method="post">
  {{ action(act) }}
  {{ form.title() }}{{ form.team() }}
  {% for error in form.team.errors %}<p class="error">{{ error }}</p>{% endfor %}
  <button>Add</button>
</form>
"""


def create_app() -> Flask:
    app = Flask(__name__)
    app.config.update(SECRET_KEY="setup tests")
    ServerActions(app)

    def page(act: t.Callable[..., t.Any], choices: t.Callable[[TaskForm], None]) -> str:
        form = action_state(act).form_for(TaskForm)
        choices(form)
        return render_template_string(PAGE, act=act, form=form)

    @app.get("/tasks")
    def tasks() -> str:
        return page(add_task, team_choices)

    @app.get("/projects/<int:project>")
    def project(project: int) -> str:
        @server_action(form=TaskForm, setup=project_teams)
        def add(form: TaskForm) -> None:
            STORE.append(("project task", project, form.title.data, form.team.data))

        return page(add, project_teams)

    @app.get("/unset")
    def unset() -> str:
        @server_action(form=TaskForm)  # the view sets the choices, the action does not
        def add(form: TaskForm) -> None:
            STORE.append(("unset", form.title.data))

        return page(add, team_choices)

    @app.get("/inner-setup")
    def inner_setup() -> str:
        def choices(form: TaskForm) -> None:
            form.team.choices = []

        @server_action(form=TaskForm, setup=choices)
        def add(form: TaskForm) -> None:
            pass

        return page(add, choices)

    return app
