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

from .html import Page
from .store import STORE

#: name -> (captured variables, marked) for each version of the view.
Actions = dict[str, tuple[tuple[str, ...], bool]]

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
        def {name}(form):
            {doc}
            STORE.append(({name!r}, {captures}, form["title"]))
'''
FORM = '''<form id="{name}" method="post">{{{{ action({name}) }}}}
<input name="title" value="{{{{ action.value('title') }}}}"><button>Go</button></form>'''

ORIGINAL: Actions = {"save": (("note",), True), "delete": (("note",), True)}


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
                captures="".join(f"({', '.join(captures)},)" if captures else "()")) for name, (captures, marked) in
                actions.items()),
            # An unmarked function cannot be on a form, so only marked ones are.
            forms="".join(FORM.format(name=name) for name, (_, marked) in actions.items()
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
    {"create": (("note",), True), "save": (("note",), True), "delete": (("note",), True)},
    {"delete": (("note",), True), "save": (("note",), True)},
    {"save": (("note",), True)},
    {"save": (("note",), True), "delete": (("note",), True), "archive": (("other",), True)},
    {"delete": (("note",), True), "archive": (("note",), True), "save": (("note",), True)},
], ids=["new-action-before", "reordered", "others-removed", "others-added", "all-at-once"])
def test_an_old_token_runs_the_same_action_after_other_actions_change(
        deploy: Deploy, actions: Actions) -> None:
    page, status = submit_after_redeploy(deploy, actions)
    assert status == 303
    assert STORE == [("save", ("note",), "typed")]


@pytest.mark.parametrize("actions", [
    {"store": (("note",), True), "delete": (("note",), True)},
    {"delete": (("note",), True)},
    {"save": (("note", "other"), True), "delete": (("note",), True)},
    {"save": (("other",), True), "delete": (("note",), True)},
    {"save": ((), True), "delete": (("note",), True)},
    {"save": (("note",), False), "delete": (("note",), True)},
], ids=["renamed", "removed", "captures-more", "captures-another", "captures-nothing",
        "no-longer-marked"])
def test_an_old_token_whose_action_changed_runs_nothing_and_keeps_the_input(
        deploy: Deploy, actions: Actions) -> None:
    page, status = submit_after_redeploy(deploy, actions)
    assert status == 422
    assert STORE == []
    assert page.text(".action-notice") == ActionNotFound.notice
    assert page.value("title") == "typed"
