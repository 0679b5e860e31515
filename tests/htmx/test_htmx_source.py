"""Where a relative ``SERVER_ACTIONS_HTMX_SRC`` is read from, and the check
at startup that it names a file."""

from __future__ import annotations

import importlib
import logging
import sys
import typing as t
from pathlib import Path

import pytest
from flask import Flask

HTMX = "node_modules/htmx.org/dist/htmx.min.js"
PACKAGE_APP = '''
from flask import Flask
from flask_server_actions import ServerActions

def create_app(source):
    app = Flask(__name__)
    app.config.update(SECRET_KEY="x", SERVER_ACTIONS_HTMX_SRC=source)
    ServerActions(app)
    return app
'''


@pytest.fixture
def project(tmp_path: Path) -> t.Iterator[Path]:
    """A project folder: the app's package and npm's node_modules side by side."""
    name = f"tasks_{tmp_path.name.replace('-', '_')}"
    (tmp_path / name).mkdir()
    (tmp_path / name / "__init__.py").write_text(PACKAGE_APP)
    (tmp_path / HTMX).parent.mkdir(parents=True)
    (tmp_path / HTMX).write_text("window.htmx = {};")
    sys.path.insert(0, str(tmp_path))
    yield tmp_path / name
    sys.path.remove(str(tmp_path))
    sys.modules.pop(name, None)


def package_app(project: Path, source: str) -> Flask:
    module = importlib.import_module(project.name)
    return t.cast(Flask, module.create_app(source))


def htmx_warnings(caplog: pytest.LogCaptureFixture) -> list[str]:
    return [record.getMessage() for record in caplog.records
            if record.name == "flask_server_actions" and record.levelno == logging.WARNING]


def test_a_package_app_finds_node_modules_beside_its_package(
        project: Path, caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.INFO):
        app = package_app(project, HTMX)
        response = app.test_client().get("/_server_actions/htmx.js")
    assert response.status_code == 200
    assert response.get_data(as_text=True) == "window.htmx = {};"
    response.close()
    assert htmx_warnings(caplog) == []


def test_a_source_that_names_no_file_is_reported_at_startup(
        project: Path, caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.INFO):
        package_app(project, "node_modules/htmx.org/dist/htmx.js")  # no request yet
    [message] = htmx_warnings(caplog)
    assert "SERVER_ACTIONS_HTMX_SRC" in message
    assert str(project.parent / "node_modules/htmx.org/dist/htmx.js") in message
    assert str(project / "node_modules/htmx.org/dist/htmx.js") in message
    assert "npm install htmx.org" in message


@pytest.mark.parametrize("source", [None, "/static/htmx.js", "https://cdn.example/htmx.js"])
def test_a_url_or_no_source_is_not_checked_at_startup(
        project: Path, caplog: pytest.LogCaptureFixture, source: str | None) -> None:
    with caplog.at_level(logging.INFO):
        package_app(project, source)  # type: ignore[arg-type]
    assert htmx_warnings(caplog) == []


def test_an_absolute_path_that_names_no_file_is_reported_at_startup(
        project: Path, caplog: pytest.LogCaptureFixture) -> None:
    missing = project.parent / "vendor" / "htmx.js"
    with caplog.at_level(logging.INFO):
        package_app(project, missing)  # type: ignore[arg-type]
    [message] = htmx_warnings(caplog)
    assert f"SERVER_ACTIONS_HTMX_SRC names {str(missing)!r}: it is not a file" in message
