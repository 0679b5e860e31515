"""The samples of docs/integrations.rst run as documented."""

from __future__ import annotations

import typing as t
from pathlib import Path

import pytest
from flask import Flask
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.trace.export import SimpleSpanProcessor
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter

from docs.examples.integrations import observability
from docs.examples.integrations import rollback
from docs.examples.integrations.app import create_app
from flask_server_actions import ActionCall
from flask_server_actions.integrations.login import require_login
from flask_server_actions.testing import ActionClient

from ..databases import close_databases


@pytest.fixture
def app() -> t.Iterator[Flask]:
    app = create_app()
    yield app
    close_databases(app)


def test_require_login_redirects_a_stranger_like_login_required(app: Flask) -> None:
    with app.test_request_context("/tasks"):
        answer = require_login(ActionCall("m:sign_out", "sign_out"))
    assert answer is not None
    assert answer.status_code == 302 and "/?next=" in answer.location  # type: ignore[union-attr]


def test_signals_meter_every_outcome(app: Flask, actions: ActionClient) -> None:
    observability.meter(app)
    page = actions.get("/").form("sign-in").submit(name="ann", password="secret")
    page.form("add").submit(title=" ")
    assert observability.COUNTS["finished", "sign_in"] == 1
    assert observability.COUNTS["failed", "add"] == 1
    assert observability.SECONDS["sign_in"] > 0
    app.test_client().post("/", data={"__action": "x"}, headers={"Origin": "http://localhost"})
    assert observability.COUNTS["refused", "?"] == 1


def test_the_trace_names_the_action(app: Flask, actions: ActionClient) -> None:
    exporter = InMemorySpanExporter()
    provider = TracerProvider()
    provider.add_span_processor(SimpleSpanProcessor(exporter))
    observability.trace(app, tracer_provider=provider)
    page = actions.get("/").form("sign-in").submit(name="ann", password="secret")
    page.form("add").submit(title="Plant")
    names = [span.name for span in exporter.get_finished_spans()]
    assert "POST / sign_in" in names and "POST /tasks add" in names


def test_another_database_rolls_back_before_the_page_is_shown_again(tmp_path: Path) -> None:
    rollback.app.config["DATABASE"] = str(tmp_path / "visits.sqlite")
    page = ActionClient(rollback.app).get("/").form().submit()
    assert page.status_code == 422 and page.notices == ["Visits are closed."]
    assert "<p id=visits>0</p>" in page


def test_the_listing_shown_is_the_real_one(app: Flask) -> None:
    page = (Path(__file__).parents[2] / "docs" / "integrations.rst").read_text()
    shown = page.split("actions list\n", 1)[1].strip().splitlines()
    output = app.test_cli_runner().invoke(args=["actions", "list"]).output.splitlines()
    # Column widths depend on every action imported: compare the cells.
    rows = [line.split() for line in shown]
    assert rows[0] == output[0].split() == ["Action", "Kind", "Where", "Options", "Guards"]
    assert len(rows[2:]) == 4
    assert all(row in [line.split() for line in output] for row in rows[2:])
