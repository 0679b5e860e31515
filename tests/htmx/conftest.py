from __future__ import annotations

import pytest
from flask import Flask

from .htmx_app import create_app


@pytest.fixture
def app() -> Flask:
    return create_app()
