"""The extension finishes every answer in one after-request hook."""

from __future__ import annotations

from flask import Flask

from flask_server_actions import ServerActions


def test_the_extension_installs_one_after_request_hook() -> None:
    app = Flask(__name__)
    app.secret_key = "test"
    ServerActions(app)
    hooks = [hook for funcs in app.after_request_funcs.values() for hook in funcs]
    assert len(hooks) == 1
