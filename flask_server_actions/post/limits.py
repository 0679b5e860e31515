"""Rate limits per action: ``@server_action(limit="5/minute", key=...)``.

Each post of a limited action is counted before it runs, in the app's
store (:class:`~flask_server_actions.MemoryStore`, or a
:class:`~flask_server_actions.RedisStore` every instance shares), under
the action and its key: the client's address, the logged-in user or what a
function of the app returns. The post past the limit in its window does
not run: :class:`~flask_server_actions.errors.RateLimited` shows the page
again with the input kept and a "try again in N seconds" notice (429 with
``Retry-After``).

Windows are fixed: a counter starts with the first post and is forgotten
``window`` seconds later. Only action posts are counted, never page views.

A validate request (live validation, :mod:`.precognition`) never spends the
real post's budget: validate requests of a limited action are counted apart,
against ``validate_limit=`` or ``SERVER_ACTIONS_VALIDATE_LIMIT``
(``"60/minute"``), and the one past it gets 429 in JSON.
"""

from __future__ import annotations

import hashlib
import math
import typing as t

from ..errors import RateLimited

if t.TYPE_CHECKING:
    from ..integrations.stores import ActionStore
    from .action_call import ActionCall

#: Seconds in each unit a limit may be written in.
UNITS = {"second": 1, "minute": 60, "hour": 3600, "day": 86400}
#: The keys given by name: the client's address, or the logged-in user.
KEYS = ("address", "user")
#: What a key function takes and returns.
KeyFunction = t.Callable[["ActionCall"], object]


def parse_limit(value: object, name: str = "server_action(limit=...)") -> tuple[int, int]:
    """``(count, seconds)`` of a limit written ``"5/minute"`` (a unit of
    :data:`UNITS`, singular) or ``"10/30"`` (seconds).

    :param name: where the limit was written, for the error.
    :raises ValueError: the limit cannot be read; the message shows the forms.
    """
    count, slash, per = value.partition("/") if isinstance(value, str) else ("", "", "")
    per = per.strip()
    window = int(per) if per.isdigit() else UNITS.get(per, 0)
    if slash and count.strip().isdigit() and int(count) > 0 and window > 0:
        return int(count), window
    raise ValueError(
        f"{name} is {value!r}, which cannot be read. Write how many posts are allowed"
        ' per second, minute, hour or day, such as "5/minute" or "100/hour", or per a'
        ' number of seconds, such as "10/30".')


def check_key(key: object) -> None:
    """Refuse a ``key=`` that is neither a name of :data:`KEYS` nor callable.

    :raises ValueError: with the choices.
    """
    if key is None or callable(key) or key in KEYS:
        return
    raise ValueError(
        f"server_action(key={key!r}) is not a key. Use \"address\" (the client's address,"
        " the default), \"user\" (the logged-in user of Flask-Login, else the address) or"
        " a function taking the ActionCall and returning what posts are counted by.")


def _user() -> str | None:
    try:
        from flask_login import current_user  # type: ignore[import-untyped]
    except ImportError:  # pragma: no cover - Flask-Login is optional
        return None
    if current_user and current_user.is_authenticated:
        return str(current_user.get_id())
    return None


def key_of(key: str | KeyFunction | None, call: t.Callable[[], ActionCall],
           address: t.Callable[[], str]) -> str:
    """What a post is counted by: its kind and value, as one string."""
    if callable(key):
        return f"key:{key(call())}"
    user = _user() if key == "user" else None
    return f"user:{user}" if user is not None else f"address:{address()}"


def digest_of(value: str) -> str:
    """``value`` hashed for a store's key: a store's keys never hold an
    address or a user's id in clear."""
    return hashlib.blake2b(value.encode("utf-8"), digest_size=12,
                           person=b"sa-limit").hexdigest()


def enforce(store: ActionStore, ref: str, limit: str, key: str | KeyFunction | None,
            call: t.Callable[[], ActionCall], address: t.Callable[[], str],
            kind: str = "limit") -> None:
    """Count a post of the action ``ref`` and refuse it past ``limit``.

    :param kind: what is counted, the first part of the store's key:
        ``"limit"`` for the action's posts, ``"validate"`` for its validate
        requests, which never spend the posts' budget.
    :raises RateLimited: over the limit; ``retry_after`` is when the window ends.
    """
    # limit= and validate_limit= were read when the action was defined.
    count, window = parse_limit(limit, "SERVER_ACTIONS_VALIDATE_LIMIT")
    seen, remaining = store.hit(f"{kind}:{ref}:{digest_of(key_of(key, call, address))}",
                                window)
    if seen > count:
        raise RateLimited(f"over its limit of {count} per {window} seconds",
                          max(1, math.ceil(remaining)))
