"""Tagged JSON for the values an action token carries.

Captured variables, defaults and bound arguments travel inside the encrypted
token as JSON. JSON's own types pass as they are; a few common Python types
are written as one-key objects whose key starts with ``#`` (a *tag*), and an
app can register its own types (an ORM row stored as its primary key and
loaded again on submit).

Tagged: ``tuple``, ``set``, ``frozenset``, ``dict`` with keys other than
strings (or a single key starting with ``#``), ``bytes``, ``date``,
``datetime``, ``time``, ``timedelta``, ``UUID`` and ``Decimal``. An aware
``datetime`` or ``time`` comes back with its UTC offset as a fixed
``timezone`` (a ``ZoneInfo`` is not kept by name), and ``fold`` is not kept.
Built-in types are matched exactly: a subclass (an ``IntEnum``, a
``defaultdict``) is refused at render time unless registered. A registered
type also covers its subclasses (the nearest registered class in the MRO
wins), so registering an ORM's base class covers every model. A proxy (such
as Flask-Login's ``current_user``) is written as the object it stands for.
"""

from __future__ import annotations

import base64
import datetime as dt
import decimal
import json
import json.encoder
import json.scanner
import typing as t
import uuid
from dataclasses import dataclass

from werkzeug.local import LocalProxy

_PLAIN = (str, int, float, bool, type(None))
#: A class not met yet, in the cache of registrations.
_UNKNOWN: t.Any = object()

_ENCODER = json.JSONEncoder(separators=(",", ":"), ensure_ascii=False)
_DECODER = json.JSONDecoder()
# Tokens are encoded and decoded on every page and every post: build the C
# encoder and scanner once instead of once per call as json.dumps and
# json.loads do. Encoded data never holds cycles (encode() bounds its depth),
# so the encoder's cycle check is left out.
_make_encoder = getattr(json.encoder, "c_make_encoder", None)
_make_scanner = getattr(json.scanner, "c_make_scanner", None)
_c_encode = _make_encoder and _make_encoder(
    None, _ENCODER.default, json.encoder.encode_basestring, None, ":", ",",
    False, False, True)
_c_scan = _make_scanner and _make_scanner(_DECODER)


def compact_json(data: t.Any) -> str:
    """``data`` (made of JSON types only) as compact JSON text."""
    if _c_encode is None:  # pragma: no cover - Python without the C accelerator
        return _ENCODER.encode(data)
    return "".join(_c_encode(data, 0))


def read_json(text: str) -> t.Any:
    """Parse JSON text written by :func:`compact_json`.

    :raises ValueError: the text is not one JSON value.
    """
    if _c_scan is None:  # pragma: no cover - Python without the C accelerator
        return _DECODER.decode(text)
    try:
        data, end = _c_scan(text, 0)
    except StopIteration:
        raise ValueError("not JSON") from None
    if end != len(text):
        raise ValueError(f"extra data at {end}")
    return data


class TooDeep(ValueError):
    """A value nests deeper than the configured limit."""


class NotSerializable(TypeError):
    """A value has a type the serializer cannot write.

    :param value: the value (or the part of it) that failed.
    """

    def __init__(self, value: object) -> None:
        super().__init__(type(value).__name__)
        self.value = value


@dataclass(frozen=True)
class _Custom:
    cls: type
    name: str
    dump: t.Callable[[t.Any], t.Any]
    load: t.Callable[[t.Any], t.Any]
    #: What the JSON of every value of the type starts with: ``{"#x":[name,``.
    opening: str = ""
    #: The ``write_json`` of ``dump``, if it has one.
    write_json: t.Callable[[t.Any], str | None] | None = None


class Serializer:
    """Writes and reads tagged JSON, with a registry of custom types.

    :param max_depth: how deeply containers may nest.
    """

    def __init__(self, max_depth: int = 32) -> None:
        self.max_depth = max_depth
        self._by_type: dict[type, _Custom] = {}
        self._by_name: dict[str, _Custom] = {}
        # Each class met, with the registration found in its MRO (or None).
        self._by_class: dict[type, _Custom | None] = {}

    def register(self, cls: type, name: str, dump: t.Callable[[t.Any], t.Any],
                 load: t.Callable[[t.Any], t.Any]) -> None:
        """Let values of ``cls`` travel in tokens.

        :param cls: the type to handle, and its subclasses unless one of
            them is registered too.
        :param name: a short, stable name written into tokens.
        :param dump: turns a value into something serializable, e.g. its key.
            It may have a ``write_json`` method giving the compact JSON
            text of ``dump(value)`` straight away, or ``None`` to leave the
            value to ``dump``: bound arguments of the type are then
            written by it (see :meth:`write_flat`).
        :param load: turns that back into a value when the form is submitted.
        """
        if name in self._by_name and self._by_name[name].cls is not cls:
            raise ValueError(f"The type name {name!r} is already registered for"
                             f" {self._by_name[name].cls.__qualname__}.")
        custom = _Custom(cls, name, dump, load, f'{{"#x":[{compact_json(name)},',
                         getattr(dump, "write_json", None))
        self._by_type[cls] = custom
        self._by_name[name] = custom
        self._by_class.clear()

    def encode(self, value: object, depth: int = 0) -> t.Any:
        """Turn ``value`` into JSON-ready data, tagging what JSON lacks."""
        kind = type(value)
        if kind in _PLAIN:
            return value
        if depth >= self.max_depth:
            raise TooDeep(f"nested deeper than {self.max_depth} levels")
        depth += 1
        if kind is list:
            return [self.encode(item, depth) for item in t.cast(list[object], value)]
        if kind is dict:
            mapping = t.cast(dict[object, object], value)
            if all(type(key) is str for key in mapping) and not _looks_tagged(mapping):
                return {key: self.encode(item, depth) for key, item in mapping.items()}
            return {"#m": [[self.encode(key, depth), self.encode(item, depth)]
                           for key, item in mapping.items()]}
        if kind is tuple:
            return {"#t": [self.encode(item, depth) for item in t.cast(tuple[object, ...], value)]}
        if kind is set or kind is frozenset:
            tag = "#s" if kind is set else "#f"
            return {tag: [self.encode(item, depth) for item in t.cast(set[object], value)]}
        custom = self._registration(kind)
        if custom is not None:
            data = custom.dump(value)
            # A flat list of plain values (a row's key) is its own encoding.
            if depth < self.max_depth and _flat_list(data):
                return {"#x": [custom.name, data]}
            return {"#x": [custom.name, self.encode(data, depth)]}
        writer = _WRITERS.get(kind)
        if writer is not None:
            tag, write = writer
            return {tag: write(value)}
        if kind is LocalProxy:
            return self.encode(t.cast(t.Any, value)._get_current_object(), depth - 1)
        raise NotSerializable(value)

    def write_flat(self, values: t.Sequence[object], max_bytes: int) -> str | None:
        """``compact_json([self.encode(value) for value in values])[1:-1]``,
        written the short way when each value is a plain value or of a
        registered type (a row bound to an action): a registered value whose
        dump is a plain value or a flat list of them (a row's key) is
        written without a second pass over it.

        :returns: ``None`` when a value is of any other type, or cannot be
            encoded, or the whole takes more than ``max_bytes`` of JSON (in
            UTF-8, with its brackets): the caller then takes the general
            way, which says what is wrong. What a registered ``dump``
            raises (a row without a key), it raises.
        """
        parts: list[str] = []
        for value in values:
            kind = type(value)
            # A registered type met before first (the usual bound row): only
            # such types are ever cached with their registration.
            custom = self._by_class.get(kind)
            if custom is None:
                if kind is int:
                    parts.append(int.__repr__(t.cast(int, value)))
                    continue
                if kind in _PLAIN:
                    parts.append(compact_json(value))
                    continue
                if kind in _CONTAINER_TYPES:
                    return None
                custom = self._registration(kind)
                if custom is None:
                    return None
            if self.max_depth < 1:
                return None
            if custom.write_json is not None and self.max_depth > 1:
                text = custom.write_json(value)
                if text is not None:
                    parts.append(f"{custom.opening}{text}]}}")
                    continue
            data = custom.dump(value)
            if type(data) in _PLAIN or (self.max_depth > 1 and _flat_list(data)):
                text = compact_json(data)
            else:
                try:
                    text = compact_json(self.encode(data, 1))
                except (NotSerializable, TooDeep):
                    return None
            parts.append(f"{custom.opening}{text}]}}")
        text = ",".join(parts)
        size = len(text) if text.isascii() else len(text.encode("utf-8"))
        return None if size + 2 > max_bytes else text

    def _registration(self, kind: type) -> _Custom | None:
        try:
            return self._by_class[kind]
        except KeyError:
            pass
        custom = next((self._by_type[base] for base in kind.__mro__ if base in self._by_type),
                      None)
        self._by_class[kind] = custom
        return custom

    def decode(self, data: t.Any) -> t.Any:
        """Turn data made by :meth:`encode` back into Python values.

        :raises ValueError: the data is not what :meth:`encode` writes.
        """
        kind = type(data)
        if kind in _PLAIN:
            return data
        if kind is list:
            return [self.decode(item) for item in data]
        if kind is not dict:
            raise ValueError(f"unexpected {kind.__name__}")
        if len(data) == 1:
            ((key, inner),) = data.items()
            if key.startswith("#"):
                return self._decode_tag(key, inner)
        return {key: self.decode(item) for key, item in data.items()}

    def _decode_tag(self, tag: str, inner: t.Any) -> t.Any:
        if tag == "#x":
            return self._load_custom(inner)
        try:
            return self._read_tag(tag, inner)
        # Whatever a reader trips on (a wrong type, a short list, an
        # unhashable key, an invalid decimal) is one error for the caller.
        except (TypeError, LookupError, ArithmeticError, AttributeError) as error:
            raise ValueError(f"malformed {tag} value: {error}") from None

    def _read_tag(self, tag: str, inner: t.Any) -> t.Any:
        if tag in _CONTAINERS:
            if type(inner) is not list:
                raise ValueError(f"tag {tag} needs a list")
            items = [self.decode(item) for item in inner]
            if tag == "#m":
                if not all(type(pair) is list and len(pair) == 2 for pair in items):
                    raise ValueError("tag #m needs [key, value] pairs")
                return {pair[0]: pair[1] for pair in items}
            return _CONTAINERS[tag](items)
        reader = _READERS.get(tag)
        if reader is None:
            raise ValueError(f"unknown tag {tag!r}")
        return reader(inner)

    def _load_custom(self, inner: t.Any) -> t.Any:
        if type(inner) is not list or len(inner) != 2 or type(inner[0]) is not str:
            raise ValueError("tag #x needs [type name, value]")
        name, payload = inner
        custom = self._by_name.get(name)
        if custom is None:
            raise ValueError(f"no type registered as {name!r}")
        # The app's loader raises what it means (abort(404) for a deleted row).
        return custom.load(self.decode(payload))

    def dumps(self, value: object) -> str:
        """Encode ``value`` and write it as compact JSON."""
        return compact_json(self.encode(value))

    def loads(self, text: str | bytes) -> t.Any:
        """Read JSON written by :meth:`dumps` back into Python values."""
        return self.decode(json.loads(text))


def _looks_tagged(mapping: dict[t.Any, t.Any]) -> bool:
    return len(mapping) == 1 and next(iter(mapping)).startswith("#")


def _b64(value: bytes) -> str:
    return base64.b64encode(value).decode("ascii")


_WRITERS: dict[type, tuple[str, t.Callable[[t.Any], t.Any]]] = {
    bytes: ("#b", _b64),
    dt.datetime: ("#dt", dt.datetime.isoformat),
    dt.date: ("#d", dt.date.isoformat),
    dt.time: ("#tm", dt.time.isoformat),
    dt.timedelta: ("#td", lambda v: [v.days, v.seconds, v.microseconds]),
    uuid.UUID: ("#u", lambda v: v.hex),
    decimal.Decimal: ("#n", str),
}

_READERS: dict[str, t.Callable[[t.Any], t.Any]] = {
    "#b": lambda v: base64.b64decode(v, validate=True),
    "#dt": dt.datetime.fromisoformat,
    "#d": dt.date.fromisoformat,
    "#tm": dt.time.fromisoformat,
    "#td": lambda v: dt.timedelta(days=v[0], seconds=v[1], microseconds=v[2]),
    "#u": uuid.UUID,
    "#n": decimal.Decimal,
}


def _flat_list(data: object) -> bool:
    """Whether ``data`` is a list of plain values only: its own encoding."""
    return type(data) is list and all(type(item) in _PLAIN for item in data)


#: Encoded as JSON's own containers or tagged, never as a registered type.
_CONTAINER_TYPES = frozenset({list, dict, tuple, set, frozenset})

_CONTAINERS: dict[str, t.Callable[[list[t.Any]], t.Any]] = {
    "#t": tuple,
    "#s": set,
    "#f": frozenset,
    "#m": list,  # pairs; turned into a dict by _decode_tag
}
