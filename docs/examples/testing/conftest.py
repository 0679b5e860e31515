"""The fixtures of a test suite that uses the test client
(docs/testing.rst)."""

from __future__ import annotations

import pytest
from flask import Flask

from docs.examples.integrations.app import create_app
from flask_server_actions.testing import ActionClient


@pytest.fixture
def app() -> Flask:
    return create_app({"TESTING": True})


@pytest.fixture
def actions(app: Flask) -> ActionClient:
    return ActionClient(app)
