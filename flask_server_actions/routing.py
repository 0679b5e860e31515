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

Only posts to a URL that has a ``GET`` rule are looked at, and only bodies
that name the action field are parsed: any other post (a webhook verifying a
signature over its raw body) reaches its view as it came, with its own size
limits. Small bodies are read with ``get_data(cache=True)``, so
``request.get_data()`` still returns them; a multipart body over 64 KiB
posted to a page that also has a ``POST`` view is parsed to find out.
"""

from __future__ import annotations

import functools
import typing as t

from flask import request
from werkzeug.exceptions import HTTPException
from werkzeug.exceptions import RequestEntityTooLarge

from . import calls
from . import logs
from .errors import FormTooLarge
from .errors import MalformedActionPost

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
_FORM_TYPES = ("application/x-www-form-urlencoded", "multipart/form-data")
#: Multipart bodies up to this size are read whole before parsing, so that a
#: body werkzeug cannot parse can still be recognised as an action post.
_PEEK_SIZE = 64 * 1024


def install(app: Flask) -> None:
    """Give ``app``'s URL adapters the matcher that routes action posts."""
    create = app.create_url_adapter

    def create_url_adapter(req: Request | None) -> MapAdapter | None:
        adapter = create(req)
        if adapter is not None and req is not None and _may_submit(req.environ):
            adapter.match = functools.partial(_match, adapter.match)  # type: ignore[method-assign]
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
    content_type = str(environ.get("CONTENT_TYPE", "")).partition(";")[0].strip().lower()
    return content_type in _FORM_TYPES


def _match(match: t.Callable[..., t.Any], path_info: str | None = None,
           method: str | None = None, return_rule: bool = False,
           query_args: t.Any = None, websocket: bool | None = None) -> t.Any:
    if path_info is not None or method is not None:  # not Flask's own routing
        return match(path_info, method, return_rule, query_args, websocket)
    try:
        rule, view_args = match(method="GET", return_rule=True, query_args=query_args,
                                websocket=websocket)
    except HTTPException:  # not a page: the post belongs to its own view
        return match(return_rule=return_rule, query_args=query_args, websocket=websocket)
    if not _submits_action():
        return match(return_rule=return_rule, query_args=query_args, websocket=websocket)
    request.environ[ENVIRON_KEY] = True
    return (rule, view_args) if return_rule else (rule.endpoint, view_args)


def _submits_action() -> bool:
    """Whether the posted body carries an action token.

    :raises FormTooLarge: the body is over one of Flask's size limits.
    :raises MalformedActionPost: a multipart body that names the action field
        could not be parsed (werkzeug would silently give an empty form).
    """
    req: Request = request._get_current_object()  # type: ignore[attr-defined]
    if calls.is_json_call():
        return True
    length = req.content_length
    body: bytes | None = None
    if req.mimetype != "multipart/form-data" or (length is not None and length <= _PEEK_SIZE):
        try:
            body = req.get_data(cache=True)
        except RequestEntityTooLarge as error:
            raise _too_large(req) from error
        if _FIELD_BYTES not in body:
            return False
    try:
        form = req.form
        files = req.files
    except RequestEntityTooLarge as error:
        raise _too_large(req) from error
    if FIELD in form or BUTTON_FIELD in form:
        return True
    if body is not None and not form and not files and req.mimetype == "multipart/form-data":
        raise MalformedActionPost()
    return False


def _too_large(req: Request) -> FormTooLarge:
    limit = req.max_content_length
    if limit is not None and (req.content_length is None or req.content_length > limit):
        name = "MAX_CONTENT_LENGTH"
    else:  # werkzeug applies the other two limits to multipart bodies only
        name = "MAX_FORM_MEMORY_SIZE or MAX_FORM_PARTS"
    logs.info("Refused a form post to %r over %s", req.path, name)
    return FormTooLarge(name)
