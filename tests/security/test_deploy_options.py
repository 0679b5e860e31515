"""An inline action's ``require=`` and ``once=`` are today's: a token minted
before a deploy changed them does not run under the old options."""

from __future__ import annotations

import itertools
import sys
import typing as t
from pathlib import Path

import pytest

from flask_server_actions.errors import ActionNotFound

from ..core.deploy import ACTIONS
from ..core.deploy import Deployment
from ..core.deploy import carry_over
from ..html import Page
from ..store import STORE

GUARDED = '''
        from tests.security.app_checks import {check}

        @server_action(require={check})
        def save(form):
            STORE.append(("save", item, form["title"]))
'''
VERSIONS = {
    "save guarded": GUARDED.format(check="admin_only"),
    "save guarded by another check": GUARDED.format(check="renamed_admin_only"),
    "save once": '''
        @server_action(once=True)
        def save(form):
            STORE.append(("save", item, form["title"]))
''',
}
_numbers = itertools.count()


@pytest.fixture
def deployment(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> t.Iterator[Deployment]:
    monkeypatch.syspath_prepend(str(tmp_path))
    monkeypatch.setattr(sys, "dont_write_bytecode", True)
    for key, source in VERSIONS.items():
        monkeypatch.setitem(ACTIONS, key, source)
    deployment = Deployment(tmp_path, f"options_app_{next(_numbers)}")
    yield deployment
    sys.modules.pop(deployment.name, None)


def submit_after_deploy(deployment: Deployment, before: str, after: str,
                        admin: bool = False) -> Page:
    old = deployment.deploy(before).test_client()
    if admin:
        with old.session_transaction() as session:
            session["admin"] = True
    page = Page.get(old, "/items/4")
    STORE.clear()
    tab = carry_over(page, deployment.deploy(after))
    response = tab.form("#save").submit(title="kept")
    return Page(tab.client, tab.url, response)


@pytest.mark.parametrize("before", ["save", "save decorated"])
def test_a_token_minted_before_a_require_was_added_does_not_run_after(
        deployment: Deployment, before: str) -> None:
    page = submit_after_deploy(deployment, before, "save guarded")
    assert page.response.status_code == 422
    assert page.text(".action-notice") == ActionNotFound.notice
    assert page.value("title") == "kept"
    assert STORE == []


@pytest.mark.parametrize(("before", "after"), [
    pytest.param("save guarded", "save guarded by another check", id="another check"),
    pytest.param("save guarded", "save", id="require removed"),
    pytest.param("save once", "save decorated", id="once removed"),
    pytest.param("save decorated", "save once", id="once added"),
])
def test_a_token_whose_options_changed_since_is_stale(
        deployment: Deployment, before: str, after: str) -> None:
    page = submit_after_deploy(deployment, before, after, admin=True)
    assert page.response.status_code == 422
    assert STORE == []


def test_unchanged_options_keep_old_tokens_working(deployment: Deployment) -> None:
    page = submit_after_deploy(deployment, "save guarded", "save guarded")
    assert (page.response.status_code, STORE) == (403, [("checked", "save")])
    page = submit_after_deploy(deployment, "save guarded", "save guarded", admin=True)
    assert (page.response.status_code, STORE) == (303, [("checked", "save"), ("save", 4, "kept")])
