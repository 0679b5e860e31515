"""A token minted before a redeploy whose action changed: the page comes back
with the input and a notice (422); nothing runs."""

from __future__ import annotations

import importlib
import sys
import typing as t
import uuid
from pathlib import Path

import pytest
from flask.testing import FlaskClient

from flask_server_actions.errors import ActionNotFound

from ..html import Page
from ..store import STORE

SOURCE = '''
from flask import render_template_string
from flask_server_actions import action_state, server_action
from tests.forms.app_forms import PostForm
from tests.store import STORE

PAGE = (
    '{{ action.notice() }}<form id="edit" method="post">{{ action(save) }}{{ form.title() }}'
    '<input name="note" value="{{ action.value(\\'note\\') }}"><button>Go</button></form>')

MODULE_ACTION

def page():
    owner = "ada"

    INLINE_ACTION

    return render_template_string(PAGE, save=SAVED, form=action_state(SAVED).form_for(PostForm))
'''

INLINE = ("@server_action(form=PostForm)\n    def save(form):\n"
          "        STORE.append((owner, form.title.data))")
MODULE = ("@server_action(form=PostForm)\ndef module_save(form):\n"
          "    STORE.append(('module', form.title.data))")

#: How each redeploy changes the module's source.
CHANGES: dict[str, t.Callable[[str], str]] = {
    "captured names changed": lambda source: source.replace("owner", "author"),
    "inline action renamed": lambda source: source.replace("save", "store"),
    "module action renamed": lambda source: source.replace("module_save", "module_store"),
}


def _source(saved: str) -> str:
    return (SOURCE.replace("MODULE_ACTION", MODULE).replace("INLINE_ACTION", INLINE)
            .replace("SAVED", saved))


@pytest.fixture
def deploy(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> t.Callable[[str], t.Any]:
    """Write the module's code and import it afresh, as a new deploy would."""
    name = f"redeployed_{uuid.uuid4().hex}"
    monkeypatch.syspath_prepend(str(tmp_path))
    monkeypatch.setattr(sys, "dont_write_bytecode", True)

    def write(source: str) -> t.Any:
        (tmp_path / f"{name}.py").write_text(source)
        sys.modules.pop(name, None)
        importlib.invalidate_caches()
        return importlib.import_module(name)

    yield write
    sys.modules.pop(name, None)


@pytest.mark.parametrize("saved", ["save", "module_save"])
def test_unchanged_code_runs_the_action(
        client: FlaskClient, deploy: t.Callable[[str], t.Any], saved: str) -> None:
    module = deploy(_source(saved))
    client.application.add_url_rule("/r", "r", module.page)
    form = Page.get(client, "/r").form("#edit")
    deploy(_source(saved))
    assert form.submit(title="typed").status_code == 303
    assert STORE in ([("ada", "typed")], [("module", "typed")])


@pytest.mark.parametrize("change", sorted(CHANGES))
def test_changed_action_rerenders_422_with_input_and_notice(
        client: FlaskClient, deploy: t.Callable[[str], t.Any], change: str) -> None:
    saved = "module_save" if change.startswith("module") else "save"
    module = deploy(_source(saved))
    client.application.add_url_rule("/r", "r", module.page)
    form = Page.get(client, "/r").form("#edit")
    changed = CHANGES[change](_source(saved))
    assert changed != _source(saved)
    client.application.view_functions["r"] = deploy(changed).page
    response = form.submit(title="typed", note="my note")
    assert response.status_code == 422
    page = Page(client, "/r", response)
    assert page.value("title") == "typed"
    assert page.value("note") == "my note"
    assert page.text(".action-notice") == ActionNotFound.notice
    assert STORE == []
