"""The fixtures of a test suite that uses the test client
(docs/testing.rst)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from flask import Flask

from docs.examples.integrations.app import create_app
from docs.examples.integrations.app import db
from flask_server_actions.testing import ActionClient


@pytest.fixture
def app() -> Iterator[Flask]:
    app = create_app({"TESTING": True})
    yield app
    with app.app_context():
        db.engine.dispose()  # close this app's database connections


@pytest.fixture
def actions(app: Flask) -> ActionClient:
    return ActionClient(app)
