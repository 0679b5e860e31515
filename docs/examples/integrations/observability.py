"""Metering actions with the signals; tracing them (docs/integrations.rst)."""

from __future__ import annotations

import typing as t
from collections import Counter

from flask import Flask
from opentelemetry.instrumentation.flask import FlaskInstrumentor

from flask_server_actions.signals import action_failed
from flask_server_actions.signals import action_finished
from flask_server_actions.signals import action_refused

#: Counts by (outcome, action name).
COUNTS: Counter[tuple[str, str]] = Counter()
#: Seconds spent in each action.
SECONDS: Counter[str] = Counter()


def meter(app: Flask) -> None:
    @action_finished.connect_via(app)
    def finished(sender: Flask, name: str, ref: str, duration: float) -> None:
        COUNTS["finished", name] += 1
        SECONDS[name] += duration

    @action_failed.connect_via(app)
    def failed(sender: Flask, name: str, ref: str, duration: float, error: t.Any) -> None:
        COUNTS["failed", name] += 1

    @action_refused.connect_via(app)
    def refused(sender: Flask, name: str, ref: str, reason: str) -> None:
        COUNTS["refused", name or "?"] += 1

    app.extensions["meter"] = (finished, failed, refused)  # keep the receivers alive


def trace(app: Flask, **options: t.Any) -> None:
    # The request's span is then named "POST /tasks toggle".
    FlaskInstrumentor().instrument_app(app, **options)
