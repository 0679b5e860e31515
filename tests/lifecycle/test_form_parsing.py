"""An action post's urlencoded form is parsed by the library from the bytes
it read (``post/routing.py``), without werkzeug's parser objects, and gives
what werkzeug's parser gives for any body: the same fields in the same
order, the request class's own storage, nothing left in the stream. A
request class that parses in its own way, and an app in debug mode, get
werkzeug's parser itself."""

from __future__ import annotations

import io
import json
import logging
import typing as t
from urllib.parse import quote

import pytest
from flask import Flask
from flask import render_template_string
from flask import request
from flask.debughelpers import DebugFilesKeyError
from flask.wrappers import Request
from hypothesis import given
from hypothesis import strategies as st
from werkzeug.datastructures import ImmutableMultiDict
from werkzeug.datastructures import MultiDict
from werkzeug.exceptions import BadRequestKeyError
from werkzeug.formparser import FormDataParser
from werkzeug.test import EnvironBuilder

from flask_server_actions import ServerActions
from flask_server_actions.post import routing

from ..html import ORIGIN
from ..html import Page

URLENCODED = "application/x-www-form-urlencoded"
JSON = "application/json"
#: What the action saw: its form's fields, request.form's and request.files'
#: types, and the error asking for a field as a file raises.
SEEN: list[tuple[list[tuple[str, str]], type, type, type]] = []


def create_app(request_class: type[Request] = Request, debug: bool = False) -> Flask:
    app = Flask(__name__)
    app.config.update(SECRET_KEY="parsing secret", DEBUG=debug)
    app.request_class = request_class
    ServerActions(app)

    @app.get("/")
    def page() -> str:
        def save(form: MultiDict[str, str]) -> None:
            "use server"
            try:
                request.files["title"]  # a field sent, but not as a file
            except KeyError as error:
                SEEN.append((list(form.items(multi=True)), type(request.form), type(request.files),
                             type(error)))

        return render_template_string(
            '<form method="post">{{ action(save) }}<button>Save</button></form>', save=save)

    return app


def post_raw(app: Flask, body: bytes) -> list[tuple[str, str]]:
    """Post ``body`` after the page's token, as it is written; the fields
    the action saw, without the token's."""
    client = app.test_client()
    token = Page.get(client, "/").form().token()
    SEEN.clear()
    response = client.post("/", data=b"__action=" + token.encode() + b"&" + body,
                           content_type=URLENCODED, headers={"Origin": ORIGIN})
    assert response.status_code == 303, response.get_data(as_text=True)
    ((fields, *_),) = SEEN
    return [(name, value) for name, value in fields if name != "__action"]


def werkzeug_form(app: Flask, body: bytes) -> list[tuple[str, str]]:
    """What werkzeug's own parser makes of ``body``."""
    environ = EnvironBuilder("/", method="POST", data=body, content_type=URLENCODED).get_environ()
    with app.app_context():
        return list(app.request_class(environ).form.items(multi=True))


@pytest.mark.parametrize(("body", "fields"), [
    ("title=caf%C3%A9+au+lait", [("title", "café au lait")]),
    ("title=100%25&title=again", [("title", "100%"), ("title", "again")]),
    ("title=%zz%4", [("title", "%zz%4")]),  # not escapes: kept as written
    ("title=%FF%FE", [("title", "%FF%FE")]),  # escapes of no UTF-8: kept as written
    ("title&empty=&=nameless", [("title", ""), ("empty", ""), ("", "nameless")]),
    ("title=a;b&&note=x=y", [("title", "a;b"), ("note", "x=y")]),
    ("title=" + quote("ünïcödé 🙂"), [("title", "ünïcödé 🙂")]),
])
def test_an_action_gets_the_fields_werkzeug_would_parse(body: str, fields: list[tuple[str, str]],
                                                        ) -> None:
    app = create_app()
    assert post_raw(app, body.encode()) == fields
    assert werkzeug_form(app, body.encode()) == fields
    ((_, form_type, files_type, missing),) = SEEN
    assert form_type is files_type is ImmutableMultiDict
    assert missing is BadRequestKeyError


def test_a_request_class_with_its_own_storage_gets_it() -> None:
    class Mutable(Request):
        parameter_storage_class = MultiDict  # type: ignore[assignment]

    assert post_raw(create_app(Mutable), b"title=x") == [("title", "x")]
    ((_, form_type, files_type, _),) = SEEN
    assert form_type is files_type is MultiDict


def test_a_request_class_that_parses_its_own_way_is_left_to_it() -> None:
    class Shouting(Request):
        def _load_form_data(self) -> None:
            super()._load_form_data()
            self.__dict__["form"] = ImmutableMultiDict(
                [(name, value.upper() if name == "title" else value)
                 for name, value in self.form.items(multi=True)])

    assert post_raw(create_app(Shouting), b"title=quiet") == [("title", "QUIET")]


def test_an_app_in_debug_mode_keeps_flasks_helper_for_a_missing_file() -> None:
    # Flask's helper says the form was not sent as multipart/form-data.
    assert post_raw(create_app(), b"title=x") == [("title", "x")]
    ((*_, missing),) = SEEN
    assert missing is BadRequestKeyError
    assert post_raw(create_app(debug=True), b"title=x") == [("title", "x")]
    ((*_, missing),) = SEEN
    assert missing is DebugFilesKeyError


@given(st.lists(st.one_of(
    st.sampled_from([b"&", b"=", b"%", b"+", b";", b"%2", b"%41", b"%zz", b"%C3%A9", b"%FF",
                     b"__action"]),
    st.text(max_size=6).map(str.encode),
    st.binary(max_size=4),  # not always UTF-8
), max_size=12))
def test_the_form_is_werkzeugs_for_any_body(pieces: list[bytes]) -> None:
    body = b"".join(pieces)
    app = APP
    environ = EnvironBuilder("/", method="POST", data=body, content_type=URLENCODED).get_environ()
    with app.request_context(environ):
        req = t.cast(Request, request._get_current_object())  # type: ignore[attr-defined]
        routing._parse_urlencoded(req, body)
        ours = (list(req.form.items(multi=True)), type(req.form),
                list(req.files.items(multi=True)), req.stream.read())
    assert ours == (werkzeug_form(app, body), ImmutableMultiDict, [], b"")


APP = create_app()


class Limited(Request):
    """A request class that sets its own limit, as Flask 3.1 allows."""

    def __init__(self, *args: t.Any, **kwargs: t.Any) -> None:
        super().__init__(*args, **kwargs)
        self.max_content_length = 300


class Unlimited(Request):
    """A request class that finds its limit its own way."""

    @property
    def max_content_length(self) -> int | None:  # type: ignore[override]
        return None


@pytest.mark.parametrize(("request_class", "config", "status"), [
    (Request, None, 303),
    (Request, 300, 413),  # MAX_CONTENT_LENGTH
    (Limited, None, 413),  # the request's own
    (Unlimited, 300, 303),  # the class's own way wins over the app's
])
def test_an_action_post_is_read_within_the_requests_own_limit(
        request_class: type[Request], config: int | None, status: int) -> None:
    app = create_app(request_class)
    client = app.test_client()
    token = Page.get(client, "/").form().token()
    app.config["MAX_CONTENT_LENGTH"] = config
    response = client.post("/", data={"__action": token, "title": "x" * 200},
                           headers={"Origin": ORIGIN})
    assert response.status_code == status


@pytest.mark.parametrize(("request_class", "debug", "parser_used"), [
    (Request, False, False),  # Flask's own: the short way
    (Request, True, True),  # debug mode: Flask's helper needs werkzeug's parse
    (Limited, False, False),  # another limit is no other way of parsing
])
def test_werkzeugs_parser_runs_only_where_it_must(
        monkeypatch: pytest.MonkeyPatch, request_class: type[Request], debug: bool,
        parser_used: bool) -> None:
    app = create_app(request_class, debug)
    client = app.test_client()
    token = Page.get(client, "/").form().token()
    parsed: list[str] = []
    parse = FormDataParser.parse

    def noted(self: FormDataParser, *args: t.Any, **kwargs: t.Any) -> t.Any:
        parsed.append(args[1])  # the mimetype
        return parse(self, *args, **kwargs)

    monkeypatch.setattr(FormDataParser, "parse", noted)
    response = client.post("/", data={"__action": token, "title": "x"},
                           headers={"Origin": ORIGIN})
    assert response.status_code == 303
    assert parsed == (["application/x-www-form-urlencoded"] if parser_used else [])


def test_a_json_form_is_read_as_a_browser_sends_its_fields() -> None:
    body = json.dumps({"__action": "token", "title": "Hi", "tags": ["news", "flask"],
                       "draft": True, "hidden": False, "none": None, "pages": 12,
                       "ratio": 1.5, "empty": ""}).encode()
    environ = EnvironBuilder("/", method="POST", data=body, content_type=JSON).get_environ()
    with APP.request_context(environ):
        req = t.cast(Request, request._get_current_object())  # type: ignore[attr-defined]
        assert routing._json_form(req, io.BytesIO(body))
        assert list(req.form.items(multi=True)) == [
            ("__action", "token"), ("title", "Hi"), ("tags", "news"), ("tags", "flask"),
            ("draft", "y"), ("pages", "12"), ("ratio", "1.5"), ("empty", "")]
        assert not req.files


def test_a_json_form_of_the_call_size_itself_is_read(caplog: pytest.LogCaptureFixture) -> None:
    app = create_app()
    client = app.test_client()
    token = Page.get(client, "/").form().token()
    body = json.dumps({"__action": token, "title": "x" * 100})
    app.config["SERVER_ACTIONS_MAX_CALL_SIZE"] = len(body)
    SEEN.clear()
    assert client.post("/", data=body, content_type=JSON,
                       headers={"Origin": ORIGIN}).status_code == 303
    app.config["SERVER_ACTIONS_MAX_CALL_SIZE"] = len(body) - 1
    with caplog.at_level(logging.INFO, "flask_server_actions"):
        response = client.post("/", data=body, content_type=JSON, headers={"Origin": ORIGIN})
    assert response.status_code == 413
    assert f"SERVER_ACTIONS_MAX_CALL_SIZE ({len(body) - 1} bytes)" in response.get_data(
        as_text=True)
    assert len(SEEN) == 1


@pytest.mark.parametrize(("spooled", "what"), [
    (False, "form post"),  # read into memory
    (True, "form post"),  # copied to a file: counted as it is read back
    (None, "JSON form post"),
])
def test_a_form_of_the_field_limit_itself_is_read(
        caplog: pytest.LogCaptureFixture, spooled: bool | None, what: str) -> None:
    app = create_app()
    app.config["SERVER_ACTIONS_MAX_FORM_FIELDS"] = 3
    client = app.test_client()
    token = Page.get(client, "/").form().token()
    pad = "x" * (600 * 1024 if spooled else 10)

    def post(fields: int) -> int:
        values = {"__action": token, "title": pad, **{f"f{n}": "y" for n in range(fields - 2)}}
        if spooled is None:
            return client.post("/", data=json.dumps(values), content_type=JSON,
                               headers={"Origin": ORIGIN}).status_code
        return client.post("/", data=values, headers={"Origin": ORIGIN}).status_code

    assert post(3) == 303
    with caplog.at_level(logging.INFO, "flask_server_actions"):
        assert post(4) == 413
    assert [record.getMessage() for record in caplog.records
            if record.name == "flask_server_actions"] == [
        f"Refused a {what} to '/' of 4 fields, over SERVER_ACTIONS_MAX_FORM_FIELDS"]
