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

A one-time record is written before its action runs and marked finished
after (:meth:`ActionStore.claim`, :meth:`ActionStore.finish`), so that a
token whose post died on the way (a worker killed inside the action, a
store that answered too late) is told apart from one that ran: the first
cannot be known to have run or not, and is refused as such
(:class:`~flask_server_actions.errors.OutcomeUnknown`), never run again and
never said to have run.
"""

from __future__ import annotations

import abc
import enum
import heapq
import secrets
import sys
import threading
import time
import typing as t

from flask import has_app_context

from .. import logs
from ..errors import StoreUnavailable

if t.TYPE_CHECKING:
    import redis

#: Prefix of the keys :class:`RedisStore` writes, so they are easy to find.
REDIS_PREFIX = "server-actions:used:"
#: The key, after the prefix, holding since when the store keeps its records.
SINCE_KEY = "since"
#: Seconds the library waits for its store (connect, then each answer) by
#: default: ``SERVER_ACTIONS_STORE_TIMEOUT``.
DEFAULT_TIMEOUT = 2.0


class Claim(enum.Enum):
    """What a store knew of a one-time token when a post claimed it
    (:meth:`ActionStore.claim`).

    .. versionadded:: 0.3.0
    """

    #: Recorded now, for this post: the action may run.
    FIRST = "first"
    #: Its action ran before (or the store cannot tell running from done).
    DONE = "done"
    #: Recorded, but its action was never marked finished: the post died
    #: on the way (a killed worker), or is still running.
    PENDING = "pending"
    #: The store lost its records since the token was issued (restarted
    #: without its data): whether it ran cannot be known.
    UNKNOWN = "unknown"


def outages() -> tuple[type[Exception], ...]:
    """The errors that mean a store could not be reached in time: the
    library's :class:`~flask_server_actions.errors.StoreUnavailable`, the
    built-in ``ConnectionError`` and ``TimeoutError``, and redis-py's (once
    it is imported)."""
    found: tuple[type[Exception], ...] = (StoreUnavailable, ConnectionError, TimeoutError)
    module = sys.modules.get("redis")
    if module is not None:
        found += (module.ConnectionError, module.TimeoutError)
    return found


class ActionStore(abc.ABC):
    """Remembers which one-time tokens were used, and counts posts.

    Subclass it to keep records elsewhere (a database table with a unique
    key, memcached's ``add`` and ``incr``): implement :meth:`first_use` and
    :meth:`count` atomically, and :meth:`hit`, :meth:`claim`,
    :meth:`peek` and :meth:`finish` where the store can tell more.
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

        Callers start each key with its kind and a colon (``limit:``,
        ``refused:``, ``kept:``): a bounded store that is full may count a
        key new to it with the other new keys of its kind (:class:`MemoryStore`
        does), never with another kind.

        .. versionadded:: 0.3.0
        """
        return self.count(key, window), float(window)

    def claim(self, token_id: str, ttl: int, issued_at: int) -> Claim:
        """Record ``token_id`` as claimed by this post, before its action
        runs, unless it was recorded before; say what was known of it.

        Override it (with :meth:`finish`) where the store can tell a record
        whose action finished from one whose post died on the way, and can
        notice it lost records; this default records with
        :meth:`first_use` and calls every earlier record done.

        :param issued_at: when the token was minted (seconds since the
            epoch): a store that lost its records since then answers
            :attr:`Claim.UNKNOWN`.
        :raises ~flask_server_actions.errors.StoreUnavailable: the store
            could not say in time.

        .. versionadded:: 0.3.0
        """
        return Claim.FIRST if self.first_use(token_id, ttl) else Claim.DONE

    def peek(self, token_id: str, issued_at: int) -> Claim | None:
        """What is known of ``token_id``, without recording it: for a stale
        one-time form (of another session, expired), whether it was sent
        before. This default cannot tell.

        :return: :attr:`Claim.DONE`, :attr:`Claim.PENDING` or
            :attr:`Claim.UNKNOWN` as :meth:`claim` would answer, or ``None``
            when it was not recorded (or the store cannot tell).

        .. versionadded:: 0.3.0
        """
        return None

    def finish(self, token_id: str, ttl: int) -> None:  # noqa: B027 - optional, as documented
        """Mark the record of ``token_id``, claimed by this post, finished:
        its action ran to its end (or was refused before it started). This
        default does nothing.

        .. versionadded:: 0.3.0
        """


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
      store is counted instead with every other new key of its kind (the
      key up to its first ``:``: ``limit``, ``refused``, ...) in one shared
      counter, until counters end and make room (a warning is logged). So a
      flood of new keys is held to the limits as one client, and the
      clients counted before it keep their counts.

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

    #: What a key shares its counter with past ``max_counters``: its kind
    #: (the key up to its first ``:``) and this suffix. One per kind, so
    #: however the keys after the kind are made, the bound holds.
    OVERFLOW = ":\x00overflow"

    def __init__(self, clock: t.Callable[[], float] = time.monotonic,
                 max_counters: int = 100_000, max_records: int = 100_000) -> None:
        self._clock = clock
        self._max_counters = max_counters
        self._max_records = max_records
        self._lock = threading.Lock()
        self._expiry: dict[str, float] = {}
        self._done: set[str] = set()  # records whose action finished
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
                    evicted = heapq.heappop(self._queue)[1]
                    del self._expiry[evicted]
                    self._done.discard(evicted)
            expiry = now + ttl
            self._expiry[token_id] = expiry
            heapq.heappush(self._queue, (expiry, token_id))
            return True

    def claim(self, token_id: str, ttl: int, issued_at: int) -> Claim:
        """Record ``token_id`` in memory as pending (:meth:`first_use`).
        The records die with the process, unnoticed: see the deployment docs."""
        if self.first_use(token_id, ttl):
            return Claim.FIRST
        return self._known(token_id) or Claim.PENDING

    def peek(self, token_id: str, issued_at: int) -> Claim | None:
        """What the record of ``token_id`` in memory says, if any."""
        with self._lock:
            self._prune(self._clock())
        return self._known(token_id)

    def finish(self, token_id: str, ttl: int) -> None:
        """Mark the record done."""
        with self._lock:
            if token_id in self._expiry:
                self._done.add(token_id)

    def _known(self, token_id: str) -> Claim | None:
        with self._lock:
            if token_id not in self._expiry:
                return None
            return Claim.DONE if token_id in self._done else Claim.PENDING

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
                key = key.partition(":")[0] + self.OVERFLOW
                counter = counters.get(key)
            if counter is None:
                # An overflow counter may go one past the bound: one per kind.
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
            del self._expiry[token_id]
            self._done.discard(token_id)
        while self._counter_queue and self._counter_queue[0][0] <= now:
            _, key = heapq.heappop(self._counter_queue)
            del self._counters[key]

    def __len__(self) -> int:
        """How many one-time records are kept (expired ones go on the next use)."""
        return len(self._expiry)


class RedisStore(ActionStore):
    """Records in Redis, shared by every worker and instance::

        actions = ServerActions(app, store=RedisStore("redis://localhost:6379/0"))

    A one-time record is one key that expires with its token, written by a
    Lua script that Redis runs atomically: ``p`` and a random attempt id
    while its action runs, ``d`` once it finished. A post that could not
    read the answer (a timeout) runs the same script again: finding its own
    attempt id, it knows its record landed.

    The key ``prefix + "since"`` says since when the store keeps records. A
    Redis that restarted without its data has lost it: it is written again
    with the time Redis started, and a one-time token issued before then
    is refused as :attr:`Claim.UNKNOWN`, never run again. Records lost
    while Redis ran on (flushed, evicted) are dated from the moment the
    loss is noticed, by a process that found them before. The store must
    keep its data (see the deployment docs): at its first use in a process
    it logs a warning when Redis says it would not (no persistence, or an
    eviction policy).

    Counters (:meth:`hit`) are plain keys too: a Redis restarted without
    its data forgets them, so a ``limit=`` starts again.

    :param client: a :class:`redis.Redis` client, or a URL for
        :meth:`redis.Redis.from_url`. Requires the ``redis`` package
        (``pip install flask-server-actions[redis]``).
    :param prefix: prepended to every key.
    :param timeout: seconds to wait for Redis (to connect, then for each
        answer) when ``client`` is a URL; a ``socket_timeout`` in the URL
        wins. A client you build keeps its own settings.

    .. versionchanged:: 0.3.0
        Records tell a running action from a finished one; a Redis that
        lost its records is noticed; ``timeout``.
    """

    _CLAIM = """
local since = redis.call('GET', KEYS[2])
if not since then return false end
local found = redis.call('GET', KEYS[1])
if found then return found end
if tonumber(ARGV[3]) < tonumber(since) then return '?' end
redis.call('SET', KEYS[1], ARGV[1], 'EX', ARGV[2])
return ARGV[1]
"""

    def __init__(self, client: redis.Redis | str, prefix: str = REDIS_PREFIX,
                 timeout: float | None = DEFAULT_TIMEOUT) -> None:
        #: The Redis client records are written with.
        self.client = redis_client(client, timeout)
        self.prefix = prefix
        self._claim = self.client.register_script(self._CLAIM)
        self._checked = False
        #: When this process last found the "since" key in Redis.
        self._seen: float | None = None

    def first_use(self, token_id: str, ttl: int) -> bool:
        """Record ``token_id`` in Redis for ``ttl`` seconds (as done)."""
        return bool(self.client.set(self.prefix + token_id, b"d", nx=True, ex=max(1, ttl)))

    def claim(self, token_id: str, ttl: int, issued_at: int) -> Claim:
        """Record ``token_id`` as pending, atomically, unless recorded
        before or issued before the store's records began."""
        import redis as redis_module

        self._check_settings()
        attempt = f"p{secrets.token_hex(8)}".encode()
        keys = [self.prefix + token_id, self.prefix + SINCE_KEY]
        retried = False
        while True:
            try:
                found = self._claim(keys=keys, args=[attempt, max(1, ttl), issued_at])
                if found is not None:  # the records were there: note when
                    self._seen = time.time()
                    break
                self._mark_since()
            except (redis_module.ConnectionError, redis_module.TimeoutError) as error:
                # The script may have run without its answer arriving: the
                # same attempt again finds the record it wrote, if it did.
                if retried:
                    raise StoreUnavailable(f"Redis did not answer: {error}") from error
                retried = True
            except redis_module.ResponseError as error:  # out of memory, a read-only replica
                raise StoreUnavailable(f"Redis refused the record: {error}") from error
        found = _raw(found)  # str from a client that decodes responses
        if found == attempt:
            return Claim.FIRST
        if found == b"?":
            return Claim.UNKNOWN
        return Claim.PENDING if found.startswith(b"p") else Claim.DONE

    def peek(self, token_id: str, issued_at: int) -> Claim | None:
        """Read the record of ``token_id`` and since when records begin."""
        found, since = self.client.mget(self.prefix + token_id, self.prefix + SINCE_KEY)
        if found is not None:
            return Claim.PENDING if _raw(found).startswith(b"p") else Claim.DONE
        if since is None:
            self._mark_since()
            since = self.client.get(self.prefix + SINCE_KEY)
        else:
            self._seen = time.time()
        return Claim.UNKNOWN if issued_at < float(since or "inf") else None

    def finish(self, token_id: str, ttl: int) -> None:
        """Mark the record done (``SET XX``, keeping it as long)."""
        self.client.set(self.prefix + token_id, b"d", xx=True, ex=max(1, ttl))

    def _mark_since(self) -> None:
        """Write since when the store keeps records: when Redis started, as
        far as it says (``INFO``), else now; and now if Redis has not
        restarted since this process last found the records (they were
        lost while it ran: flushed, evicted, deleted)."""
        import redis as redis_module

        now = time.time()
        try:
            info = self.client.info()
            # Whole seconds, on Redis's clock: the start is in the second of
            # its first "last save" (the data counts as saved at start, until
            # a save), and at most its uptime ago, as this clock reads it.
            redis_now = int(info["server_time_usec"]) / 1e6
            since = min(now - float(info["uptime_in_seconds"]),
                        now - redis_now + int(info["rdb_last_save_time"]) + 1)
        except (redis_module.ResponseError, KeyError, ValueError):  # INFO renamed away
            since = now
        # Redis tells its start in whole seconds: one second's margin.
        if self._seen is not None and since < self._seen - 1:
            # Running when the records were last seen here: whatever was
            # recorded until now may be gone, not only what came before
            # Redis started.
            since = now
        if self.client.set(self.prefix + SINCE_KEY, repr(since), nx=True):
            logs.warning(
                "The one-time records in Redis begin at %s (Redis started then, or lost"
                " the library's keys): one-time forms shown before then are refused as"
                " unknown. Keep Redis's data over restarts (see the deployment docs).",
                time.strftime("%Y-%m-%d %H:%M:%S UTC", time.gmtime(since)))

    def _check_settings(self) -> None:
        """At the first use in this process, warn when Redis says it would
        not keep the records."""
        if self._checked:
            return
        import redis as redis_module

        try:
            found: dict[str, str] = {}
            for name in ("appendonly", "save", "maxmemory-policy"):
                for key, value in t.cast(dict[t.Any, t.Any],
                                         self.client.config_get(name)).items():
                    found[_text(key)] = _text(value)
        except redis_module.ResponseError:  # CONFIG disabled, as on managed Redis
            self._checked = True
            return
        except (redis_module.ConnectionError, redis_module.TimeoutError):
            return  # not now: the next use asks again
        self._checked = True
        problems = []
        if found.get("appendonly") != "yes" and not found.get("save"):
            problems.append("keeps nothing over a restart (appendonly no, save \"\")")
        policy = found.get("maxmemory-policy", "noeviction")
        if policy != "noeviction":
            problems.append(f"may evict the library's keys (maxmemory-policy {policy})")
        if problems:
            logs.warning(
                "Redis %s: one-time records and rate limits are lost with it, and a"
                " one-time form shown before it lost them is refused as unknown. Turn on"
                " persistence (appendonly yes) and set maxmemory-policy noeviction (see"
                " the deployment docs).", " and ".join(problems))

    def count(self, key: str, window: int) -> int:
        """Count in Redis under ``prefix + "count:" + key``: ``SET NX EX``
        starts the counter with its expiry, ``INCR`` adds one, both in one
        ``MULTI`` transaction."""
        return self.hit(key, window)[0]

    def hit(self, key: str, window: int) -> tuple[int, float]:
        """Count in Redis as :meth:`count` does; ``PTTL``, in the same
        transaction, says when the counter ends."""
        import redis as redis_module

        self._check_settings()
        name = f"{self.prefix}count:{key}"
        pipe = self.client.pipeline()
        pipe.set(name, 0, nx=True, ex=max(1, window))
        pipe.incr(name)
        pipe.pttl(name)
        try:
            _, count, ttl = pipe.execute()
        except redis_module.ResponseError as error:  # out of memory, a read-only replica
            raise StoreUnavailable(f"Redis refused the count: {error}") from error
        return int(count), max(0, int(ttl)) / 1000


def _raw(value: str | bytes) -> bytes:
    return value.encode() if isinstance(value, str) else value


def _text(value: str | bytes) -> str:
    return value.decode() if isinstance(value, bytes) else value


def redis_client(url: str | redis.Redis, timeout: float | None) -> redis.Redis:
    """A client for the Redis at ``url`` that waits ``timeout`` seconds at
    most to connect and for each answer (unless the URL says otherwise),
    and never retries by itself: a command that timed out may have run, and
    only its caller knows whether running it again is safe. A client the
    app made itself is used as it is."""
    if not isinstance(url, str):
        return url
    import redis as redis_module

    return redis_module.Redis.from_url(url, socket_timeout=timeout,
                                       socket_connect_timeout=timeout)


def is_redis_url(value: object) -> t.TypeGuard[str]:
    """Whether a setting names a Redis server by URL."""
    return isinstance(value, str) and value.startswith(("redis://", "rediss://", "unix://"))


#: The ``SERVER_ACTIONS_STORE`` that chooses a :class:`MemoryStore` knowingly.
MEMORY = "memory"


def store_from_setting(value: ActionStore | str,
                       timeout: float | None = DEFAULT_TIMEOUT) -> ActionStore:
    """The store ``SERVER_ACTIONS_STORE`` names: a store, a Redis URL
    (waited for ``timeout`` seconds at most, ``SERVER_ACTIONS_STORE_TIMEOUT``),
    or ``"memory"`` for a :class:`MemoryStore` (one per process)."""
    if isinstance(value, ActionStore):
        return value
    if value == MEMORY:
        return MemoryStore()
    if is_redis_url(value):
        return RedisStore(value, timeout=timeout)
    raise TypeError(
        f"SERVER_ACTIONS_STORE is {value!r}. Set it to an ActionStore (such as"
        " MemoryStore() or RedisStore(client)), to a redis:// URL, or to \"memory\" for a"
        " MemoryStore in each process.")
