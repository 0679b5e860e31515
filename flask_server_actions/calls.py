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
"""

from __future__ import annotations

import inspect
import json
import typing as t

from flask import request
from werkzeug.datastructures import MultiDict
from werkzeug.wrappers import Response as BaseResponse

from .errors import BadActionArguments
from .errors import UnserializableValue
from .serialization import NotSerializable
from .serialization import TooDeep

if t.TYPE_CHECKING:
    from .serialization import Serializer
    from .state import ActionState

#: The request header carrying the token of a JSON call.
HEADER = "X-Server-Action"


def is_json_call() -> bool:
    """Whether the current request calls an action from client code."""
    return request.method == "POST" and HEADER in request.headers


def call_token() -> str:
    """The token of the current JSON call."""
    return request.headers.get(HEADER, "")


def _sent(default: object) -> t.Any:
    if request.mimetype and not request.is_json:
        raise BadActionArguments("a call sends its arguments as application/json")
    body = request.get_data(cache=True)
    try:
        return json.loads(body) if body else default
    except ValueError as error:
        raise BadActionArguments(f"the body is not JSON: {error}") from None


def arguments(fn: t.Callable[..., t.Any], bound: t.Sequence[object]) -> list[t.Any]:
    """The bound arguments, then those the call sent, checked against
    ``fn``'s signature.

    The sent ones are plain JSON: they come from the client, so they are
    never decoded into registered types (which could load any row).

    :raises BadActionArguments: the body is not a JSON array, or ``fn``
        cannot take that many arguments.
    """
    sent = _sent([])
    if not isinstance(sent, list):
        raise BadActionArguments("the body must be a JSON array of arguments")
    args = [*bound, *sent]
    try:
        inspect.signature(fn).bind(*args)
    except TypeError as error:
        raise BadActionArguments(
            f"{getattr(fn, '__name__', 'the action')}() cannot be called with"
            f" {len(sent)} argument(s) after {len(bound)} bound one(s): {error}") from None
    return args


def fields() -> MultiDict[str, t.Any]:
    """The fields a call sends to an action that takes a WTForms form: a
    JSON object, a list for a field with several values. They are read as
    a browser would send them: as text, ``true`` as ``"y"``, ``false`` and
    ``null`` left out.

    :raises BadActionArguments: the body is not a JSON object.
    """
    sent = _sent({})
    if not isinstance(sent, dict):
        raise BadActionArguments(
            "an action that takes a form is called with a JSON object of its fields")
    items: list[tuple[str, str]] = []
    for name, value in sent.items():
        for item in value if isinstance(value, list) else [value]:
            if item is True:
                items.append((name, "y"))
            elif item is not None and item is not False:
                items.append((name, item if isinstance(item, str) else json.dumps(item)))
    return MultiDict(items)


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
