from __future__ import annotations

import pytest
from flask import Flask

from .app_secure import create_app


@pytest.fixture
def app() -> Flask:
    """The attacked app; tests/conftest.py's ``client`` browses it."""
    return create_app()
