"""Only what is marked runs: no token can be minted for an unmarked
function, and a token whose code is no longer marked runs nothing."""

from __future__ import annotations

import pytest
from flask import Flask
from flask.testing import FlaskClient

import flask_server_actions.closures
from flask_server_actions.errors import ActionNotFound
from flask_server_actions.errors import UnmarkedFunction
from flask_server_actions.errors import UnresolvableAction

from ..html import Page
from ..store import STORE
from .app_secure import create_app
from .forge import post
from .forge import token_of


@pytest.mark.parametrize(("kind", "error", "message"), [
    ("builtin", UnmarkedFunction, "is not a function"),
    ("inline", UnmarkedFunction, "is not a server action"),
    ("module", UnmarkedFunction, "is not a server action"),
    ("twins", UnresolvableAction, "2 functions named 'twin'"),
])
def test_no_token_for_what_is_not_an_action(app: Flask, kind: str, error: type[Exception],
                                            message: str) -> None:
    app.testing = True
    with pytest.raises(error, match=message):
        app.test_client().get(f"/unmarked/{kind}")


def test_a_token_whose_code_is_no_longer_marked_never_runs(
        client: FlaskClient, monkeypatch: pytest.MonkeyPatch) -> None:
    token = token_of(client)
    # The code the token names is no longer marked when the post resolves it
    # (then marked again, so the page can be shown again with a fresh token).
    marked = flask_server_actions.closures.is_marked_code
    answers = iter([False])
    monkeypatch.setattr(flask_server_actions.closures, "is_marked_code",
                        lambda code, parent: next(answers, marked(code, parent)))
    monkeypatch.setattr(flask_server_actions.closures, "_cache", {})
    response = post(client, token)
    assert response.status_code == 422
    assert Page(client, "/plain", response).text(".action-notice") == ActionNotFound.notice
    assert STORE == []


@pytest.mark.parametrize("secret", [None, ""])
def test_without_a_secret_key_minting_is_a_clear_error(secret: str | None) -> None:
    app = create_app(secret="placeholder")
    app.config["SECRET_KEY"] = secret
    app.testing = True
    with pytest.raises(RuntimeError, match="needs SECRET_KEY"):
        app.test_client().get("/plain")


def test_a_bytes_secret_key_works() -> None:
    client = create_app(secret=b"bytes secret").test_client()  # type: ignore[arg-type]
    assert post(client, token_of(client)).status_code == 303
