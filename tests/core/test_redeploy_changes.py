"""Deploy safety: a token names its action, never its position.

Next.js numbers inline actions by position, so after an edit that adds or
reorders actions, an old "Save" form can run the new "Delete". Here a view
module is rewritten between rendering and submitting, as a redeploy would:
the old token still runs ``save`` or, when ``save`` itself changed, nothing
runs and the page comes back with the input and a notice.
"""

from __future__ import annotations

import importlib
import sys
import types
import typing as t
import uuid
from pathlib import Path

import pytest
from flask.testing import FlaskClient

from flask_server_actions.errors import ActionNotFound

from ..html import Page
from ..store import STORE

#: name -> (captured variables, marked, parameters) for each version of the view.
Actions = dict[str, tuple[tuple[str, ...], bool, str]]


def act(*captures: str, marked: bool = True, params: str = "form") -> tuple[
        tuple[str, ...], bool, str]:
    """One action of a version of the view."""
    return captures, marked, params

MODULE = '''
from flask import Flask, render_template_string
from flask_server_actions import ServerActions
from tests.store import STORE

def create_app():
    app = Flask(__name__)
    app.config["SECRET_KEY"] = "deploy secret"
    ServerActions(app)

    @app.get("/page")
    def page():
        note, other = "note", "other"
{actions}
        return render_template_string(PAGE, **locals())

    return app

PAGE = """{{{{ action.notice() }}}}{forms}"""
'''
ACTION = '''
        def {name}({params}):
            {doc}
            STORE.append(({name!r}, {captures}, {title}))
'''
FORM = '''<form id="{name}" method="post">{{{{ action({name}) }}}}
<input name="title" value="{{{{ action.value('title') }}}}"><button>Go</button></form>'''

ORIGINAL: Actions = {"save": act("note"), "delete": act("note")}


class Deploy:
    """A view module in a temporary package, rewritten like a redeploy."""

    def __init__(self, root: Path) -> None:
        self.package = f"deploy_{uuid.uuid4().hex}"
        (root / self.package).mkdir()
        (root / self.package / "__init__.py").write_text("")
        self.path = root / self.package / "views.py"
        self.name = f"{self.package}.views"

    def release(self, actions: Actions) -> FlaskClient:
        """Write the view with ``actions``, import it afresh, return a client."""
        self.path.write_text(MODULE.format(
            actions="".join(ACTION.format(
                name=name, doc='"use server"' if marked else '"""Not an action."""',
                params=params, title='form["title"]' if "form" in params else "None",
                captures=f"({', '.join(captures)},)" if captures else "()")
                for name, (captures, marked, params) in actions.items()),
            # An unmarked function cannot be on a form, so only marked ones are.
            forms="".join(FORM.format(name=name) for name, (_, marked, _) in actions.items()
                          if marked)))
        sys.modules.pop(self.name, None)
        importlib.invalidate_caches()
        module: types.ModuleType = importlib.import_module(self.name)
        return t.cast(FlaskClient, module.create_app().test_client())


@pytest.fixture
def deploy(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> t.Iterator[Deploy]:
    monkeypatch.syspath_prepend(str(tmp_path))
    # Rewrites within one second must not be served from a stale .pyc.
    monkeypatch.setattr(sys, "dont_write_bytecode", True)
    deploy = Deploy(tmp_path)
    yield deploy
    for name in [deploy.name, deploy.package]:
        sys.modules.pop(name, None)


def submit_after_redeploy(deploy: Deploy, actions: Actions) -> tuple[Page, int]:
    """Render ``save``'s form with the original view, redeploy ``actions``,
    then submit the old form to the new code."""
    old = deploy.release(ORIGINAL)
    form = Page.get(old, "/page").form("#save")
    new = deploy.release(actions)
    cookie = old.get_cookie("session")
    assert cookie is not None
    new.set_cookie("session", cookie.value)
    form.page.client = new
    response = form.submit(title="typed")
    return Page(new, "/page", response), response.status_code


@pytest.mark.parametrize("actions", [
    {"create": act("note"), "save": act("note"), "delete": act("note")},
    {"delete": act("note"), "save": act("note")},
    {"save": act("note")},
    {"save": act("note"), "delete": act("note"), "archive": act("other")},
    {"delete": act("note"), "archive": act("note"), "save": act("note")},
], ids=["new-action-before", "reordered", "others-removed", "others-added", "all-at-once"])
def test_an_old_token_runs_the_same_action_after_other_actions_change(
        deploy: Deploy, actions: Actions) -> None:
    page, status = submit_after_redeploy(deploy, actions)
    assert status == 303
    assert STORE == [("save", ("note",), "typed")]


@pytest.mark.parametrize("actions", [
    {"store": act("note"), "delete": act("note")},
    {"delete": act("note")},
    {"save": act("note", "other"), "delete": act("note")},
    {"save": act("other"), "delete": act("note")},
    {"save": act(), "delete": act("note")},
    {"save": act("note", marked=False), "delete": act("note")},
    {"save": act("note", params="form, extra"), "delete": act("note")},
    # A default is evaluated when the view runs: the old token cannot know it.
    {"save": act("note", params="form, extra=1"), "delete": act("note")},
    {"save": act("note", params="form, *, extra"), "delete": act("note")},
    {"save": act("note", params=""), "delete": act("note")},
], ids=["renamed", "removed", "captures-more", "captures-another", "captures-nothing",
        "no-longer-marked", "parameter-added", "optional-parameter-added", "keyword-added",
        "form-parameter-removed"])
def test_an_old_token_whose_action_changed_runs_nothing_and_keeps_the_input(
        deploy: Deploy, actions: Actions) -> None:
    page, status = submit_after_redeploy(deploy, actions)
    assert status == 422
    assert STORE == []
    assert page.text(".action-notice") == ActionNotFound.notice
    assert page.value("title") == "typed"
