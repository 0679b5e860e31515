from __future__ import annotations

import pytest
from flask import Flask

from .app_forms import create_app


@pytest.fixture
def app() -> Flask:
    """The forms app; the ``client`` fixture of tests/conftest.py drives it."""
    return create_app()
