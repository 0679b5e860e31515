"""``htmx``: one attribute per htmx request header, for htmx 2 and htmx 4."""

from __future__ import annotations

import pytest
from flask import Flask

from flask_server_actions import htmx


@pytest.mark.parametrize(("headers", "expected"), [
    ({}, False),
    ({"HX-Request": "true"}, True),
    ({"HX-Request": "false"}, False),
])
def test_htmx_is_truthy_only_for_htmx_requests(app: Flask, headers: dict[str, str],
                                               expected: bool) -> None:
    with app.test_request_context(headers=headers):
        assert bool(htmx) is expected


@pytest.mark.parametrize(("header", "value", "attribute", "expected"), [
    ("HX-Boosted", "true", "boosted", True),
    ("HX-Current-URL", "http://localhost/posts/1", "current_url", "http://localhost/posts/1"),
    ("HX-History-Restore-Request", "true", "history_restore_request", True),
    ("HX-Prompt", "yes", "prompt", "yes"),
    ("HX-Request-Type", "partial", "request_type", "partial"),
    ("HX-Source", "form#edit", "source", "form#edit"),
    ("HX-Target", "article#post", "target", "article#post"),
    ("HX-Trigger", "edit", "trigger", "edit"),
    ("HX-Trigger-Name", "title", "trigger_name", "title"),
])
def test_each_attribute_reads_its_header(app: Flask, header: str, value: str, attribute: str,
                                         expected: object) -> None:
    with app.test_request_context(headers={"HX-Request": "true", header: value}):
        assert getattr(htmx, attribute) == expected
    with app.test_request_context(headers={"HX-Request": "true"}):
        assert getattr(htmx, attribute) in (None, False)


def test_uri_auto_encoded_values_are_decoded(app: Flask) -> None:
    headers = {"HX-Request": "true", "HX-Prompt": "caf%C3%A9",
               "HX-Prompt-URI-AutoEncoded": "true"}
    with app.test_request_context(headers=headers):
        assert htmx.prompt == "café"


def test_repr_says_whether_the_request_is_htmx(app: Flask) -> None:
    assert repr(htmx) == "<htmx request=None>"
    with app.test_request_context(headers={"HX-Request": "true"}):
        assert repr(htmx) == "<htmx request=True>"


def test_templates_see_htmx(app: Flask) -> None:
    with app.test_request_context(headers={"HX-Request": "true", "HX-Target": "post"}):
        rendered = app.jinja_env.from_string("{% if htmx %}{{ htmx.target }}{% endif %}").render()
    assert rendered == "post"
