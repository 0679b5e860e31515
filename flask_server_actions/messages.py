"""Every message the library shows a user, in the user's language.

Messages are written in English where they belong (a notice on its error
class, a form's notice beside the forms code) and marked with :func:`N_`,
which lists them in :data:`MESSAGES` and lets ``pybabel extract -k N_``
find them. Shown to a user, a message goes through :func:`translate`:

1. the app's own wording, ``SERVER_ACTIONS_MESSAGES``: a mapping from the
   English text to what the app wants shown (any language, any tone);
2. in an app that uses Flask-Babel, the library's catalog in the locale
   Flask-Babel selects for the request (German, French and Spanish ship
   with the library, in ``translations/``, domain ``flask_server_actions``);
3. else the English text.

A message with values (``%(seconds)s``) is formatted after it is
translated, so a translation may move them.
"""

from __future__ import annotations

import math
import os
import typing as t

from flask import current_app
from flask import has_app_context

if t.TYPE_CHECKING:
    from flask_babel import Domain  # type: ignore[import-untyped]

#: Every message of the library, in English, in the order they were marked.
MESSAGES: list[str] = []
#: The gettext domain of the library's catalogs.
DOMAIN = "flask_server_actions"
#: Where the catalogs are: ``<locale>/LC_MESSAGES/flask_server_actions.mo``.
TRANSLATIONS = os.path.join(os.path.dirname(__file__), "translations")

_domain: Domain | None = None


def N_(text: str) -> str:  # noqa: N802 - the name gettext's tools look for
    """Mark ``text`` as a message the library shows users; return it as is.

    It is listed in :data:`MESSAGES` (once) for the tests and the catalogs.
    """
    if text not in MESSAGES:
        MESSAGES.append(text)
    return text


def translate(text: str, **values: object) -> str:
    """``text`` (a message marked with :func:`N_`) as the current app shows
    it: its own wording, else the catalog of the request's locale when the
    app uses Flask-Babel, else English; formatted with ``values``.

    .. versionadded:: 0.3.0
    """
    shown = text
    if has_app_context():
        own = current_app.config.get("SERVER_ACTIONS_MESSAGES")
        wording = own.get(text) if own else None
        if wording is not None:
            shown = wording
        elif "babel" in current_app.extensions:
            shown = _catalog().gettext(text)
    return shown % values if values else shown


#: How a wait is said, longest unit first: ``(seconds, one, several)``.
_UNITS = (
    (86400, N_("1 day"), N_("%(count)s days")),
    (3600, N_("1 hour"), N_("%(count)s hours")),
    (60, N_("1 minute"), N_("%(count)s minutes")),
    (1, N_("1 second"), N_("%(count)s seconds")),
)


class Wait:
    """A wait of ``seconds`` as a person reads it, in the user's language
    when it is shown (``str()``): ``10 minutes``, ``1 hour``, ``45
    seconds``, in the longest unit it fills, rounded up so that no one is
    told to come back too early (61 seconds are ``2 minutes``).

    A message's ``%(wait)s`` value::

        translate(N_("Please try again in %(wait)s."), wait=Wait(600))

    .. versionadded:: 0.3.0
    """

    def __init__(self, seconds: int) -> None:
        #: The wait in seconds.
        self.seconds = seconds

    def __str__(self) -> str:
        seconds = max(self.seconds, 1)
        unit, one, several = next(each for each in _UNITS if seconds >= each[0])
        count = math.ceil(seconds / unit)
        return translate(one) if count == 1 else translate(several, count=count)


def _catalog() -> Domain:
    """The library's Flask-Babel domain (one for every app: it caches the
    catalogs it loads by locale)."""
    global _domain
    if _domain is None:
        from flask_babel import Domain  # only an app that uses Flask-Babel gets here

        _domain = Domain(translation_directories=TRANSLATIONS, domain=DOMAIN)
    return _domain
