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
import math
import re
import typing as t
from dataclasses import dataclass
from urllib.parse import unquote

from flask import current_app
from flask import request
from werkzeug.wrappers import Response as BaseResponse

#: How a redirect returned by an action answers an htmx request.
REDIRECT_MODES = ("auto", "redirect", "location")


@functools.lru_cache(maxsize=64)  # called with the class's own few header names
def _environ_key(header: str) -> str:
    return "HTTP_" + header.upper().replace("-", "_")


@dataclass(frozen=True)
class Fragment:
    """The part of the page an htmx request is answered with."""

    #: A ``{% block %}`` of the page's template.
    block: str | None = None
    #: A template rendered with the page's context.
    partial: str | None = None
    #: Blocks sent along for out-of-band swaps.
    oob: tuple[str, ...] = ()

    def __bool__(self) -> bool:
        return bool(self.block or self.partial or self.oob)

    def options(self) -> dict[str, t.Any]:
        """The token options that ask for this fragment."""
        fields = {"block": self.block, "partial": self.partial, "oob": list(self.oob)}
        return {"fragment": {key: value for key, value in fields.items() if value}}

    @classmethod
    def from_options(cls, options: t.Mapping[str, t.Any]) -> Fragment | None:
        """The fragment a token's options ask for, if any."""
        fields = options.get("fragment")
        if not isinstance(fields, dict):
            return None
        return cls(fields.get("block"), fields.get("partial"), tuple(fields.get("oob", ())))


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


class ClientLocation(t.NamedTuple):
    """Where the ``HX-Redirect`` and ``HX-Location`` headers of an answer
    send the browser, read as htmx reads them."""

    #: ``"HX-Redirect"`` or ``"HX-Location"``: the header htmx 4 follows
    #: (htmx 2's when htmx 4 follows none).
    header: str
    #: The URL that header leads to; a plain form post gets a 303 there.
    location: str
    #: Every URL htmx 4 or htmx 2 would load, ``location`` first: the
    #: versions disagree on which header comes first and on how to read
    #: ``HX-Location``, and an answer must be safe for both.
    destinations: tuple[str, ...]


def client_location_of(response: BaseResponse) -> ClientLocation | None:
    """Where the ``HX-Redirect`` or ``HX-Location`` header of ``response``
    sends htmx 4 and htmx 2, or ``None`` if neither goes anywhere.

    The headers are read as the browser hands them to htmx (names in any
    case, whitespace around a value trimmed, a repeated header joined with
    ``", "``), then as each version reads them: htmx 2 follows
    ``HX-Location`` before ``HX-Redirect``, htmx 4 the other way round;
    htmx 4 also reads ``HX-Lo-cation``, and an ``HX-Location`` that is not
    JSON as ``key:value`` pairs, so ``/ path://evil.example`` leads off site.

    :raises ValueError: an ``HX-Location`` that starts with ``{`` is not
        JSON this module can read (htmx could not read most of them either).
    """
    seen = _as_browser_hands_over(response)
    if seen is None:  # the usual answer: no htmx header at all
        return None
    try:
        htmx4, htmx2 = _htmx4_destination(seen), _htmx2_destination(seen)
    except RecursionError:
        # JavaScript's JSON.parse has no depth limit: what htmx would do is unknown.
        raise ValueError("HX-Location is nested too deeply to check where it leads") from None
    found = [htmx4] if htmx4 is not None else []
    if htmx2 is not None and htmx2 not in found:
        found.append(htmx2)
    if not found:
        return None
    return ClientLocation(found[0][0], found[0][1], tuple(url for _, url in found))


# What fetch and XMLHttpRequest strip from a header's value.
_HTTP_WHITESPACE = " \t\r\n"


def _as_browser_hands_over(response: BaseResponse) -> dict[str, str] | None:
    # Only the hx- headers matter; one pass, as this runs for every answer.
    seen: dict[str, str] | None = None
    for key, value in response.headers.items():
        lowered = key.lower()
        if lowered.startswith("hx-"):
            seen = {} if seen is None else seen
            value = value.strip(_HTTP_WHITESPACE)
            seen[lowered] = f"{seen[lowered]}, {value}" if lowered in seen else value
    return seen


def _htmx2_destination(seen: dict[str, str]) -> tuple[str, str] | None:
    # htmx 2: getResponseHeader("HX-Location"), which may be "".
    location = seen.get("hx-location")
    if location is not None:
        if not location.startswith("{"):
            return "HX-Location", location
        path = _js_json(location).get("path")
        # htmx 2 splits the path as a string: anything else goes nowhere.
        return ("HX-Location", path) if isinstance(path, str) else None
    redirect = seen.get("hx-redirect")
    return None if redirect is None else ("HX-Redirect", redirect)


def _htmx4_destination(seen: dict[str, str]) -> tuple[str, str] | None:
    # htmx 4 keys the headers by their name without "hx-", dashes and case;
    # fetch lists them sorted by name, and the last one of a key wins.
    hx = {name[3:].replace("-", ""): seen[name] for name in sorted(seen)}
    if hx.get("refresh") == "true":  # a reload, before anything else
        return None
    if hx.get("redirect"):
        return "HX-Redirect", hx["redirect"]
    location = hx.get("location")
    if not location:
        return None
    options = _htmx4_parse(location)
    if not location.startswith("{") and options.get("path") is None:
        return "HX-Location", location
    return "HX-Location", _js_string(options.get("path", _UNDEFINED))


#: htmx 4's reading of a value that is not JSON: ``key:value`` pairs, a value
#: quoted, wrapped in ``<.../>``, or bare. ``\s`` is JavaScript's.
_JS_SPACE = "\t\n\x0b\x0c\r \xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000\ufeff"
_HTMX4_PAIR = re.compile(
    rf"""(?:"([^"]+)"|'([^']+)'|([^{_JS_SPACE},:]+))"""
    rf"""(?:[{_JS_SPACE}]*:[{_JS_SPACE}]*(?:"([^"]*)"|'([^']*)'|<((?:[^/]|/(?!>))+)/>"""
    rf"""|([^{_JS_SPACE},]+)))?(?=[{_JS_SPACE}]|,|\Z)""")
_JS_TRIMMED = "".join(
    chr(code) for code in (9, 10, 11, 12, 13, 32, 0xA0, 0x1680, *range(0x2000, 0x200B),
                           0x2028, 0x2029, 0x202F, 0x205F, 0x3000, 0xFEFF))
_UNDEFINED = object()


def _htmx4_parse(text: str) -> dict[str, t.Any]:
    """htmx 4's ``parse``: JSON for a value that starts with ``{``, else
    ``key:value`` pairs (``a.b:1`` nests), each value JSON if it parses."""
    if text.startswith("{"):  # an object, or not JSON
        return t.cast("dict[str, t.Any]", _js_json(text))
    parsed: dict[str, t.Any] = {}
    for match in _HTMX4_PAIR.finditer(text):
        double, single, bare, *values = match.groups()
        key = double if double is not None else single if single is not None else bare
        text_value = next((v for v in values if v is not None), "true").strip(_JS_TRIMMED)
        try:
            value: t.Any = _js_json(text_value)
        except ValueError:
            value = text_value
        if bare is not None and "." in bare:
            for part in reversed(bare.split(".")):
                value = {part: value}
        else:
            value = {key: value}
        _htmx4_merge(value, parsed)
    return parsed


def _htmx4_merge(source: dict[str, t.Any], into: dict[str, t.Any]) -> None:
    for key, value in source.items():
        if key in ("__proto__", "constructor", "prototype"):
            continue
        if _plain_object(value) and _plain_object(into.get(key)):
            _htmx4_merge(value, into[key])
        else:
            into[key] = value


def _plain_object(value: object) -> bool:
    # JavaScript's value?.constructor === Object: an own "constructor" key hides it.
    return isinstance(value, dict) and "constructor" not in value


def _reject_constant(name: str) -> t.NoReturn:
    raise ValueError(f"{name} is not JSON")


def _js_json(text: str) -> t.Any:
    # JavaScript's JSON.parse: no NaN or Infinity, integers of any length.
    return json.loads(text, parse_constant=_reject_constant, parse_int=float)


def _js_string(value: object) -> str:
    """JavaScript's ``String(value)``, which htmx 4 applies to the path."""
    if isinstance(value, str):
        return value
    if value is _UNDEFINED:
        return "undefined"
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        if value.is_integer() and abs(value) < 1e21:
            return str(int(value))
        return {math.inf: "Infinity", -math.inf: "-Infinity"}.get(value, repr(value))
    if isinstance(value, list):
        return ",".join("" if item is None else _js_string(item) for item in value)
    return "[object Object]"


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
