"""Signals sent for every action post, Flask's way (blinker).

Each is sent by the app (connect with ``sender=app`` to hear one app only)
with the action's ``name`` (``update_post``) and ``ref``
(``module:qualname``), never its captured values or arguments:

``action_started``
    the token opened and every check passed; the action is about to run
    (its form is validated first, if it takes one).
``action_finished``
    the action returned; ``duration`` is the seconds since it started.
``action_failed``
    the action raised :class:`~flask_server_actions.ActionError` (``error``)
    or its form did not validate (``error`` is ``None``); ``duration`` as
    above.
``action_refused``
    the post did not run: a token that could not be read (``name`` and
    ``ref`` are empty), was stale or named an action that no longer exists,
    or a check (``before_action``, ``require=``, one-time use) refused it;
    ``reason`` says why.

For example, to meter actions::

    from flask_server_actions.signals import action_finished

    @action_finished.connect_via(app)
    def record(sender, name, ref, duration):
        metrics.timing(f"action.{name}", duration)

Where OpenTelemetry's Flask instrumentation is installed, the request's span
gets the attributes ``server_action.name`` and ``server_action.ref`` and is
renamed to ``"POST /posts/<int:post_id> update_post"``, so a trace says which
action a post ran.

.. versionadded:: 0.2.0
"""

from __future__ import annotations

import time
import typing as t

from blinker import Namespace
from flask import request

if t.TYPE_CHECKING:
    from flask import Flask

    from .errors import ActionError

try:
    from opentelemetry import trace
except ImportError:  # pragma: no cover - OpenTelemetry is optional
    trace = None  # type: ignore[assignment]

_signals = Namespace()

#: The action is about to run.
action_started = _signals.signal("action-started")
#: The action returned.
action_finished = _signals.signal("action-finished")
#: The action raised ``ActionError`` or its form did not validate.
action_failed = _signals.signal("action-failed")
#: The action post was refused before the action ran.
action_refused = _signals.signal("action-refused")


def _name(ref: str) -> str:
    return ref.partition(":")[2].rpartition(".")[2]


def _trace(ref: str) -> None:
    if trace is None:  # pragma: no cover - OpenTelemetry is optional
        return
    span = trace.get_current_span()
    if not span.is_recording():
        return
    name = _name(ref)
    span.set_attribute("server_action.name", name)
    span.set_attribute("server_action.ref", ref)
    # The route, not the path: span names must not grow with every id.
    assert request.url_rule is not None  # an action post is routed to its page
    span.update_name(f"{request.method} {request.url_rule.rule} {name}")


def started(app: Flask, ref: str) -> float:
    """Send ``action_started``; the start time for :func:`finished` and
    :func:`failed`."""
    _trace(ref)
    if action_started.receivers:
        action_started.send(app, name=_name(ref), ref=ref)
    return time.perf_counter()


def finished(app: Flask, ref: str, start: float) -> None:
    """Send ``action_finished``."""
    if action_finished.receivers:
        action_finished.send(app, name=_name(ref), ref=ref,
                             duration=time.perf_counter() - start)


def failed(app: Flask, ref: str, start: float, error: ActionError | None) -> None:
    """Send ``action_failed``."""
    if action_failed.receivers:
        action_failed.send(app, name=_name(ref), ref=ref, error=error,
                           duration=time.perf_counter() - start)


def refused(app: Flask, ref: str, reason: str) -> None:
    """Send ``action_refused``."""
    if ref:
        _trace(ref)
    if action_refused.receivers:
        action_refused.send(app, name=_name(ref), ref=ref, reason=reason)
