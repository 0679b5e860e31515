"""htmx: what an htmx request says about itself, and answers htmx acts on.

:data:`htmx` reads the ``HX-*`` request headers of the current request, one
attribute per header (like django-htmx's ``request.htmx``), and builds the
responses htmx understands (``HX-Redirect``, ``HX-Location``, ...). htmx 4
and htmx 2 send different headers; each attribute says which version sends
it.
"""

from __future__ import annotations

import functools
import json
import typing as t
from urllib.parse import unquote

from flask import current_app
from flask import request
from werkzeug.wrappers import Response as BaseResponse

from .fragments import Fragment

#: How a redirect returned by an action answers an htmx request.
REDIRECT_MODES = ("auto", "redirect", "location")
_LOCATION_HEADERS = ("HX-Redirect", "HX-Location")


@functools.lru_cache(maxsize=64)  # called with the class's own few header names
def _environ_key(header: str) -> str:
    return "HTTP_" + header.upper().replace("-", "_")


_LOWERED_LOCATION_HEADERS = frozenset(header.lower() for header in _LOCATION_HEADERS)


class HtmxDetails:
    """The htmx side of the current request, available as ``htmx``.

    It is falsy outside an htmx request, so a view or a template can write
    ``if htmx:``. Each attribute maps one request header; a header htmx
    did not send reads as ``None`` (or ``False`` for the yes/no ones)::

        from flask_server_actions import htmx

        if htmx and htmx.target == "post":
            ...

    The response helpers (:meth:`client_redirect`, :meth:`client_location`,
    :meth:`fragment`, ...) are methods too, so one name covers both sides.
    """

    def _header(self, name: str) -> str | None:
        # From the environ: request.headers.get() raises and catches an
        # exception for a missing header, and "is it htmx?" is asked often.
        environ = request.environ
        value = environ.get(_environ_key(name))
        # htmx 2 percent-encodes values that are not ASCII and says so.
        if value is not None and environ.get(_environ_key(f"{name}-URI-AutoEncoded")) == "true":
            value = unquote(value)
        return t.cast("str | None", value)

    def __bool__(self) -> bool:
        """``HX-Request: true``: the request was made by htmx (2 and 4)."""
        return self._header("HX-Request") == "true"

    def __repr__(self) -> str:
        return f"<htmx request={bool(self) if request else None}>"

    @property
    def boosted(self) -> bool:
        """``HX-Boosted``: the request comes from an ``hx-boost`` link or form."""
        return self._header("HX-Boosted") == "true"

    @property
    def current_url(self) -> str | None:
        """``HX-Current-URL``: the browser's URL when the request was made."""
        return self._header("HX-Current-URL")

    @property
    def history_restore_request(self) -> bool:
        """``HX-History-Restore-Request``: htmx reloads a page for its history."""
        return self._header("HX-History-Restore-Request") == "true"

    @property
    def prompt(self) -> str | None:
        """``HX-Prompt`` (htmx 2): the user's answer to an ``hx-prompt``."""
        return self._header("HX-Prompt")

    @property
    def request_type(self) -> str | None:
        """``HX-Request-Type`` (htmx 4): ``"partial"`` when htmx swaps part
        of the page, ``"full"`` when it swaps the body or selects from the
        response."""
        return self._header("HX-Request-Type")

    @property
    def source(self) -> str | None:
        """``HX-Source`` (htmx 4): the element that made the request, written
        ``tag#id`` (``form#edit``), or ``tag`` when it has no id."""
        return self._header("HX-Source")

    @property
    def target(self) -> str | None:
        """``HX-Target``: the element the response will be swapped into.
        htmx 2 sends its id (``post``), htmx 4 ``tag#id`` (``article#post``)."""
        return self._header("HX-Target")

    @property
    def trigger(self) -> str | None:
        """``HX-Trigger`` (htmx 2): the id of the element that made the request."""
        return self._header("HX-Trigger")

    @property
    def trigger_name(self) -> str | None:
        """``HX-Trigger-Name`` (htmx 2): the name of the element that made the
        request."""
        return self._header("HX-Trigger-Name")

    # Responses.

    @staticmethod
    def client_redirect(location: str) -> BaseResponse:
        """Make htmx load ``location`` as a full page (``HX-Redirect``).

        Returned by an action to a plain form post (no JavaScript), it is
        answered as a 303 redirect there instead, so it works in both worlds.
        """
        response = BaseResponse(status=200)
        response.headers["HX-Redirect"] = location
        return response

    @staticmethod
    def client_location(location: str, **options: t.Any) -> BaseResponse:
        """Make htmx fetch ``location`` and swap it in, without a full page
        load (``HX-Location``), pushing it to the history.

        :param options: htmx's ``HX-Location`` fields, such as
            ``target="#main"``, ``swap="outerHTML"`` or ``select="#main"``.

        Like :meth:`client_redirect`, a plain form post gets a 303 instead.
        """
        response = BaseResponse(status=200)
        response.headers["HX-Location"] = (
            json.dumps({"path": location, **options}, separators=(",", ":"))
            if options else location)
        return response

    @staticmethod
    def client_refresh() -> BaseResponse:
        """Make htmx reload the whole page (``HX-Refresh``)."""
        response = BaseResponse(status=200)
        response.headers["HX-Refresh"] = "true"
        return response

    @staticmethod
    def retarget(response: BaseResponse, selector: str) -> BaseResponse:
        """Swap ``response`` into ``selector`` instead of the element's
        target (``HX-Retarget``)."""
        response.headers["HX-Retarget"] = selector
        return response

    @staticmethod
    def reswap(response: BaseResponse, swap: str) -> BaseResponse:
        """Swap ``response`` with ``swap`` (``outerHTML``, ``innerHTML``,
        ``none``, ...) instead of the element's ``hx-swap`` (``HX-Reswap``)."""
        response.headers["HX-Reswap"] = swap
        return response

    @staticmethod
    def trigger_client_event(response: BaseResponse, name: str,
                             detail: object = None) -> BaseResponse:
        """Fire the event ``name`` in the browser when htmx receives the
        response (``HX-Trigger``), with ``detail`` (JSON) if given. Several
        calls add several events."""
        events: dict[str, t.Any] = json.loads(response.headers.get("HX-Trigger") or "{}")
        events[name] = detail
        response.headers["HX-Trigger"] = json.dumps(events, separators=(",", ":"))
        return response

    @staticmethod
    def push_url(response: BaseResponse, url: str | t.Literal[False]) -> BaseResponse:
        """Push ``url`` to the browser's history (``HX-Push-Url``); ``False``
        stops htmx from pushing one."""
        response.headers["HX-Push-Url"] = "false" if url is False else url
        return response

    @staticmethod
    def fragment(block: str | None = None, *, partial: str | None = None,
                 oob: t.Sequence[str] = ()) -> Fragment:
        """Return this from an action to answer an htmx request with part of
        the page, whatever the form asked for.

        :param block: a ``{% block %}`` of the page's template.
        :param partial: a template rendered with the page's context instead.
        :param oob: blocks sent along as out-of-band swaps
            (``hx-swap-oob``), each rooted in one element with an ``id``.

        A plain form post (no JavaScript) is answered as if the action had
        returned ``None``: 303 back to the page.
        """
        return Fragment(block, partial, tuple(oob))


#: The htmx details of the current request; see :class:`HtmxDetails`.
htmx = HtmxDetails()


def client_location_of(response: BaseResponse) -> tuple[str, str] | None:
    """The ``HX-Redirect`` or ``HX-Location`` header of ``response``, with the
    URL it leads to."""
    # One pass over the few headers: a missing key makes Headers.get raise
    # and catch an exception, and this runs for every answer to an action.
    found: dict[str, str] = {}
    for key, value in response.headers.items():
        lowered = key.lower()
        if lowered in _LOWERED_LOCATION_HEADERS and lowered not in found:
            found[lowered] = value
    for header in _LOCATION_HEADERS:
        sent = found.get(header.lower())
        if sent is not None:
            if header == "HX-Location" and sent.startswith("{"):
                path = json.loads(sent).get("path")
                sent = path if isinstance(path, str) else ""
            return header, sent
    return None


def redirect_for_htmx(location: str) -> BaseResponse:
    """Answer an htmx request the way ``SERVER_ACTIONS_HTMX_REDIRECT`` says.

    ``"auto"`` (the default) makes a boosted request (``hx-boost``) follow
    with ``HX-Location``, an ajax navigation like the one that got it
    there; any other htmx request gets ``HX-Redirect``, a full page load,
    since its target is only part of the page. ``"redirect"`` and
    ``"location"`` pick one for every request.
    """
    mode = current_app.config["SERVER_ACTIONS_HTMX_REDIRECT"]
    if mode not in REDIRECT_MODES:
        raise ValueError(f"SERVER_ACTIONS_HTMX_REDIRECT is {mode!r}; use one of"
                         f" {', '.join(map(repr, REDIRECT_MODES))}.")
    if mode == "location" or (mode == "auto" and htmx.boosted):
        return htmx.client_location(location)
    return htmx.client_redirect(location)
