"""Where one-time tokens are remembered once they have been used.

An action marked ``once=True`` (or every action, with
``SERVER_ACTIONS_ONCE``) may run at most once per rendered form. The token's
random nonce is its id; the first submission records it, and every later one
(a double click, the back button, a replayed request) finds it recorded.

Records only need to outlive the token: an older token is refused as expired
anyway, so each record expires with its token.

A store also keeps counters that expire (:meth:`ActionStore.count`): how
many tokens that do not open each client sent lately, for
``SERVER_ACTIONS_THROTTLE``, and how often each action was posted, for its
``limit=`` (:meth:`ActionStore.hit`). Keeping them in the same store means Redis
shares them across instances, as it shares one-time records.

A :class:`MemoryStore` serves one process. Apps running several workers or
instances share a :class:`RedisStore`: with the default memory store, a
server that runs several processes refuses to decide a one-time token, a
limit or the throttle (:class:`~flask_server_actions.errors.PerProcessStore`).
"""

from __future__ import annotations

import abc
import heapq
import threading
import time
import typing as t

from flask import has_app_context

from .. import logs

if t.TYPE_CHECKING:
    import redis

#: Prefix of the keys :class:`RedisStore` writes, so they are easy to find.
REDIS_PREFIX = "server-actions:used:"


class ActionStore(abc.ABC):
    """Remembers which one-time tokens were used, and counts posts.

    Subclass it to keep records elsewhere (a database table with a unique
    key, memcached's ``add`` and ``incr``): implement :meth:`first_use` and
    :meth:`count` atomically, and :meth:`hit` and :meth:`used` where the
    store can tell.
    """

    @abc.abstractmethod
    def first_use(self, token_id: str, ttl: int) -> bool:
        """Record ``token_id`` and say whether this is its first use.

        Must be atomic: of two concurrent calls with the same id, exactly one
        returns ``True``, in every process sharing the store.

        :param token_id: the token's unique id (its nonce, in hex).
        :param ttl: seconds the record must be kept at least; after that the
            token has expired and cannot be used anyway.
        :return: ``True`` the first time an id is seen, ``False`` after.
        """

    @abc.abstractmethod
    def count(self, key: str, window: int) -> int:
        """Add one to the counter ``key`` and return its new value.

        A counter starts at one and is forgotten ``window`` seconds after
        that first count; the next count starts it again. Must be atomic
        across every process sharing the store.

        .. versionadded:: 0.2.0
        """

    def hit(self, key: str, window: int) -> tuple[int, float]:
        """Count like :meth:`count`, and say in how many seconds the counter
        ends, for a ``Retry-After`` (the rate limits of actions).

        Override it where the store knows; this default says ``window``,
        which is never too early.

        Callers write keys as a family and a member, ``family:member``
        (``limit:module:action:<digest>``): a bounded store that is full may
        count a member new to it with the other new members of its family
        (:class:`MemoryStore` does), never with another family.

        .. versionadded:: 0.3.0
        """
        return self.count(key, window), float(window)

    def used(self, token_id: str) -> bool:
        """Whether ``token_id`` was recorded by :meth:`first_use` and is
        still kept, without recording it: a validate request (live
        validation) of a one-time form asks it, to answer as the real post
        would.

        Override it where the store can tell; this default says ``False``:
        the validate request answers as for an unused token, and the real
        post is still refused.

        .. versionadded:: 0.3.0
        """
        return False


class MemoryStore(ActionStore):
    """Records in this process's memory.

    Safe across threads, but each process has its own records, so with
    several worker processes or instances a token could be used once per
    process and every limit counted per process: use :class:`RedisStore`
    there. It is the default store of an app that sets none; a server that
    runs several processes (``wsgi.multiprocess``) refuses to decide with
    that default (:class:`~flask_server_actions.errors.PerProcessStore`),
    and goes on with a memory store the app chose itself
    (``SERVER_ACTIONS_STORE = "memory"``).

    Every kind of record is bounded, so that no client can make the process
    grow without end:

    - one-time records: past ``max_records``, the records closest to their
      end are forgotten first (a warning is logged): those tokens expire
      soonest;
    - counters: past ``max_counters``, no counter still running is
      forgotten (that would reset a client being counted); a key new to the
      store is counted instead with every other new key of its family (the
      key up to its last ``:``, such as ``limit:module:action``) in one
      shared counter, until counters end and make room (a warning is logged).

    :param clock: returns the current time in seconds; monotonic by default.
    :param max_counters: how many counters (:meth:`count`) are kept at most:
        clients are counted by address, and an attacker holds many.
    :param max_records: how many one-time records (:meth:`first_use`) are
        kept at most.

    .. versionchanged:: 0.3.0
        One-time records are bounded (``max_records``); past
        ``max_counters``, new keys share a counter instead of resetting the
        counters closest to their end.
    """

    #: What a key shares its counter with past ``max_counters``: its family
    #: (the key up to its last ``:``) and this suffix.
    OVERFLOW = ":\x00overflow"

    def __init__(self, clock: t.Callable[[], float] = time.monotonic,
                 max_counters: int = 100_000, max_records: int = 100_000) -> None:
        self._clock = clock
        self._max_counters = max_counters
        self._max_records = max_records
        self._lock = threading.Lock()
        self._expiry: dict[str, float] = {}
        # (expiry, id) pairs, oldest first, so expired records are dropped in
        # O(log n) each instead of scanning every record.
        self._queue: list[tuple[float, str]] = []
        self._counters: dict[str, list[float]] = {}  # key: [count, expiry]
        self._counter_queue: list[tuple[float, str]] = []
        self._warned: set[str] = set()

    def first_use(self, token_id: str, ttl: int) -> bool:
        """Record ``token_id`` in memory for ``ttl`` seconds."""
        with self._lock:
            now = self._clock()
            self._prune(now)
            if token_id in self._expiry:
                return False
            if len(self._expiry) >= self._max_records:
                self._warn("one-time records", self._max_records, "max_records")
                while len(self._expiry) >= self._max_records:
                    del self._expiry[heapq.heappop(self._queue)[1]]
            expiry = now + ttl
            self._expiry[token_id] = expiry
            heapq.heappush(self._queue, (expiry, token_id))
            return True

    def used(self, token_id: str) -> bool:
        """Whether ``token_id`` is recorded in memory."""
        with self._lock:
            self._prune(self._clock())
            return token_id in self._expiry

    def count(self, key: str, window: int) -> int:
        """Count in memory; the counter is forgotten ``window`` seconds after it started."""
        return self.hit(key, window)[0]

    def hit(self, key: str, window: int) -> tuple[int, float]:
        """Count in memory; also the seconds until the counter is forgotten."""
        with self._lock:
            now = self._clock()
            self._prune(now)
            counters = self._counters
            counter = counters.get(key)
            if counter is None and len(counters) >= self._max_counters:
                self._warn("counters", self._max_counters, "max_counters")
                key = key.rpartition(":")[0] + self.OVERFLOW
                counter = counters.get(key)
            if counter is None:
                # An overflow counter may go one past the bound: one per family.
                counter = counters[key] = [0, now + window]
                heapq.heappush(self._counter_queue, (now + window, key))
            counter[0] += 1
            return int(counter[0]), counter[1] - now

    def _warn(self, kind: str, bound: int, parameter: str) -> None:
        if kind not in self._warned:
            self._warned.add(kind)
            message = ("The MemoryStore holds %s %s, its bound (%s): use a RedisStore"
                       " (SERVER_ACTIONS_STORE) or a larger bound")
            # Outside an app (a store used on its own) there is no app logger.
            warn = logs.warning if has_app_context() else logs.logger.warning
            warn(message, bound, kind, parameter)

    def _prune(self, now: float) -> None:
        while self._queue and self._queue[0][0] <= now:
            _, token_id = heapq.heappop(self._queue)
            self._expiry.pop(token_id, None)
        while self._counter_queue and self._counter_queue[0][0] <= now:
            _, key = heapq.heappop(self._counter_queue)
            del self._counters[key]

    def __len__(self) -> int:
        """How many one-time records are kept (expired ones go on the next use)."""
        return len(self._expiry)


class RedisStore(ActionStore):
    """Records in Redis, shared by every worker and instance.

    Each record is one key written with ``SET key 1 NX EX ttl``, which Redis
    performs atomically and expires by itself::

        actions = ServerActions(app, store=RedisStore("redis://localhost:6379/0"))

    :param client: a :class:`redis.Redis` client, or a URL for
        :meth:`redis.Redis.from_url`. Requires the ``redis`` package
        (``pip install flask-server-actions[redis]``).
    :param prefix: prepended to every key.
    """

    def __init__(self, client: redis.Redis | str, prefix: str = REDIS_PREFIX) -> None:
        if isinstance(client, str):
            import redis as redis_module

            client = redis_module.Redis.from_url(client)
        #: The Redis client records are written with.
        self.client = client
        self.prefix = prefix

    def first_use(self, token_id: str, ttl: int) -> bool:
        """Record ``token_id`` in Redis for ``ttl`` seconds."""
        return bool(self.client.set(self.prefix + token_id, b"1", nx=True, ex=max(1, ttl)))

    def count(self, key: str, window: int) -> int:
        """Count in Redis under ``prefix + "count:" + key``: ``SET NX EX``
        starts the counter with its expiry, ``INCR`` adds one, both in one
        ``MULTI`` transaction."""
        return self.hit(key, window)[0]

    def hit(self, key: str, window: int) -> tuple[int, float]:
        """Count in Redis as :meth:`count` does; ``PTTL``, in the same
        transaction, says when the counter ends."""
        name = f"{self.prefix}count:{key}"
        pipe = self.client.pipeline()
        pipe.set(name, 0, nx=True, ex=max(1, window))
        pipe.incr(name)
        pipe.pttl(name)
        _, count, ttl = pipe.execute()
        return int(count), max(0, int(ttl)) / 1000

    def used(self, token_id: str) -> bool:
        """Whether ``token_id`` is recorded in Redis (``EXISTS``)."""
        return bool(self.client.exists(self.prefix + token_id))


def is_redis_url(value: object) -> t.TypeGuard[str]:
    """Whether a setting names a Redis server by URL."""
    return isinstance(value, str) and value.startswith(("redis://", "rediss://", "unix://"))


#: The ``SERVER_ACTIONS_STORE`` that chooses a :class:`MemoryStore` knowingly.
MEMORY = "memory"


def store_from_setting(value: ActionStore | str) -> ActionStore:
    """The store ``SERVER_ACTIONS_STORE`` names: a store, a Redis URL, or
    ``"memory"`` for a :class:`MemoryStore` (one per process)."""
    if isinstance(value, ActionStore):
        return value
    if value == MEMORY:
        return MemoryStore()
    if is_redis_url(value):
        return RedisStore(value)
    raise TypeError(
        f"SERVER_ACTIONS_STORE is {value!r}. Set it to an ActionStore (such as"
        " MemoryStore() or RedisStore(client)), to a redis:// URL, or to \"memory\" for a"
        " MemoryStore in each process.")
