"""Routing an action post as a request of the page that minted its token.

A form posts its action back to the page's own URL, usually served by a view
that only allows ``GET``. The app's URL adapter gets a matcher that tells an
action post from any other post (a JSON call by its header, a form by its
token field) and matches it against the page's ``GET`` rule. Flask then
handles it as a request of that page: ``request.endpoint``,
``request.blueprint``, ``request.view_args`` and ``request.url_rule`` are
the page's, and every URL value preprocessor and ``before_request`` hook of
the app and of the page's blueprints runs once, in Flask's own order. The
view's decorators then run around the action instead of the view's body
(see :mod:`.view_guards`).

A form may also come as a JSON object of its fields (Laravel Precognition's
clients send ``{"__action": ..., "title": ...}`` as ``application/json``):
one whose ``__action`` is text is an action post, read as the urlencoded
form a browser would send (see :func:`_json_form`), within
``SERVER_ACTIONS_MAX_CALL_SIZE``.

Only posts to a URL that has a ``GET`` rule are looked at, and only bodies
that name the action field are parsed. The body is copied (in memory, or in
a temporary file when large) and the copy becomes the request's input, so
any other post (a webhook verifying a signature over its raw body) reaches
its view as it came, with its own size limits: ``request.stream.read()``,
``request.get_data()`` and ``request.form`` each see the whole body.
"""

from __future__ import annotations

import functools
import io
import json
import tempfile
import typing as t
from urllib.parse import parse_qsl

from flask import current_app
from flask import request
from flask.globals import _cv_app
from flask.wrappers import Request as FlaskRequest
from werkzeug.datastructures import ImmutableMultiDict
from werkzeug.exceptions import ClientDisconnected
from werkzeug.exceptions import HTTPException
from werkzeug.exceptions import RequestEntityTooLarge
from werkzeug.formparser import FormDataParser
from werkzeug.sansio.utils import get_content_length
from werkzeug.wsgi import get_input_stream

from .. import logs
from ..errors import CallTooLarge
from ..errors import FormTooLarge
from ..errors import MalformedActionPost
from ..errors import NestedFormValue
from . import calls

if t.TYPE_CHECKING:
    from flask import Flask
    from flask import Request
    from werkzeug.routing import MapAdapter

#: The hidden field that carries a form's action token.
FIELD = "__action"
#: The name a ``<button>`` gives its own action token (React's ``formAction``).
BUTTON_FIELD = "__action_button"
#: The WSGI environ key set on a request recognised as an action post.
ENVIRON_KEY = "flask_server_actions.action_post"
_FIELD_BYTES = FIELD.encode()
_CALL_KEY = "HTTP_" + calls.HEADER.upper().replace("-", "_")
_FORM_TYPES = ("application/x-www-form-urlencoded", "multipart/form-data", "application/json")
#: How much of a posted body is kept in memory while it is looked at; the
#: rest goes to a temporary file (werkzeug's own threshold for a file).
_SPOOL_SIZE = 500 * 1024
_CHUNK_SIZE = 64 * 1024


def install(app: Flask) -> None:
    """Give ``app``'s URL adapters the matcher that routes action posts."""
    create = app.create_url_adapter

    def create_url_adapter(req: Request | None) -> MapAdapter | None:
        adapter = create(req)
        if adapter is not None and req is not None and _may_submit(req.environ):
            adapter.match = functools.partial(  # type: ignore[method-assign]
                _match, adapter.match, req)
        return adapter

    app.create_url_adapter = create_url_adapter  # type: ignore[method-assign,assignment]


def is_action_post() -> bool:
    """Whether the current request was routed as an action post."""
    return ENVIRON_KEY in request.environ


def _may_submit(environ: t.Mapping[str, t.Any]) -> bool:
    # Read from the environ: this runs for every request the app gets.
    if environ.get("REQUEST_METHOD") != "POST":
        return False
    if _CALL_KEY in environ:
        return True
    return _mimetype(environ) in _FORM_TYPES


def _mimetype(environ: t.Mapping[str, t.Any]) -> str:
    """``request.mimetype``, from the environ: werkzeug's is the same text
    before any ``;``, stripped, in lower case."""
    return str(environ.get("CONTENT_TYPE", "")).partition(";")[0].strip().lower()


def _match(match: t.Callable[..., t.Any], req: Request, path_info: str | None = None,
           method: str | None = None, return_rule: bool = False,
           query_args: t.Any = None, websocket: bool | None = None) -> t.Any:
    if path_info is not None or method is not None:  # not Flask's own routing
        return match(path_info, method, return_rule, query_args, websocket)
    try:
        rule, view_args = match(method="GET", return_rule=True, query_args=query_args,
                                websocket=websocket)
    except HTTPException:  # not a page: the post belongs to its own view
        return match(return_rule=return_rule, query_args=query_args, websocket=websocket)
    if not _submits_action(req):
        return match(return_rule=return_rule, query_args=query_args, websocket=websocket)
    req.environ[ENVIRON_KEY] = True
    return (rule, view_args) if return_rule else (rule.endpoint, view_args)


def _submits_action(req: Request) -> bool:
    """Whether the posted body of ``req``, a POST, carries an action token.

    The body is copied into a file the request reads again (see
    :func:`_spool_body`), so a post that is not an action post reaches its
    view as it came: ``request.stream``, ``request.get_data()`` and
    ``request.form`` all see the whole body.

    :raises FormTooLarge: the body is over one of Flask's size limits.
    :raises MalformedActionPost: a multipart body that names the action field
        could not be parsed (werkzeug would silently give an empty form).
    """
    if _CALL_KEY in req.environ:  # a JSON call
        return True
    try:
        body = _spool_body(req)
    except RequestEntityTooLarge as error:
        raise _too_large(req) from error
    if body is None:  # nothing names the action field
        return False
    mimetype = _mimetype(req.environ)
    if mimetype == "application/json":
        return _json_form(req, body)
    if isinstance(body, io.BytesIO):
        # Parsed from the bytes read (werkzeug's own way for data it holds),
        # not through a second stream over them.
        data = req._cached_data = body.getvalue()
        if mimetype == "application/x-www-form-urlencoded":
            calls.refuse_fields(req.path, 1 + data.count(b"&"))
            _parse_urlencoded(req, data)
    elif mimetype == "application/x-www-form-urlencoded":
        _count_fields(req, body)
    try:
        form = req.form
        files = req.files
    except RequestEntityTooLarge as error:
        raise _too_large(req) from error
    if FIELD in form or BUTTON_FIELD in form:
        return True
    if not form and not files and mimetype == "multipart/form-data":
        raise MalformedActionPost()
    # The field's name was in a value or a file: give the view the body again,
    # parsed (or not) as it chooses, under its own limits.
    type(req).close(req)  # the files werkzeug parsed, not the body
    for parsed in ("stream", "form", "files", "_cached_data"):
        req.__dict__.pop(parsed, None)
    body.seek(0)
    return False


def _parse_urlencoded(req: Request, data: bytes) -> None:
    """Parse the urlencoded body ``data`` of ``req`` into its ``form``, as
    werkzeug's parser does, without making the parser and its stream: a
    third of the time. A request class that parses in its own way, and an
    app in debug mode (Flask's helper for a ``files`` key that is not
    there), are left to ``req.form``."""
    if not _parses_as_flask(type(req)) or _cv_app.get().app.debug:
        return
    try:
        items = parse_qsl(data.decode(), keep_blank_values=True, errors="werkzeug.url_quote")
    except ValueError:  # not UTF-8: werkzeug's parser is silent, and gives nothing
        items = []
    storage = req.parameter_storage_class
    fields = req.__dict__
    # What werkzeug's parser leaves: its stream read to the end, the fields.
    fields["stream"], fields["form"], fields["files"] = io.BytesIO(), storage(items), storage()


def _parses_as_flask(cls: type[Request]) -> bool:
    """Whether the request class ``cls`` parses a form as Flask's own does."""
    same = _PARSES_AS_FLASK.get(cls)
    if same is None:
        same = _PARSES_AS_FLASK[cls] = (
            cls._load_form_data is FlaskRequest._load_form_data
            and cls.make_form_data_parser is FlaskRequest.make_form_data_parser
            and cls._get_stream_for_parsing is FlaskRequest._get_stream_for_parsing
            and cls.form_data_parser_class is FormDataParser)
    return same


_PARSES_AS_FLASK: dict[type, bool] = {}


def _json_form(req: Request, body: t.IO[bytes]) -> bool:
    """Read a JSON object whose ``__action`` is text as the form's fields,
    as a browser would send them: text; a list for a field of several
    values; numbers as written; ``true`` as ``"y"`` (a checked box);
    ``false`` and ``null`` left out (an unchecked box, no file). Anything
    else in the body leaves it to the view, as it came.

    :raises CallTooLarge: the body is over ``SERVER_ACTIONS_MAX_CALL_SIZE``.
    :raises FormTooLarge: it has more fields than ``SERVER_ACTIONS_MAX_FORM_FIELDS``.
    :raises NestedFormValue: a field's value is an object or a list of lists
        or objects.
    """
    config = current_app.config
    limit: int | None = config["SERVER_ACTIONS_MAX_CALL_SIZE"]
    data = body.read() if limit is None else body.read(limit + 1)
    body.seek(0)
    if limit is not None and len(data) > limit:
        logs.info("Refused a JSON form post to %r over SERVER_ACTIONS_MAX_CALL_SIZE", req.path)
        raise CallTooLarge(limit)
    try:
        sent = json.loads(data)
    except (ValueError, RecursionError):  # not JSON (or absurdly deep): not an action post
        return False
    if not isinstance(sent, dict):
        return False
    if not isinstance(sent.get(FIELD), str):
        return False
    calls.refuse_fields(req.path, len(sent), "JSON form post")
    fields: list[tuple[str, str]] = []
    for name, value in sent.items():
        for item in value if isinstance(value, list) else [value]:
            if isinstance(item, (dict, list)):
                raise NestedFormValue()
            if item is True:
                fields.append((name, "y"))
            elif item is not None and item is not False:
                fields.append((name, item if isinstance(item, str) else json.dumps(item)))
    # What werkzeug would have parsed from the urlencoded form.
    req.__dict__["form"] = ImmutableMultiDict(fields)
    req.__dict__["files"] = ImmutableMultiDict()
    return True


def _spool_body(req: Request) -> t.IO[bytes] | None:
    """Copy the body into a file that becomes the request's input, so that it
    can be read again; return it if the action field's name is in it.

    The copy is read within ``MAX_CONTENT_LENGTH``, as werkzeug reads a
    body, and kept in memory up to :data:`_SPOOL_SIZE`, on disk beyond.

    :raises RequestEntityTooLarge: the body is over ``MAX_CONTENT_LENGTH``.
    """
    environ = req.environ
    # request.content_length from the environ: no headers object made.
    length = req.__dict__["content_length"] = get_content_length(
        environ.get("CONTENT_LENGTH"), environ.get("HTTP_TRANSFER_ENCODING"))
    if length is None and "wsgi.input_terminated" not in environ:
        return None  # werkzeug reads no body without a length: neither do we
    limit = _max_content_length(req)
    if length is not None and length <= _SPOOL_SIZE:
        # The usual form post: its length read into memory at once, as
        # werkzeug's stream would (413 over the limit; 400 if it is cut short).
        if limit is not None and length > limit:
            raise RequestEntityTooLarge()
        data = _read(environ["wsgi.input"], length)
        environ["wsgi.input"] = memory = io.BytesIO(data)
        return memory if _FIELD_BYTES in data else None
    stream = get_input_stream(environ, max_content_length=limit)
    # Closed with the request (the view reads it): see _close_with_request.
    body = tempfile.SpooledTemporaryFile(max_size=_SPOOL_SIZE)  # noqa: SIM115
    environ["wsgi.input"] = body
    _close_with_request(req, body)
    found = False
    tail = b""
    while chunk := stream.read(_CHUNK_SIZE):
        body.write(chunk)
        # The name may straddle two chunks: look at the end of the last one too.
        found = found or _FIELD_BYTES in tail + chunk
        tail = chunk[-len(_FIELD_BYTES) + 1:]
    body.seek(0)
    return body if found else None


def _max_content_length(req: Request) -> int | None:
    """``req.max_content_length``, as Flask's own property finds it, without
    the ``current_app`` proxy (a request class may find it its own way)."""
    if type(req).max_content_length is not FlaskRequest.max_content_length:
        return req.max_content_length
    own: int | None = req._max_content_length
    if own is not None:
        return own
    limit: int | None = _cv_app.get().app.config["MAX_CONTENT_LENGTH"]
    return limit


def _read(stream: t.IO[bytes], length: int) -> bytes:
    """``length`` bytes of ``stream``.

    :raises ClientDisconnected: it ended before, or cannot be read (closed,
        or the connection failed), as for werkzeug's own stream.
    """
    try:
        data = stream.read(length)
        while len(data) < length:
            more = stream.read(length - len(data))
            if not more:
                raise ClientDisconnected()
            data += more
    except (OSError, ValueError) as error:
        raise ClientDisconnected() from error
    return data


def _count_fields(req: Request, body: t.IO[bytes]) -> None:
    """Refuse an urlencoded body of more fields than
    ``SERVER_ACTIONS_MAX_FORM_FIELDS``, before werkzeug parses it (it limits
    the parts of a multipart body, ``MAX_FORM_PARTS``, not these).

    :raises FormTooLarge: it has more fields.
    """
    fields = 1
    while chunk := body.read(_CHUNK_SIZE):
        fields += chunk.count(b"&")
    body.seek(0)
    calls.refuse_fields(req.path, fields)


def _close_with_request(req: Request, body: t.IO[bytes]) -> None:
    """Close ``body`` when Flask closes ``req``, after the teardown functions,
    as it closes the files werkzeug parsed. Only a body copied to a file
    needs it: no hook runs for every other request."""
    close = req.close

    def close_both() -> None:
        try:
            close()
        finally:
            body.close()

    req.close = close_both  # type: ignore[method-assign]


def _too_large(req: Request) -> FormTooLarge:
    limit = req.max_content_length
    if limit is not None and (req.content_length is None or req.content_length > limit):
        name = "MAX_CONTENT_LENGTH"
    else:  # werkzeug applies the other two limits to multipart bodies only
        name = "MAX_FORM_MEMORY_SIZE or MAX_FORM_PARTS"
    logs.info("Refused a form post to %r over %s", req.path, name)
    return FormTooLarge(name)
