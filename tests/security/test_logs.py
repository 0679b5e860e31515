"""Refusals are logged on one line each, escaped, where the app's logs go."""

from __future__ import annotations

import logging

import pytest
from flask import Flask
from flask.testing import FlaskClient

from .forge import post
from .forge import token_of

FORGED_PATHS = [
    pytest.param("/capture/x%0A2026-01-01 INFO admin logged in", id="LF"),
    pytest.param("/capture/x%0D%0Aforged", id="CRLF"),
    pytest.param("/capture/x%1B[2Jforged", id="terminal escape"),
    pytest.param("/capture/x%E2%80%A8forged", id="line separator"),
]


def refusals(records: list[logging.LogRecord]) -> list[logging.LogRecord]:
    return [record for record in records if record.name == "flask_server_actions"]


@pytest.mark.parametrize("path", FORGED_PATHS)
def test_request_text_cannot_forge_a_log_line(client: FlaskClient, path: str,
                                              caplog: pytest.LogCaptureFixture) -> None:
    token_of(client)
    with caplog.at_level(logging.INFO, "flask_server_actions"):
        assert post(client, "garbage", url=path).status_code == 400
    [record] = refusals(caplog.records)
    message = record.getMessage()
    assert "forged" in message or "admin" in message
    assert message.isprintable(), message


def test_a_backslash_is_escaped_so_escapes_cannot_be_faked(
        client: FlaskClient, caplog: pytest.LogCaptureFixture) -> None:
    token_of(client)
    with caplog.at_level(logging.INFO, "flask_server_actions"):
        post(client, "garbage", url="/capture/x%5Cx0a%0A")
    [record] = refusals(caplog.records)
    message = record.getMessage()
    # The sent backslash is doubled; only the real line feed reads as one escape.
    assert "x\\\\x0a" in message and "\n" not in message


def test_a_forged_token_is_a_warning_a_stale_form_is_info(
        client: FlaskClient, caplog: pytest.LogCaptureFixture) -> None:
    token = token_of(client)
    with caplog.at_level(logging.INFO, "flask_server_actions"):
        post(client, "garbage")
        post(client.application.test_client(), token)  # another session: stale
    assert [record.levelno for record in refusals(caplog.records)] == [
        logging.WARNING, logging.INFO]


def test_a_token_of_another_request_logs_this_request_and_the_action(
        client: FlaskClient, caplog: pytest.LogCaptureFixture) -> None:
    token = token_of(client)
    with caplog.at_level(logging.INFO, "flask_server_actions"):
        response = post(client, token, url="/capture/other?q=1")
    assert response.status_code == 400
    [record] = refusals(caplog.records)
    message = record.getMessage()
    # The token keeps only a digest of the request that minted it: the log
    # names this request (host, path, query, view) and the action to compare.
    assert "'localhost/capture/other?q=1 (view capture)'" in message
    assert "of the action 'save'" in message and "minted by another request" in message
    assert "/capture/other" not in response.get_data(as_text=True)


class Collect(logging.Handler):
    def __init__(self) -> None:
        super().__init__()
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)


def unconfigure(monkeypatch: pytest.MonkeyPatch) -> None:
    """Logging as a gunicorn worker has it: no handler on the root logger.
    (Called in the test itself: pytest adds its own handlers after fixtures.)"""
    monkeypatch.setattr(logging.getLogger(), "handlers", [])


@pytest.fixture
def app_handler(app: Flask, monkeypatch: pytest.MonkeyPatch) -> Collect:
    """gunicorn's handlers, handed to ``app.logger`` as apps usually do."""
    handler = Collect()
    monkeypatch.setattr(app.logger, "handlers", [handler])
    return handler


def test_refusals_reach_the_apps_logger_when_logging_is_not_configured(
        app: Flask, client: FlaskClient, app_handler: Collect,
        monkeypatch: pytest.MonkeyPatch) -> None:
    unconfigure(monkeypatch)
    app.logger.setLevel(logging.INFO)
    token = token_of(client)
    post(client, "garbage", url="/capture/x%0Aforged")
    post(app.test_client(), token)
    assert [(record.name, record.levelno) for record in app_handler.records] == [
        ("flask_server_actions", logging.WARNING), ("flask_server_actions", logging.INFO)]
    assert "\n" not in app_handler.records[0].getMessage()


def test_the_apps_level_applies_unless_the_librarys_is_set(
        app: Flask, client: FlaskClient, app_handler: Collect,
        monkeypatch: pytest.MonkeyPatch) -> None:
    unconfigure(monkeypatch)
    app.logger.setLevel(logging.WARNING)
    token = token_of(client)
    post(app.test_client(), token)  # stale: INFO, below the app's level
    assert app_handler.records == []
    monkeypatch.setattr(logging.getLogger("flask_server_actions"), "level", logging.INFO)
    post(app.test_client(), token)
    assert [record.levelno for record in app_handler.records] == [logging.INFO]
