"""Same-origin checks for action posts.

A browser sends ``Origin`` with every cross-site ``POST`` (and ``Referer``
with most), so a post whose origin is not this host is refused before its
token is even decoded. A post with neither header (some privacy tools strip
both) is accepted on the strength of its token alone: the token is bound to
the browser session that rendered the form, which another site cannot read.
Unless the browser says otherwise: ``Sec-Fetch-Site: cross-site`` (or
``same-site``, another host of the same site) is refused as well.
"""

from __future__ import annotations

import re
import typing as t
from urllib.parse import urlsplit

from flask import request

from ..errors import CrossOriginAction

if t.TYPE_CHECKING:
    from flask import Request

_PORT = re.compile(r":[0-9]*\Z")
_LABEL = re.compile(r"[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?")
_DROPPED = dict.fromkeys(map(ord, "\t\r\n"))
_STRIPPED = "".join(map(chr, range(0x21)))
_ESCAPED = {code: f"%{code:02X}" for code in (*range(0x21), 0x5C, 0x7F)}


def host_matches(host: str, pattern: str) -> bool:
    """Whether ``host`` (``name[:port]``) matches an allow-list ``pattern``.

    A pattern is ``name`` (any port), ``name:port``, or ``*.name`` for any
    one subdomain level of ``name``.
    """
    host, pattern = host.lower(), pattern.lower()
    if not _PORT.search(pattern):
        host = _PORT.sub("", host)
    if pattern.startswith("*."):
        label, dot, rest = host.partition(".")
        # Only a plain DNS label may stand for the "*": nothing a browser
        # could read as the end of the host or another host's name.
        return bool(_LABEL.fullmatch(label)) and bool(dot) and rest == pattern[2:]
    return host == pattern


def trusted_host(host: str, own: str, allowed: t.Sequence[str]) -> bool:
    """Whether ``host`` is this site (``own``) or matches an ``allowed`` pattern."""
    return bool(host) and (host.lower() == own.lower()
                           or any(host_matches(host, pattern) for pattern in allowed))


def check_origin(request: Request, allowed: t.Sequence[str]) -> None:
    """Refuse a post that another site sent.

    :param allowed: host patterns trusted besides the request's own host,
        for proxies that rewrite it (``SERVER_ACTIONS_ALLOWED_ORIGINS``).
    :raises CrossOriginAction: the ``Origin`` (or, lacking it, the
        ``Referer``) names another host, or is ``null``; or, lacking both,
        ``Sec-Fetch-Site`` says another site sent it.
    """
    # The environ itself: what request.headers reads, without its calls.
    environ = request.environ
    source = environ.get("HTTP_ORIGIN")
    if source is None:
        source = environ.get("HTTP_REFERER")
        if not source:
            _check_fetch_site(environ.get("HTTP_SEC_FETCH_SITE"), allowed)
            return
    if source == "null":
        raise CrossOriginAction(source)
    # The usual case, without parsing: exactly "scheme://" and this host.
    scheme, sep, rest = source.partition("://")
    if sep and scheme in ("http", "https") and rest.lower() == request.host.lower():
        return
    try:
        host = urlsplit(source).netloc.rpartition("@")[2]
    except ValueError:
        raise CrossOriginAction(source) from None
    if not trusted_host(host, request.host, allowed):
        raise CrossOriginAction(source)


def origin_proven(request: Request) -> bool:
    """Whether a post that :func:`check_origin` let through says where it
    came from: an ``Origin`` or ``Referer`` of this site, or
    ``Sec-Fetch-Site: same-origin``. A post with none of them may come from
    another site, through a browser or a proxy that strips them."""
    headers = request.headers
    return bool(headers.get("Origin") or headers.get("Referer")
                or headers.get("Sec-Fetch-Site", "").lower() == "same-origin")


def _check_fetch_site(site: str | None, allowed: t.Sequence[str]) -> None:
    # Browsers that strip Origin and Referer still say where a request came
    # from. "same-site" is never this host (that is "same-origin") but
    # another host of the same registrable domain: trusted only if the app
    # trusts other hosts at all.
    site = (site or "").lower()
    if site == "cross-site" or (site == "same-site" and not allowed):
        raise CrossOriginAction(f"Sec-Fetch-Site: {site}")


def _as_browser_reads(url: str) -> str:
    # Browsers drop tabs and newlines anywhere in a URL, strip control
    # characters and spaces around it, and read "\" as "/".
    return url.translate(_DROPPED).strip(_STRIPPED).replace("\\", "/")


def safe_location(location: str, allowed: t.Sequence[str]) -> bool:
    """Whether a redirect target stays on this site."""
    cleaned = _as_browser_reads(location)
    try:
        parts = urlsplit(cleaned)
    except ValueError:  # such as an unclosed "[" of an IPv6 host
        return False
    if not parts.netloc and not parts.scheme:
        return not cleaned.startswith("//")
    if parts.scheme not in ("http", "https"):
        return False
    return trusted_host(parts.netloc.rpartition("@")[2], request.host, allowed)


def page_url(page: str) -> str:
    """The token's page as a path on this site, however it was written.

    A page served at ``//evil.example/x`` (or ``/%09/evil.example``) must not
    become a redirect to another host: characters a browser would drop or
    read as a slash are percent-encoded, and leading slashes are collapsed.
    """
    return "/" + page.translate(_ESCAPED).lstrip("/")
