"""Blinker signals for every action post, and the OpenTelemetry span name."""

from __future__ import annotations

import typing as t

import pytest
from flask import Flask
from opentelemetry.instrumentation.flask import FlaskInstrumentor
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.trace.export import SimpleSpanProcessor
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter

from flask_server_actions import signals
from flask_server_actions.testing import ActionClient

from .signals_app import create_app

SIGNALS = ("action_started", "action_finished", "action_failed", "action_refused")


@pytest.fixture
def app() -> Flask:
    return create_app()


@pytest.fixture
def sent(app: Flask) -> t.Iterator[list[tuple[str, dict[str, t.Any]]]]:
    found: list[tuple[str, dict[str, t.Any]]] = []
    receivers = []
    for name in SIGNALS:
        def receive(sender: Flask, signal: str = name, **extra: t.Any) -> None:
            assert sender is app
            found.append((signal, extra))
        receivers.append(receive)
        getattr(signals, name).connect(receive, app)
    yield found
    for name, receive in zip(SIGNALS, receivers, strict=True):
        getattr(signals, name).disconnect(receive, app)


def test_a_successful_action_is_started_then_finished(actions: ActionClient,
                                                      sent: list[t.Any]) -> None:
    actions.get("/posts/7").form("save").submit(title="ok")
    assert [name for name, _ in sent] == ["action_started", "action_finished"]
    started, finished = (extra for _, extra in sent)
    assert started == {"name": "save", "ref": "tests.integrations.signals_app:save"}
    assert finished["name"] == "save" and 0 <= finished["duration"] < 5


def test_an_action_error_is_a_failure(actions: ActionClient, sent: list[t.Any]) -> None:
    actions.get("/posts/7").form("save").submit(title="bad")
    name, failed = sent[-1]
    assert name == "action_failed" and str(failed["error"]) == "Bad title."
    assert failed["duration"] >= 0


def test_an_invalid_form_is_a_failure_without_an_error(actions: ActionClient,
                                                       sent: list[t.Any]) -> None:
    actions.get("/posts/7").form("create").submit(title="")
    assert [name for name, _ in sent] == ["action_started", "action_failed"]
    assert sent[-1][1]["error"] is None


@pytest.mark.parametrize(("form", "reason"), [
    ("forbidden", "403 Forbidden"),
    ("aborted", "403 Forbidden"),
])
def test_a_refusing_check_is_a_refusal(actions: ActionClient, sent: list[t.Any],
                                       form: str, reason: str) -> None:
    actions.get("/posts/7").form(form).submit()
    assert sent == [("action_refused", {"name": form, "ref": f"tests.integrations.signals_app:{form}",
                                        "reason": reason})]


def test_a_resubmitted_one_time_form_is_a_refusal(actions: ActionClient,
                                                  sent: list[t.Any]) -> None:
    form = actions.get("/posts/7").form("create")
    form.submit(title="once")
    form.submit(title="twice")
    name, refused = sent[-1]
    assert name == "action_refused" and refused["name"] == "create"
    assert "used before" in refused["reason"]


def test_a_bad_token_is_a_refusal_without_a_name(app: Flask, sent: list[t.Any]) -> None:
    response = app.test_client().post("/posts/7", data={"__action": "x" * 40},
                                      headers={"Origin": "http://localhost"})
    assert response.status_code == 400
    assert sent == [("action_refused", {"name": "", "ref": "",
                                        "reason": "token of 30 bytes is too short"})]


def test_an_expired_token_is_a_refusal_with_its_action(app: Flask, actions: ActionClient,
                                                       sent: list[t.Any]) -> None:
    form = actions.get("/posts/7").form("save")
    app.config["SERVER_ACTIONS_MAX_AGE"] = -10
    form.submit(title="late")
    assert [(name, extra["name"]) for name, extra in sent] == [("action_refused", "save")]


def test_the_request_span_is_named_after_the_action_never_its_arguments(
        app: Flask, actions: ActionClient) -> None:
    exporter = InMemorySpanExporter()
    provider = TracerProvider()
    provider.add_span_processor(SimpleSpanProcessor(exporter))
    FlaskInstrumentor().instrument_app(app, tracer_provider=provider)
    try:
        actions.get("/posts/7").form("save").submit(title="ok")
    finally:
        FlaskInstrumentor().uninstrument_app(app)
    post, get = exporter.get_finished_spans()[-2:]
    assert post.name == "POST /posts/<int:post_id> save"
    assert post.attributes is not None
    assert post.attributes["server_action.name"] == "save"
    assert post.attributes["server_action.ref"] == "tests.integrations.signals_app:save"
    assert "hunter2" not in repr(dict(post.attributes)) and "hunter2" not in post.name
    assert "server_action.name" not in (get.attributes or {})


def test_a_check_answering_instead_is_a_refusal(app: Flask, actions: ActionClient,
                                                sent: list[t.Any]) -> None:
    app.extensions["server_actions"].before_action(lambda call: "Not today.")
    page = actions.get("/posts/7").form("save").submit(title="ok")
    assert page.html == "Not today."
    assert sent == [("action_refused", {"name": "save", "ref": "tests.integrations.signals_app:save",
                                        "reason": "a check answered instead"})]
