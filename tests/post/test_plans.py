"""Plans: what an action's posts need that depends only on the action, worked
out on its first post and reused (``post/plans.py``)."""

from __future__ import annotations

import sys
import types
import typing as t

import pytest
from wtforms import Form
from wtforms import StringField

from flask_server_actions.closures import ResolveError
from flask_server_actions.closures import resolve
from flask_server_actions.forms import OPTION as FORM_OPTION
from flask_server_actions.post.plans import Plans
from flask_server_actions.post.plans import plan_for

SOURCE = '''
from flask_server_actions import server_action
from tests.post.test_plans import TitleForm

def setup(form):
    pass

@server_action(form=TitleForm, setup=setup)
def save(post_id, form):
    pass

@server_action
def ping(form):
    pass
'''


class TitleForm(Form):
    title = StringField()


def _module(monkeypatch: pytest.MonkeyPatch) -> types.ModuleType:
    module = types.ModuleType("plans_actions")
    monkeypatch.setitem(sys.modules, "plans_actions", module)
    exec(SOURCE, module.__dict__)
    return module


def test_a_plan_holds_the_form_its_setup_and_whether_it_takes_the_form(
        monkeypatch: pytest.MonkeyPatch) -> None:
    module = _module(monkeypatch)
    plan = plan_for({}, resolve("plans_actions:save"), {}, 1)
    assert plan.form_class is TitleForm
    assert plan.setup is module.setup
    assert plan.takes_form
    assert not plan_for({}, resolve("plans_actions:save"), {}, 2).takes_form


def test_an_action_without_a_form_class_has_no_setup(monkeypatch: pytest.MonkeyPatch) -> None:
    _module(monkeypatch)
    plan = plan_for({}, resolve("plans_actions:ping"), {}, 0)
    assert (plan.form_class, plan.setup, plan.takes_form) == (None, None, True)


def test_the_second_post_of_an_action_reuses_its_plan(monkeypatch: pytest.MonkeyPatch) -> None:
    _module(monkeypatch)
    plans: Plans = {}
    first = plan_for(plans, resolve("plans_actions:save"), {}, 1)
    assert plan_for(plans, resolve("plans_actions:save"), {}, 1) is first
    assert len(plans) == 1


def test_a_module_imported_again_gets_a_new_plan(monkeypatch: pytest.MonkeyPatch) -> None:
    _module(monkeypatch)
    plans: Plans = {}
    first = plan_for(plans, resolve("plans_actions:save"), {}, 1)
    _module(monkeypatch)  # a reload: another module object, another target
    again = plan_for(plans, resolve("plans_actions:save"), {}, 1)
    assert again is not first
    assert again.target is resolve("plans_actions:save")
    assert len(plans) == 1


def test_a_form_option_that_is_not_a_name_keys_no_plan_of_its_own(
        monkeypatch: pytest.MonkeyPatch) -> None:
    _module(monkeypatch)
    plans: Plans = {}
    target = resolve("plans_actions:ping")
    plan = plan_for(plans, target, {FORM_OPTION: ["not", "a", "name"]}, 0)
    assert plan_for(plans, target, {}, 0) is plan


def test_a_form_class_that_cannot_be_loaded_makes_no_plan(
        monkeypatch: pytest.MonkeyPatch) -> None:
    _module(monkeypatch)
    plans: Plans = {}
    inline = types.SimpleNamespace(**{**vars(resolve("plans_actions:ping")),
                                      "function": None})
    with pytest.raises(ResolveError):
        plan_for(plans, inline, {FORM_OPTION: "plans_actions:Gone"}, 0)  # type: ignore[arg-type]
    assert plans == {}


def test_the_guard_options_of_an_action_are_worked_out_on_its_first_post(
        monkeypatch: pytest.MonkeyPatch) -> None:
    from benchmarks.wsgi import prepared_call
    from flask_server_actions.post import guards

    worked_out = []
    options = guards._options

    def counted(*args: t.Any) -> t.Any:
        worked_out.append(args)
        return options(*args)

    monkeypatch.setattr(guards, "_options", counted)
    post = prepared_call("action")  # an action defined in its view, with no require=
    post()  # the app's store made, and so its settings and plans
    post()
    assert worked_out
    worked_out.clear()
    post()
    post()
    assert not worked_out


def test_tokens_of_other_guard_options_get_other_plans(monkeypatch: pytest.MonkeyPatch) -> None:
    _module(monkeypatch)
    plans: Plans = {}
    target = resolve("plans_actions:ping")
    plain = plan_for(plans, target, {}, 0)
    limited = plan_for(plans, target, {"limit": "1/60"}, 0)
    assert limited is not plain
    assert plan_for(plans, target, {"limit": "1/60"}, 0) is limited


def test_an_app_that_runs_functions_its_own_way_runs_its_actions_its_way() -> None:
    from flask import Flask
    from flask import render_template_string

    from flask_server_actions import ServerActions

    from ..html import Page

    ran: list[str] = []

    class OwnWay(Flask):  # Quart-like: every function the app calls goes through it
        def ensure_sync(self, func: t.Callable[..., t.Any]) -> t.Callable[..., t.Any]:
            def counted(*args: t.Any, **kwargs: t.Any) -> t.Any:
                ran.append(getattr(func, "__name__", ""))
                return func(*args, **kwargs)
            return counted

    app = OwnWay(__name__)
    app.secret_key = "test"
    ServerActions(app)

    @app.get("/")
    def page() -> str:
        def save(form: t.Any) -> None:
            "use server"

        return render_template_string(
            '<form method="post">{{ action(save) }}<input name="title"></form>', save=save)

    Page.get(app.test_client(), "/").form().submit(title="hello")
    assert "save" in ran
