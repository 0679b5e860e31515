"""A SelectField whose choices the view sets (docs/forms.rst)."""

from __future__ import annotations

from flask import Flask
from flask import render_template
from flask import request
from wtforms import Form
from wtforms import SelectField
from wtforms import StringField
from wtforms.validators import DataRequired

from flask_server_actions import ServerActions
from flask_server_actions import action_state
from flask_server_actions import server_action

app = Flask(__name__)
app.config["SECRET_KEY"] = "change me"
ServerActions(app)

MEMBERS = {1: {"ada": "Ada", "grace": "Grace"}, 2: {"linus": "Linus"}}
TASKS: list[tuple[int, str, str]] = []


class TaskForm(Form):
    title = StringField("Title", [DataRequired()])
    owner = SelectField("Owner")


def owner_choices(form: TaskForm) -> None:
    # Called by the view at render, and by the extension before it validates
    # a submission: an action post is a request of its page, so
    # request.view_args are the page's.
    members = MEMBERS[request.view_args["team_id"]]
    form.owner.choices = sorted(members.items())


@app.get("/teams/<int:team_id>/tasks")
def team_tasks(team_id: int) -> str:
    @server_action(form=TaskForm, setup=owner_choices)
    def add_task(form: TaskForm) -> None:
        TASKS.append((team_id, form.title.data, form.owner.data))

    form = action_state(add_task).form_for(TaskForm)
    owner_choices(form)
    return render_template("tasks.html", form=form, add_task=add_task)
