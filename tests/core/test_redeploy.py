"""After a deploy, an old token runs the action it named or nothing.

Next.js numbers inline actions by position, so after an edit that adds,
removes or reorders actions, an old "Save" form can run the new "Delete".
Here a token names its action by module and qualified name: the view module
is rewritten between rendering and submitting, as a redeploy would, and the
old token still runs ``save`` or, when ``save`` itself changed, nothing runs
and the page comes back with the input and a notice. A redeploy that renames
the view (or rewrites its rule) does the same to every old token of its URL.
"""

from __future__ import annotations

import itertools
import sys
import typing as t
from pathlib import Path

import pytest

from flask_server_actions.errors import ActionNotFound
from flask_server_actions.errors import ViewChanged

from ..html import ORIGIN
from ..html import Page
from ..store import STORE
from .deploy import Deployment
from .deploy import carry_over

_numbers = itertools.count()


@pytest.fixture
def deployment(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> t.Iterator[Deployment]:
    monkeypatch.syspath_prepend(str(tmp_path))
    # No .pyc: two versions written within one second must not share one.
    monkeypatch.setattr(sys, "dont_write_bytecode", True)
    deployment = Deployment(tmp_path, f"deployed_app_{next(_numbers)}")
    yield deployment
    sys.modules.pop(deployment.name, None)


def submit_after_redeploy(deployment: Deployment, first: tuple[str, ...],
                          later: tuple[str, ...], marked: tuple[str, ...] | None = None,
                          **view: str) -> Page:
    """Render the page of ``first``, deploy ``later`` (in the view ``view``
    says, see :meth:`Deployment.deploy`), submit the old ``save`` form."""
    page = Page.get(deployment.deploy(*first).test_client(), "/items/4")
    STORE.clear()
    tab = carry_over(page, deployment.deploy(*later, marked=marked, **view))
    return Page(tab.client, tab.url, tab.form("#save").submit(title="kept"))


@pytest.mark.parametrize("first", ["save", "save decorated"])
@pytest.mark.parametrize("actions", [
    pytest.param(("publish", "save", "delete"), id="a new action inserted before"),
    pytest.param(("save", "delete", "publish"), id="a new action added after"),
    pytest.param(("delete", "save"), id="reordered"),
    pytest.param(("save",), id="the others removed"),
    pytest.param(("delete", "publish", "save"), id="all at once"),
])
def test_an_old_save_token_runs_save_after_the_view_changed(
        deployment: Deployment, first: str, actions: tuple[str, ...]) -> None:
    later = tuple(first if action == "save" else action for action in actions)
    page = submit_after_redeploy(deployment, (first, "delete"), later)
    assert page.response.status_code == 303
    assert STORE == [("save", 4, "kept")]


@pytest.mark.parametrize(("first", "actions", "marked"), [
    pytest.param("save", ("delete", "store"), None, id="save renamed"),
    pytest.param("save", ("delete",), None, id="save removed"),
    pytest.param("save", ("delete", "save capturing more"), None, id="captures more"),
    pytest.param("save", ("delete", "save capturing another"), None, id="captures another"),
    pytest.param("save", ("delete", "save capturing nothing"), None, id="captures nothing"),
    pytest.param("save", ("delete", "save with a parameter added"), None,
                 id="parameter added"),
    pytest.param("save", ("delete", "save with an optional parameter added"), None,
                 id="optional parameter added"),
    pytest.param("save", ("delete", "save with a keyword added"), None, id="keyword added"),
    pytest.param("save", ("delete", "save without its form"), None, id="form parameter removed"),
    # An unmarked function cannot be on a form, so only `delete` is.
    pytest.param("save", ("delete", "save unmarked"), ("delete",), id="no longer marked"),
    pytest.param("save decorated", ("delete", "save unmarked"), ("delete",),
                 id="decorator removed"),
])
def test_an_old_token_whose_action_changed_runs_nothing_and_keeps_the_input(
        deployment: Deployment, first: str, actions: tuple[str, ...],
        marked: tuple[str, ...] | None) -> None:
    page = submit_after_redeploy(deployment, (first, "delete"), actions, marked)
    assert page.response.status_code == 422
    assert page.text(".action-notice") == ActionNotFound.notice
    assert page.value("title") == "kept"
    assert STORE == []


@pytest.mark.parametrize("view", [
    pytest.param({"view": "show_item"}, id="view renamed"),
    # The view keeps its name, so its actions still resolve: only the
    # binding stops them.
    pytest.param({"endpoint": "show_item"}, id="endpoint renamed"),
    pytest.param({"rule": "/items/<item>"}, id="rule rewritten"),
    pytest.param({"rule": "/items/<int:item>", "endpoint": "items", "view": "items"},
                 id="all at once"),
])
def test_an_old_token_of_a_renamed_view_runs_nothing_and_keeps_the_input(
        deployment: Deployment, view: dict[str, str]) -> None:
    page = submit_after_redeploy(deployment, ("save", "delete"), ("save", "delete"), **view)
    assert page.response.status_code == 422
    assert page.text(".action-notice") == ViewChanged.notice
    assert page.value("title") == "kept"
    assert STORE == []


def test_an_old_token_of_a_renamed_view_posted_to_another_item_is_refused(
        deployment: Deployment) -> None:
    page = Page.get(deployment.deploy("save").test_client(), "/items/4")
    STORE.clear()
    tab = carry_over(page, deployment.deploy("save", view="show_item"))
    response = tab.client.post("/items/5", data={"__action": tab.form("#save").token(),
                                                 "title": "moved"}, headers={"Origin": ORIGIN})
    assert response.status_code == 400
    assert STORE == []


def test_another_sessions_token_of_a_renamed_view_is_refused(deployment: Deployment) -> None:
    # Another session's token of this very view shows the page again, with
    # the origin proven; of a renamed view, nothing proves it is still the
    # page the user saw: refused.
    token = Page.get(deployment.deploy("save").test_client(), "/items/4").form("#save").token()
    STORE.clear()
    other = Page.get(deployment.deploy("save", view="show_item").test_client(), "/items/4")
    response = other.client.post("/items/4", data={"__action": token, "title": "theirs"},
                                 headers={"Origin": ORIGIN})
    assert response.status_code == 400
    assert STORE == []
