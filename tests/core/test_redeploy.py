"""After a deploy, an old token runs the action it named or nothing.

Next.js numbers inline actions by position, so after inserting or removing
another action an old "Save" token can run the new "Delete". Here a token
names its action by module and qualified name."""

from __future__ import annotations

import itertools
import sys
import typing as t
from pathlib import Path

import pytest

from flask_server_actions.errors import ActionNotFound

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


@pytest.fixture
def old_page(deployment: Deployment) -> Page:
    """The page of the first version, open in a browser tab."""
    first = deployment.deploy("save", "delete")
    page = Page.get(first.test_client(), "/items/4")
    STORE.clear()
    return page


@pytest.mark.parametrize("actions", [
    pytest.param(("publish", "save", "delete"), id="a new action inserted before"),
    pytest.param(("delete", "save"), id="reordered"),
    pytest.param(("save",), id="the others removed"),
    pytest.param(("delete", "publish", "save"), id="all at once"),
])
def test_an_old_save_token_runs_save_after_the_view_changed(
        deployment: Deployment, old_page: Page, actions: tuple[str, ...]) -> None:
    tab = carry_over(old_page, deployment.deploy(*actions))
    response = tab.form("#save").submit(title="kept")
    assert response.status_code == 303
    assert STORE == [("save", 4, "kept")]


@pytest.mark.parametrize("actions", [
    pytest.param(("delete", "store"), id="save renamed"),
    pytest.param(("delete",), id="save removed"),
    pytest.param(("delete", "save capturing more"), id="save captures other names"),
])
def test_an_old_token_whose_action_changed_asks_to_resubmit_keeping_input(
        deployment: Deployment, old_page: Page, actions: tuple[str, ...]) -> None:
    tab = carry_over(old_page, deployment.deploy(*actions))
    response = tab.form("#save").submit(title="kept")
    assert response.status_code == 422
    again = Page(tab.client, tab.url, response)
    assert again.text(".action-notice") == ActionNotFound.notice
    assert again.value("title") == "kept"
    assert STORE == []


@pytest.mark.parametrize("first", ["save", "save decorated"])
def test_an_old_token_of_code_no_longer_marked_is_refused(deployment: Deployment,
                                                          first: str) -> None:
    old_page = Page.get(deployment.deploy(first, "delete").test_client(), "/items/4")
    later = deployment.deploy("delete", "save unmarked", marked=("delete",))
    response = carry_over(old_page, later).form("#save").submit(title="kept")
    assert response.status_code == 422
    assert STORE == []


def test_a_decorated_action_still_runs_after_a_redeploy(deployment: Deployment) -> None:
    old_page = Page.get(deployment.deploy("save decorated", "delete").test_client(), "/items/4")
    later = deployment.deploy("publish", "delete", "save decorated")
    response = carry_over(old_page, later).form("#save").submit(title="kept")
    assert response.status_code == 303
    assert STORE == [("save", 4, "kept")]
