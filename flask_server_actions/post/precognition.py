"""Live validation, with Laravel Precognition's wire protocol.

A *validate request* is the action post itself (the same URL, token and
fields) sent by script with the header ``Precognition: true``, and
optionally ``Precognition-Validate-Only: title,email``. It goes through
every check the real post goes through, in the same order (origin, token,
request binding, the app's and blueprint's hooks, the view's decorators,
``before_action`` hooks, ``require=``), then builds the action's WTForms
form from the fields and validates it, inline validators such as
``validate_email`` (the place for rules that need the database) included.
It never runs the action: no one-time token is recorded, no
``action_started`` or ``action_succeeded`` signal is sent, the
:meth:`~flask_server_actions.ServerActions.before_rerender` hooks roll the
session back, and the flashed messages are left as they were.

It never spends the real post's budget either: the validate requests of an
action with ``limit=`` are counted apart, against its ``validate_limit=``
or ``SERVER_ACTIONS_VALIDATE_LIMIT``. A one-time token used already is
refused as the real post would be. A validate request refused before its
token authenticated (forged, of another page, of a retired key) leaves the
session alone, as any refused post does, and counts toward the throttle.

The answers:

- valid (or an action without a form): ``204`` with ``Precognition: true``
  and ``Precognition-Success: true``;
- invalid: ``422`` with ``Precognition: true`` and the JSON
  ``{"message": ..., "errors": {"field": ["...", ...]}}``, limited to the
  fields ``Precognition-Validate-Only`` names (a 204 if those are valid);
- refused: the status the real post would get (400, 403, 429 past the
  throttle or the validate budget, a redirect), with ``{"message": ...,
  "errors": {}}``; a token that can no longer run (expired, of an ended
  session or an earlier version, a used one-time token, a changed row),
  which the real post answers 422 with the page, answers **419** (as
  Laravel answers an expired page), so that a client never takes its empty
  ``errors`` for "valid".

A real post that asks for JSON (``Accept: application/json`` first, not
htmx, not a JSON call), as Laravel's clients submit, gets its failure as
``{"message": ..., "errors": {"field": [...]}}`` (see :func:`failed`)
instead of the page shown again.

Every answer to an action post carries ``Vary: Precognition``.

.. versionadded:: 0.3.0
"""

from __future__ import annotations

import json
import typing as t

from flask import g
from flask import request
from flask import session
from werkzeug.wrappers import Response as BaseResponse

from ..forms import build_form
from ..forms import validate
from ..messages import translate
from .uploads import skip_files_left_out

if t.TYPE_CHECKING:
    from flask import Request
    from werkzeug.datastructures import MultiDict
    from wtforms import Form

    from ..forms import Setup
    from ..page.state import ActionState
    from .settings import PostSettings
    from .submission import ActionPost

#: The request header that makes an action post a validate request.
HEADER = "Precognition"
_VARY = HEADER.lower()
#: The request header naming the fields to validate, comma-separated.
ONLY_HEADER = "Precognition-Validate-Only"
_ONLY_KEY = "HTTP_PRECOGNITION_VALIDATE_ONLY"
_FLASHES = "_flashes"
_G_FLASHES = "_server_actions_flashes"
_NO_FLASHES = object()
#: Laravel's status for an expired page (CSRF token mismatch).
_EXPIRED = "419 PAGE EXPIRED"


def fields_to_validate() -> frozenset[str] | None:
    """The fields ``Precognition-Validate-Only`` names, or ``None`` for all."""
    only = request.environ.get(_ONLY_KEY)
    if only is None:
        return None
    return frozenset(name.strip() for name in only.split(",") if name.strip())


def errors_of(form: Form, only: frozenset[str] | None) -> dict[str, list[str]]:
    """The error messages of ``form``'s fields, of the ``only`` ones if given."""
    return {field.name: [str(message) for message in field.errors]
            for field in form if field.errors and (only is None or field.name in only)}


def answer(settings: PostSettings, form_class: type[Form] | None,
           setup: Setup | None, action: str, formdata: MultiDict[str, t.Any]) -> BaseResponse:
    """Answer a validate request that every check let through: set up and
    validate the action's form (if it takes one) as the real post would,
    and undo whatever that did."""
    response: BaseResponse | None = None
    if form_class is not None:
        form = build_form(form_class, formdata)
        skip_files_left_out(form)  # files are left out unless the form asks for them
        notice = validate(form, setup, action)
        only = fields_to_validate()
        errors = errors_of(form, only)
        if notice is not None and (errors or only is None):
            response = invalid(translate(notice), errors, 422)
    for undo in settings.rerender_hooks:  # a validator's queries leave nothing behind
        undo()
    if response is not None:
        return response
    response = BaseResponse(status=204)
    response.headers["Precognition-Success"] = "true"
    return response


def invalid(message: str | None, errors: t.Mapping[str, list[str]],
            status: int | str) -> BaseResponse:
    """The JSON answer ``{"message": ..., "errors": {...}}`` with ``status``."""
    body = json.dumps({"message": message or "", "errors": errors})
    return BaseResponse(body, status, mimetype="application/json")


def refused(state: ActionState, status: int) -> BaseResponse:
    """The answer to a validate request whose token could not run (stale,
    expired, of an outdated page): its notice, no field errors; 419 where
    the real post would show the page again (422)."""
    return invalid(state.message, {}, _EXPIRED if status == 422 else status)


def asks_for_json(req: Request, htmx: bool) -> bool:
    """Whether the action post ``req``, not a validate request, asks for its
    answer in JSON: ``Accept`` prefers ``application/json`` (or a ``+json``
    type), as Laravel Precognition's clients ask, and it is not htmx's."""
    best = req.accept_mimetypes.best or ""
    return (best == "application/json" or best.endswith("+json")) and not htmx


def failed(state: ActionState, status: int, expired: bool) -> BaseResponse:
    """The JSON answer to a real post that asked for JSON and failed: the
    form's errors (an ``ActionError`` naming a field among them) and the
    message; 419 for a page that ``expired`` (its token is stale)."""
    errors = errors_of(state.form, None) if state.form is not None else {}
    return invalid(state.message, errors, _EXPIRED if expired and status == 422 else status)


def note_flashes(post: ActionPost) -> None:
    """Note the flashed messages before the app's hooks run for a validate
    request (``post``), which may flash: :func:`finish`, which the
    extension's one after-request hook calls last, puts them back as they
    were."""
    setattr(g, _G_FLASHES, list(session[_FLASHES]) if _FLASHES in session else _NO_FLASHES)


def finish(post: ActionPost, response: BaseResponse) -> BaseResponse:
    """Mark the answer to ``post`` as varying on ``Precognition``; for a
    validate request, turn an error page into JSON and put back the flashed
    messages as they were before it."""
    # Not response.vary.add(): it parses and writes back the whole header
    # for every action post.
    vary = response.headers.get("Vary")
    if not vary:
        response.headers["Vary"] = HEADER
    elif _VARY not in [part.strip().lower() for part in vary.split(",")]:
        response.headers["Vary"] = f"{vary}, {HEADER}"
    if not post.validate:
        return response
    response.headers[HEADER] = "true"
    if response.status_code >= 400 and response.mimetype != "application/json":
        # The error page the real post would get, as the message of its JSON.
        message = post.settings.describe_error(response.status_code)
        response.set_data(json.dumps({"message": message, "errors": {}}))
        response.mimetype = "application/json"
    if _G_FLASHES not in g:
        # Refused before the app's hooks (a token that does not open, another
        # origin): nothing of the app ran, and the session stays untouched.
        return response
    noted = g.get(_G_FLASHES)
    if noted is _NO_FLASHES:
        session.pop(_FLASHES, None)
    elif session.get(_FLASHES) != noted:
        session[_FLASHES] = noted
    return response
