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

The default :class:`MemoryStore` serves one process. Apps running several
workers or instances share a :class:`RedisStore`.
"""

from __future__ import annotations

import abc
import heapq
import threading
import time
import typing as t

if t.TYPE_CHECKING:
    import redis

#: Prefix of the keys :class:`RedisStore` writes, so they are easy to find.
REDIS_PREFIX = "server-actions:used:"


class ActionStore(abc.ABC):
    """Remembers which one-time tokens were used, and counts refusals.

    Subclass it to keep records elsewhere (a database table with a unique
    key, memcached's ``add`` and ``incr``): implement :meth:`first_use` and
    :meth:`count` atomically.
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

        .. versionadded:: 0.3.0
        """
        return self.count(key, window), float(window)


class MemoryStore(ActionStore):
    """Records in this process's memory: the default.

    Safe across threads, but each process has its own records, so with
    several worker processes or instances a token could be used once per
    process: use :class:`RedisStore` there.

    :param clock: returns the current time in seconds; monotonic by default.
    :param max_counters: how many counters (:meth:`count`) are kept at most:
        clients are counted by address, and an attacker holds many; past
        this, the counters closest to their end are forgotten first.
    """

    def __init__(self, clock: t.Callable[[], float] = time.monotonic,
                 max_counters: int = 100_000) -> None:
        self._clock = clock
        self._max_counters = max_counters
        self._lock = threading.Lock()
        self._expiry: dict[str, float] = {}
        # (expiry, id) pairs, oldest first, so expired records are dropped in
        # O(log n) each instead of scanning every record.
        self._queue: list[tuple[float, str]] = []
        self._counters: dict[str, list[float]] = {}  # key: [count, expiry]
        self._counter_queue: list[tuple[float, str]] = []

    def first_use(self, token_id: str, ttl: int) -> bool:
        """Record ``token_id`` in memory for ``ttl`` seconds."""
        with self._lock:
            now = self._clock()
            self._prune(now)
            if token_id in self._expiry:
                return False
            expiry = now + ttl
            self._expiry[token_id] = expiry
            heapq.heappush(self._queue, (expiry, token_id))
            return True

    def count(self, key: str, window: int) -> int:
        """Count in memory; the counter is forgotten ``window`` seconds after it started."""
        return self.hit(key, window)[0]

    def hit(self, key: str, window: int) -> tuple[int, float]:
        """Count in memory; also the seconds until the counter is forgotten."""
        with self._lock:
            now = self._clock()
            self._prune(now)
            counter = self._counters.get(key)
            if counter is None:
                while len(self._counters) >= self._max_counters:
                    del self._counters[heapq.heappop(self._counter_queue)[1]]
                counter = self._counters[key] = [0, now + window]
                heapq.heappush(self._counter_queue, (now + window, key))
            counter[0] += 1
            return int(counter[0]), counter[1] - now

    def _prune(self, now: float) -> None:
        while self._queue and self._queue[0][0] <= now:
            _, token_id = heapq.heappop(self._queue)
            del self._expiry[token_id]
        while self._counter_queue and self._counter_queue[0][0] <= now:
            _, key = heapq.heappop(self._counter_queue)
            del self._counters[key]

    def __len__(self) -> int:
        """How many records are kept (expired ones go on the next use)."""
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


def is_redis_url(value: object) -> t.TypeGuard[str]:
    """Whether a setting names a Redis server by URL."""
    return isinstance(value, str) and value.startswith(("redis://", "rediss://", "unix://"))


def store_from_setting(value: ActionStore | str) -> ActionStore:
    """The store ``SERVER_ACTIONS_STORE`` names: a store, or a Redis URL."""
    if isinstance(value, ActionStore):
        return value
    if is_redis_url(value):
        return RedisStore(value)
    raise TypeError(
        f"SERVER_ACTIONS_STORE is {value!r}. Set it to an ActionStore (such as"
        " MemoryStore() or RedisStore(client)) or to a redis:// URL, or leave it None"
        " for an in-process MemoryStore.")
