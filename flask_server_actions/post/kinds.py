"""The kinds of action post, and what every feature does for each kind.

Every action post is exactly one :class:`Kind`, decided once, in this order:
a post whose token did not authenticate is :attr:`~Kind.REFUSED` whatever
else it says; then a validate request (live validation), a JSON call, an
app action, an htmx request, and otherwise a plain page post.

:data:`EFFECTS` is the table a feature fills in when it is added: for each
:class:`Effect`, the kinds it applies to. ``tests/post/test_kinds.py``
sends one real request of every kind for every effect and asserts each
cell, so a feature cannot forget a kind, and ``docs/design.rst`` shows the
same table.
"""

from __future__ import annotations

import enum


class Kind(enum.Enum):
    """What an action post is, in the precedence order :func:`kind_of` uses."""

    #: Its token did not authenticate (forged, tampered with, of another app
    #: or request, retired, or another session's without proof of origin).
    REFUSED = "refused"
    #: Live validation (``Precognition: true``): validates, never runs.
    VALIDATE = "validate request"
    #: Client code calling the action with JSON (``X-Server-Action``).
    CALL = "JSON call"
    #: An action for every page, posted to the extension's URL.
    APP = "app action"
    #: A form post made by htmx (``HX-Request: true``).
    HTMX = "htmx request"
    #: A plain HTML form post.
    PAGE = "page post"

    # Members are singletons: hashed by identity, in C (Enum's own hash is
    # a Python call, and every stage asks EFFECTS).
    __hash__ = object.__hash__


class Effect(enum.Enum):
    """Something a feature does, or not, to an action post."""

    #: The action is called.
    RUNS_ACTION = "runs the action"
    #: ``action_started`` and ``action_finished`` are sent.
    SENDS_SIGNALS = "sends action_started and action_finished"
    #: The post counts toward the action's ``limit=``.
    COUNTS_LIMIT = "counts toward limit="
    #: A one-time (``once=``) token is recorded as used.
    RECORDS_ONCE = "records a once= token"
    #: A failed post keeps the files it carried for the next submission.
    KEEPS_UPLOADS = "keeps the files of a failed post"
    #: Files kept earlier are restored for the action and deleted once used.
    USES_KEPT_UPLOADS = "restores and deletes kept files"
    #: The post counts toward ``SERVER_ACTIONS_THROTTLE``.
    FEEDS_THROTTLE = "feeds the throttle"
    #: Flask-WTF's ``CSRFProtect`` is told the post is valid.
    CSRF_PASS = "hands CSRFProtect a pass"
    #: A failed action shows the page again with the input, ``no-store``.
    SHOWS_PAGE_AGAIN = "shows the page again, not cached"
    #: What the app's hooks write to the session is saved.
    WRITES_SESSION = "writes the session"
    #: Messages flashed while it is handled reach the next page.
    FLASHES = "flashes"
    #: The answer varies on ``Precognition`` (and on the cookie), so that no
    #: cache serves one kind's answer for another.
    SETS_CACHE_HEADERS = "sets cache headers"

    __hash__ = object.__hash__  # as Kind's


_RUN = frozenset({Kind.PAGE, Kind.HTMX, Kind.CALL, Kind.APP})
_FORM_PAGE = frozenset({Kind.PAGE, Kind.HTMX})

#: For each effect, the kinds of post it applies to.
EFFECTS: dict[Effect, frozenset[Kind]] = {
    Effect.RUNS_ACTION: _RUN,
    Effect.SENDS_SIGNALS: _RUN,
    # A validate request has a budget of its own: typing never spends the post's.
    Effect.COUNTS_LIMIT: _RUN,
    Effect.RECORDS_ONCE: _RUN,
    # A JSON call carries no files; an app action's page is not shown again.
    Effect.KEEPS_UPLOADS: _FORM_PAGE,
    Effect.USES_KEPT_UPLOADS: _FORM_PAGE,
    Effect.FEEDS_THROTTLE: frozenset({Kind.REFUSED}),
    Effect.CSRF_PASS: frozenset(Kind) - {Kind.REFUSED},
    Effect.SHOWS_PAGE_AGAIN: _FORM_PAGE,
    # A refused post runs no hook of the app; a validate request keeps the
    # flashed messages as they were (typing flashes nothing).
    Effect.WRITES_SESSION: frozenset(Kind) - {Kind.REFUSED},
    Effect.FLASHES: _RUN,
    Effect.SETS_CACHE_HEADERS: frozenset(Kind),
}


def kind_of(*, authenticated: bool, validate: bool, call: bool, app: bool,
            htmx: bool) -> Kind:
    """The kind of an action post, from what it says about itself."""
    if not authenticated:
        return Kind.REFUSED
    if validate:
        return Kind.VALIDATE
    if call:
        return Kind.CALL
    if app:
        return Kind.APP
    return Kind.HTMX if htmx else Kind.PAGE
