"""Write an app module, deploy a changed version of it, and post the tokens
the old version rendered: what a redeploy does to open browser tabs."""

from __future__ import annotations

import importlib
import sys
import typing as t
from pathlib import Path

from flask import Flask
from flask.testing import FlaskClient

from ..html import Page

SECRET = "deploy secret"

ACTIONS = {
    "save": '''
        def save(form):
            "use server"
            STORE.append(("save", item, form["title"]))
''',
    "delete": '''
        def delete(form):
            "use server"
            STORE.append(("delete", item))
''',
    "publish": '''
        def publish(form):
            "use server"
            STORE.append(("publish", item))
''',
    # The same action, renamed.
    "store": '''
        def store(form):
            "use server"
            STORE.append(("store", item, form["title"]))
''',
    # `save`, now capturing one more variable.
    "save capturing more": '''
        owner = "ada"

        def save(form):
            "use server"
            STORE.append(("save", item, owner, form["title"]))
''',
    # `save`, now capturing another variable instead.
    "save capturing another": '''
        owner = "ada"

        def save(form):
            "use server"
            STORE.append(("save", owner, form["title"]))
''',
    # `save`, now capturing nothing.
    "save capturing nothing": '''
        def save(form):
            "use server"
            STORE.append(("save", form["title"]))
''',
    # `save` with a new required, optional (a default is evaluated when the
    # view runs: the old token cannot know it) or keyword-only parameter.
    "save with a parameter added": '''
        def save(form, extra):
            "use server"
            STORE.append(("save", item, form["title"]))
''',
    "save with an optional parameter added": '''
        def save(form, extra=1):
            "use server"
            STORE.append(("save", item, form["title"]))
''',
    "save with a keyword added": '''
        def save(form, *, extra):
            "use server"
            STORE.append(("save", item, form["title"]))
''',
    # `save`, no longer taking the form.
    "save without its form": '''
        def save():
            "use server"
            STORE.append(("save", item))
''',
    # `save`, marked with the decorator instead of the docstring.
    "save decorated": '''
        @server_action
        def save(form):
            STORE.append(("save", item, form["title"]))
''',
    # `save`, no longer marked.
    "save unmarked": '''
        def save(form):
            STORE.append(("save", item, form["title"]))
''',
}

MODULE = '''
from flask import Flask, render_template_string
from flask_server_actions import ServerActions, server_action
from tests.store import STORE

PAGE = """{{{{ action.notice() }}}}{{% for fn in fns %}}
<form id="{{{{ fn.__name__ }}}}" method="post">{{{{ action(fn) }}}}
<input name="title" value="{{{{ action.value('title') }}}}"><button>Go</button></form>
{{% endfor %}}"""


def create_app():
    app = Flask(__name__)
    app.config["SECRET_KEY"] = {secret!r}
    ServerActions(app)

    @app.get({rule!r}, endpoint={endpoint!r})
    def {view}(item):
{actions}
        return render_template_string(PAGE, fns=[{names}])

    return app
'''


class Deployment:
    """One module of a temporary package, deployed again and again."""

    def __init__(self, folder: Path, name: str) -> None:
        self.folder = folder
        self.name = name

    def deploy(self, *actions: str, marked: tuple[str, ...] | None = None,
               view: str = "item_page", rule: str = "/items/<int:item>",
               endpoint: str | None = None) -> Flask:
        """Write the module with ``actions`` (keys of :data:`ACTIONS`) in the
        view ``view`` at ``rule`` (its endpoint ``endpoint``, by default the
        view's name), drop the old module and import it afresh, as a
        restarted worker would."""
        names = [ACTIONS[key].split("def ", 1)[1].split("(", 1)[0] for key in actions]
        on_page = marked if marked is not None else names
        source = MODULE.format(secret=SECRET, actions="".join(ACTIONS[key] for key in actions),
                               names=", ".join(on_page), view=view, rule=rule,
                               endpoint=endpoint)
        (self.folder / f"{self.name}.py").write_text(source)
        sys.modules.pop(self.name, None)
        importlib.invalidate_caches()
        module = importlib.import_module(self.name)
        return t.cast(Flask, module.create_app())


def carry_over(page: Page, app: Flask) -> Page:
    """The same browser tab (page and session cookie) against ``app``."""
    client: FlaskClient = app.test_client()
    cookie = page.client.get_cookie("session")
    assert cookie is not None
    client.set_cookie("session", cookie.value)
    return Page(client, page.url, page.response)
