"""Calling an action from client code, with JSON in and JSON out.

A call is a ``POST`` to the page that rendered the token, with the token in
the ``X-Server-Action`` header and a JSON array of arguments as the body
(passed after the bound arguments), or for an action that takes a WTForms
form a JSON object of its fields, validated as a post's. It goes through every check a form post
does (origin, session binding, expiry, the app's and blueprints'
``before_request`` hooks) and answers the action's return value as tagged
JSON (the serializer of captured values), or ``{"error": ..., "field": ...}``
with the status a form would get (422 for a failed or stale call).

The extension serves a small script for this (see :mod:`.client`);
``serverActions.call(button, [args])`` returns a promise of the value.

A call does only what its token was minted for: only a token minted for
calls (:meth:`action.data() <.templating.ActionHelper.data>`) is accepted,
so a form's token cannot feed JSON into a form parameter; sent values never
fill a parameter whose default travels sealed in the token (``row_id=row.id``
in a view); and a body that is not a JSON array (or object, for a WTForms
action), or nested deeper than ``SERVER_ACTIONS_MAX_DEPTH``, is a 400, and
a body over ``SERVER_ACTIONS_MAX_CALL_SIZE`` a 413, both found on the bytes
before any of it is parsed. Every 4xx answer to a call is JSON,
``{"error": message}``.
"""

from __future__ import annotations

import inspect
import itertools
import json
import re
import typing as t

from flask import current_app
from flask import request
from flask.globals import _cv_app
from werkzeug.datastructures import MultiDict
from werkzeug.exceptions import HTTPException
from werkzeug.wrappers import Response as BaseResponse

from .. import logs
from ..errors import BadActionArguments
from ..errors import CallTooLarge
from ..errors import FormTooLarge
from ..errors import ServerActionError
from ..errors import UnserializableValue
from ..token.serialization import NotSerializable
from ..token.serialization import TooDeep

if t.TYPE_CHECKING:
    from ..page.state import ActionState
    from ..token.envelope import ActionToken
    from ..token.serialization import Serializer


#: The request header carrying the token of a JSON call.
HEADER = "X-Server-Action"
# The header's WSGI environ key: ``HEADER in request.headers`` walks every
# environ entry (EnvironHeaders has no index), and this is asked several
# times per request, for every request.
_ENVIRON_KEY = "HTTP_" + HEADER.upper().replace("-", "_")
#: The token option sealed into tokens minted for calls (``action.data``).
OPTION = "call"
_JSON_SPACE = b" \t\r\n"


def is_json_call() -> bool:
    """Whether the current request calls an action from client code."""
    environ = request.environ  # one proxy lookup: this is asked several times a post
    return _ENVIRON_KEY in environ and environ.get("REQUEST_METHOD") == "POST"


def check_token(token: ActionToken) -> None:
    """Refuse a call whose token was minted for a form, not for calls.

    :raises BadActionArguments: ``token`` was not minted by ``action.data()``.
    """
    if not token.options.get(OPTION):
        raise BadActionArguments(
            f"the token of {token.ref} was minted for a form, not for calls; put the"
            " action on the element with action.data() to call it from client code")


def refusal_message(error: HTTPException) -> str | None:
    """What a client reads of a refusal: the message of a 4xx error not
    answered yet (a bad token, another origin, a check saying no), in the
    user's language for the library's own; ``None`` for any other error."""
    if error.response is not None or error.code is None or not 400 <= error.code < 500:
        return None
    if isinstance(error, ServerActionError):
        return error.user_message()
    return error.description or ""


def answer_in_json(error: HTTPException) -> None:
    """Give a call refused with a 4xx error (see :func:`refusal_message`)
    ``{"error": message}`` as JSON, as its other failures get. The caller
    raises the error again, so the app's error handlers still see it."""
    message = refusal_message(error)
    if message is not None:
        assert error.code is not None  # a 4xx
        error.response = BaseResponse(json.dumps({"error": message}),
                                      error.code, mimetype="application/json")


def _body() -> bytes:
    """The call's body, refused over ``SERVER_ACTIONS_MAX_CALL_SIZE`` before
    it is read whole.

    :raises CallTooLarge: the body is over the limit.
    """
    limit: int | None = current_app.config["SERVER_ACTIONS_MAX_CALL_SIZE"]
    length = request.content_length
    if limit is None or (length is not None and length <= limit):
        return request.get_data(cache=True)
    if length is not None:
        raise CallTooLarge(limit)
    # No length (a chunked body): one byte past the limit tells.
    body = request.stream.read(limit + 1)
    if len(body) > limit:
        raise CallTooLarge(limit)
    return body


# A JSON string, matched whole (its brackets and commas are text), written
# so that a byte can be read one way only: a string left open never makes
# the engine try every way to split it (`"(?:[^"\\]+|\\.)*"` did, doubling
# the time with each byte).
_STRING = rb'"[^"\\]*(?:\\.[^"\\]*)*"'
# Strings (found as b"") or brackets; or commas too. findall, not sub or
# join: those hold some hundred bytes per piece, findall a pointer to a
# shared one-byte object.
_BRACKETS = re.compile(_STRING + rb"|([\[\]{}])", re.DOTALL)
_STRUCTURE = re.compile(_STRING + rb"|([\[\]{},])", re.DOTALL)
_STEPS = {b"": 0, b",": 0, b"[": 1, b"{": 1, b"]": -1, b"}": -1}
_TOP_COMMA = frozenset({(b",", 1)})
_EMPTY = re.compile(rb"[ \t\r\n]*[\[{][ \t\r\n]*[\]}]")


def _depths(found: list[bytes]) -> t.Iterator[int]:
    return itertools.accumulate(map(_STEPS.__getitem__, found))


def _nested_deeper_than(body: bytes, limit: int) -> bool:
    # Brackets that pair with none are not JSON, and json.loads stops at the first.
    return max(_depths(_BRACKETS.findall(body)), default=0) > limit


def _top_level_count(body: bytes) -> int:
    """How many elements the array or object ``body`` holds at its top level."""
    if _EMPTY.match(body):
        return 0
    found = _STRUCTURE.findall(body)
    return 1 + sum(map(_TOP_COMMA.__contains__, zip(found, _depths(found), strict=True)))


def _sent(default: object, opening: bytes, shape: str, most: int | None = None,
          too_many: str = "") -> t.Any:
    """The JSON the call sent, or ``default`` for an empty body.

    Its size, its nesting, the kind of value it opens with and how many
    elements it holds are checked on the bytes, so that no Python object is
    built for a body the call could not use.

    :param opening: ``b"["`` or ``b"{"``, what the call takes.
    :param shape: what the call takes, in words, for the error.
    :param most: how many top-level elements the call can use, if bounded.
    :param too_many: the error's text when the body holds more, with
        ``{count}`` for how many it holds.
    """
    if request.mimetype and not request.is_json:
        raise BadActionArguments("a call sends its arguments as application/json")
    body = _body()
    if not body:
        return default
    if body.lstrip(_JSON_SPACE)[:1] != opening:
        raise BadActionArguments(shape)
    limit = current_app.config["SERVER_ACTIONS_MAX_DEPTH"]
    if _nested_deeper_than(body, limit):
        raise BadActionArguments(
            f"the body is nested more than {limit} levels deep (SERVER_ACTIONS_MAX_DEPTH)")
    # Every comma of the body, in strings or nested, bounds the count from above.
    if most is not None and body.count(b",") >= most:
        count = _top_level_count(body)
        if count > most:
            raise BadActionArguments(too_many.format(count=count))
    try:
        return json.loads(body)
    except ValueError as error:  # also bytes that are not UTF-8, too long integers
        raise BadActionArguments(f"the body is not JSON: {error}") from None
    except RecursionError:  # a SERVER_ACTIONS_MAX_DEPTH beyond Python's own
        raise BadActionArguments("the body is nested too deeply") from None


def _positional(signature: inspect.Signature) -> tuple[int, bool]:
    """How many positional parameters ``signature`` names, and whether it
    takes ``*args`` too."""
    named = 0
    for parameter in signature.parameters.values():
        if parameter.kind is parameter.VAR_POSITIONAL:
            return named, True
        named += parameter.kind in (parameter.POSITIONAL_ONLY, parameter.POSITIONAL_OR_KEYWORD)
    return named, False


def arguments(fn: t.Callable[..., t.Any], bound: t.Sequence[object]) -> list[t.Any]:
    """The bound arguments, then those the call sent, checked against
    ``fn``'s signature.

    The sent ones are plain JSON: they come from the client, so they are
    never decoded into registered types (which could load any row). They
    never fill a parameter whose default was sealed in the token: the
    defaults of a function defined in a view (``row_id=row.id``). A body
    holding more values than ``fn`` takes is refused before any is built.

    :raises BadActionArguments: the body is not a JSON array, ``fn``
        cannot take that many arguments, or one would fill a sealed default.
    """
    name = getattr(fn, "__name__", "the action")
    signature = inspect.signature(fn)
    named, takes_any = _positional(signature)
    most = None if takes_any else max(0, named - len(bound))
    sent: list[t.Any] = _sent(
        [], b"[", "the body must be a JSON array of arguments", most,
        f"{name}() cannot be called with {{count}} argument(s) after {len(bound)} bound"
        f" one(s): it takes {most} more at most")
    args = [*bound, *sent] if bound else sent
    try:
        # What *args would take binds as surely without it, and uncopied.
        signature.bind(*(args[:named] if takes_any else args))
    except TypeError as error:
        raise BadActionArguments(
            f"{name}() cannot be called with {len(sent)} argument(s) after {len(bound)}"
            f" bound one(s): {error}") from None
    # rebuild() names a function defined in a view by its full qualified name.
    if "<locals>" in getattr(fn, "__qualname__", ""):
        _check_sealed_defaults(fn, len(bound), len(args))
    return args


def _check_sealed_defaults(fn: t.Callable[..., t.Any], start: int, end: int) -> None:
    positional = [
        parameter for parameter in inspect.signature(fn).parameters.values()
        if parameter.kind in (parameter.POSITIONAL_ONLY, parameter.POSITIONAL_OR_KEYWORD)]
    for parameter in positional[start:end]:
        if parameter.default is not parameter.empty:
            raise BadActionArguments(
                f"{fn.__name__}() has its {parameter.name!r} sealed in the token as a"
                " default; a call sends only the parameters without one")


def fields() -> MultiDict[str, t.Any]:
    """The fields a call sends to an action that takes a WTForms form: a
    JSON object, a list for a field with several values. They are read as
    a browser would send them: as text, ``true`` as ``"y"``, ``false`` and
    ``null`` left out.

    :raises BadActionArguments: the body is not a JSON object.
    :raises FormTooLarge: it has more fields than ``SERVER_ACTIONS_MAX_FORM_FIELDS``.
    """
    sent: dict[str, t.Any] = _sent(
        {}, b"{", "an action that takes a form is called with a JSON object of its fields")
    refuse_fields(request.path, len(sent), "call")
    items: list[tuple[str, str]] = []
    for name, value in sent.items():
        for item in value if isinstance(value, list) else [value]:
            if item is True:
                items.append((name, "y"))
            elif item is not None and item is not False:
                items.append((name, item if isinstance(item, str) else json.dumps(item)))
    return MultiDict(items)


def refuse_fields(path: str, fields: int, what: str = "form post") -> None:
    """Refuse a post to ``path`` of ``fields`` fields (a form post, a JSON
    form post or a call to an action that takes a form), over the limit.

    :raises FormTooLarge: it is over ``SERVER_ACTIONS_MAX_FORM_FIELDS``.
    """
    limit = _cv_app.get().app.config["SERVER_ACTIONS_MAX_FORM_FIELDS"]  # not the proxy
    if fields > limit:
        logs.info(f"Refused a {what} to %r of %s fields, over SERVER_ACTIONS_MAX_FORM_FIELDS",
                  path, fields)
        raise FormTooLarge("SERVER_ACTIONS_MAX_FORM_FIELDS")


def answer(serializer: Serializer, value: object, status: int = 200) -> BaseResponse:
    """The JSON response carrying ``value``, tagged as tokens tag values."""
    try:
        body = serializer.dumps(value)
    except (NotSerializable, TooDeep) as error:
        raise UnserializableValue(
            f"The value an action returned to a JSON call cannot be sent as JSON:"
            f" {type(value).__name__} ({error}). Return JSON data, dates, UUIDs,"
            " decimals, tuples or sets, or register the type with"
            " ServerActions.register_type().", "", "return value", type(value)) from None
    return BaseResponse(body, status, mimetype="application/json")


def failure(state: ActionState, status: int) -> BaseResponse:
    """The JSON answer to a call that did not run or raised ``ActionError``:
    ``{"error": message, "field": name}`` plus the form's ``errors``."""
    body: dict[str, t.Any] = {
        "error": state.message,
        "field": state.error.field if state.error is not None else None,
    }
    errors = getattr(state.form, "errors", None)
    if errors:
        body["errors"] = errors
    return BaseResponse(json.dumps(body), status, mimetype="application/json")
