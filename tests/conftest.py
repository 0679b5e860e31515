from __future__ import annotations

import typing as t

import pytest
from flask import Flask
from flask.testing import FlaskClient

from flask_server_actions.testing import ActionClient

from .core_app import create_app
from .store import STORE


@pytest.fixture(autouse=True)
def _clean_store() -> t.Iterator[None]:
    STORE.clear()
    yield
    STORE.clear()


@pytest.fixture
def app() -> Flask:
    return create_app()


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    return app.test_client()


@pytest.fixture
def actions(app: Flask) -> ActionClient:
    """The test client for users (flask_server_actions.testing) on ``app``."""
    return ActionClient(app)
