"""Where the files of a failed submission wait for the next one.

A kept file is stored under a random id the library draws (32 hex
digits), never under a name or an extension the client sent: the client's
filename and content type travel only inside the sealed reference the page
carries (see :mod:`.uploads`). A storage holds bytes, nothing else.

:class:`DirectoryStorage` (the default) keeps them in a local directory,
for one instance; apps on several instances share a
:class:`RedisUploadStorage` (or any :class:`UploadStorage` of their own).
"""

from __future__ import annotations

import abc
import contextlib
import io
import os
import re
import shutil
import time
import typing as t

from ..errors import StoreUnavailable
from .stores import DEFAULT_TIMEOUT
from .stores import is_redis_url
from .stores import redis_client

if t.TYPE_CHECKING:
    import redis

#: What a stored file's id looks like; anything else is never a path.
UPLOAD_ID = re.compile(r"[0-9a-f]{32}")
#: Prefix of the keys :class:`RedisUploadStorage` writes.
REDIS_PREFIX = "server-actions:upload:"


def _checked(upload_id: str) -> str:
    if not UPLOAD_ID.fullmatch(upload_id):
        raise ValueError(f"{upload_id!r} is not an upload id (32 hex digits)")
    return upload_id


class UploadStorage(abc.ABC):
    """Keeps the bytes of uploaded files for a while, by id.

    Subclass it to keep them elsewhere (an object store): implement
    :meth:`save`, :meth:`open`, :meth:`delete` and :meth:`purge`.

    .. versionadded:: 0.3.0
    """

    @abc.abstractmethod
    def save(self, upload_id: str, stream: t.IO[bytes], ttl: int) -> int:
        """Store what ``stream`` holds (read from where it stands) as ``upload_id``.

        :param ttl: seconds the file must be kept at least; after that its
            reference has expired and it may be removed.
        :return: its size in bytes.
        """

    @abc.abstractmethod
    def open(self, upload_id: str) -> t.IO[bytes] | None:
        """The stored file, to read, or ``None`` if it is gone."""

    def exists(self, upload_id: str) -> bool:
        """Whether the file is still there, without reading it.

        This default opens the file and closes it again; override it where
        the storage can say so without opening it.

        .. versionadded:: 0.3.0
        """
        stream = self.open(upload_id)
        if stream is None:
            return False
        stream.close()
        return True

    @abc.abstractmethod
    def delete(self, upload_id: str) -> None:
        """Remove a file (nothing happens if it is gone)."""

    @abc.abstractmethod
    def purge(self, max_age: int) -> int:
        """Remove every file stored more than ``max_age`` seconds ago.

        :return: how many were removed.
        """


class DirectoryStorage(UploadStorage):
    """Files in a local directory, created on first use: the default, in the
    app's instance folder unless ``SERVER_ACTIONS_UPLOAD_DIR`` says where.
    Only files named like an upload id are ever read or removed there.

    What it creates is private to the user the app runs as, whatever the
    process's umask: each file ``0600``, each directory it has to create
    (the directory and any missing parent) ``0700``. A directory that
    already exists keeps its mode.

    :param path: the directory.

    .. versionadded:: 0.3.0
    """

    def __init__(self, path: str | os.PathLike[str]) -> None:
        #: The directory files are kept in.
        self.path = os.fspath(path)

    def _path(self, upload_id: str) -> str:
        return os.path.join(self.path, _checked(upload_id))

    def save(self, upload_id: str, stream: t.IO[bytes], ttl: int) -> int:
        """Copy ``stream`` into a new file (``0600``) of the directory."""
        path = self._path(upload_id)
        _private_directory(self.path)
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(descriptor, "wb") as file:
            shutil.copyfileobj(stream, file)
            return file.tell()

    def exists(self, upload_id: str) -> bool:
        """Whether the file is there (nothing is opened)."""
        return os.path.isfile(self._path(upload_id))

    def open(self, upload_id: str) -> t.IO[bytes] | None:
        """Open the file for reading; closed with the request's files."""
        try:
            return open(self._path(upload_id), "rb")  # noqa: SIM115
        except FileNotFoundError:
            return None

    def delete(self, upload_id: str) -> None:
        """Remove the file."""
        with contextlib.suppress(FileNotFoundError):
            os.unlink(self._path(upload_id))

    def purge(self, max_age: int) -> int:
        """Remove the files last written more than ``max_age`` seconds ago."""
        removed = 0
        oldest = time.time() - max_age
        try:
            entries = list(os.scandir(self.path))
        except FileNotFoundError:
            return 0
        for entry in entries:
            if UPLOAD_ID.fullmatch(entry.name) and entry.stat().st_mtime < oldest:
                self.delete(entry.name)
                removed += 1
        return removed


def _private_directory(path: str) -> None:
    """Create ``path`` and its missing parents, each ``0700`` (the mode
    ``os.makedirs`` gives only the last one)."""
    if os.path.isdir(path):
        return
    # The root always exists: the recursion ends there at the latest.
    _private_directory(os.path.dirname(os.path.abspath(path)))
    with contextlib.suppress(FileExistsError):  # another worker made it meanwhile
        os.mkdir(path, 0o700)


class RedisUploadStorage(UploadStorage):
    """Files in Redis, shared by every instance; each expires by itself
    (``SET ... EX ttl``), so :meth:`purge` has nothing to do. Each file is
    held in Redis's memory until it is used or expires: keep
    ``MAX_CONTENT_LENGTH`` reasonable.

    :param client: a :class:`redis.Redis` client, or a URL for
        :meth:`redis.Redis.from_url`.
    :param prefix: prepended to every key.
    :param timeout: seconds to wait for Redis (to connect, then for each
        answer) when ``client`` is a URL; a ``socket_timeout`` in the URL wins.

    .. versionadded:: 0.3.0
    """

    def __init__(self, client: redis.Redis | str, prefix: str = REDIS_PREFIX,
                 timeout: float | None = DEFAULT_TIMEOUT) -> None:
        #: The Redis client files are written with.
        self.client = redis_client(client, timeout)
        self.prefix = prefix

    def save(self, upload_id: str, stream: t.IO[bytes], ttl: int) -> int:
        """Write the file as one key that expires after ``ttl`` seconds."""
        data = stream.read()
        import redis as redis_module  # the client is redis-py's: redis is installed

        try:
            self.client.set(self.prefix + _checked(upload_id), data, ex=max(1, ttl))
        except redis_module.ResponseError as error:  # out of memory, a read-only replica
            raise StoreUnavailable(f"Redis refused the file: {error}") from error
        return len(data)

    def exists(self, upload_id: str) -> bool:
        """Whether the key is there (``EXISTS``: nothing is read)."""
        return bool(self.client.exists(self.prefix + _checked(upload_id)))

    def open(self, upload_id: str) -> t.IO[bytes] | None:
        """The file's bytes, in memory."""
        data = self.client.get(self.prefix + _checked(upload_id))
        return io.BytesIO(t.cast(bytes, data)) if data is not None else None

    def delete(self, upload_id: str) -> None:
        """Remove the key."""
        self.client.delete(self.prefix + _checked(upload_id))

    def purge(self, max_age: int) -> int:
        """Nothing: Redis removes expired files by itself."""
        return 0


def storage_from_setting(value: object, directory: str,
                         timeout: float | None = DEFAULT_TIMEOUT) -> UploadStorage:
    """The storage ``SERVER_ACTIONS_UPLOAD_STORAGE`` names: a storage, a
    Redis URL (waited for ``timeout`` seconds at most), or ``None`` for a
    :class:`DirectoryStorage` of ``directory``."""
    if value is None:
        return DirectoryStorage(directory)
    if isinstance(value, UploadStorage):
        return value
    if is_redis_url(value):
        return RedisUploadStorage(value, timeout=timeout)
    raise TypeError(
        f"SERVER_ACTIONS_UPLOAD_STORAGE is {value!r}. Set it to an UploadStorage (such as"
        " DirectoryStorage(path) or RedisUploadStorage(client)) or to a redis:// URL, or"
        " leave it None to keep files in SERVER_ACTIONS_UPLOAD_DIR.")
