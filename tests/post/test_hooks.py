"""The extension's request hooks: one after-request hook finishes every
answer, and the view of a request is an action's only for its own post."""

from __future__ import annotations

from flask import Flask

from flask_server_actions import ServerActions
from flask_server_actions.post.kinds import Kind

from .kinds_app import create_app
from .test_kinds import Visitor


def test_the_extension_installs_one_after_request_hook() -> None:
    app = Flask(__name__)
    app.secret_key = "test"
    ServerActions(app)
    hooks = [hook for funcs in app.after_request_funcs.values() for hook in funcs]
    assert len(hooks) == 1


def test_a_page_after_an_action_post_in_one_app_context_is_the_page() -> None:
    # The test client's requests share a pushed app context, and so its g.
    app = create_app()
    with app.app_context():
        visitor = Visitor(app)
        assert visitor.send(Kind.PAGE, "ran").status_code == 303
        page = visitor.client.get("/")
    assert page.status_code == 200
    assert 'name="__action"' in page.get_data(as_text=True)
