from __future__ import annotations

import typing as t

import pytest
from flask import Flask
from flask.testing import FlaskClient

from . import app_lifecycle


@pytest.fixture
def app() -> Flask:
    app_lifecycle.SEEN.clear()
    app_lifecycle.TEAMS.clear()
    return app_lifecycle.create_app()


@pytest.fixture
def sign_in(client: FlaskClient) -> t.Callable[..., None]:
    """Set the session's user, role, team or flags through a real request."""
    def sign_in(**values: t.Any) -> None:
        response = client.post("/sign-in", data=values)
        assert response.status_code == 200
    return sign_in
