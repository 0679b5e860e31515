"""Tagged JSON, the format of captured values and bound arguments: every
supported type comes back as it went, plain JSON stays plain, malformed data
is refused, and apps register their own types."""

from __future__ import annotations

import datetime as dt
import decimal
import json
import uuid

import pytest
from hypothesis import given
from hypothesis import settings
from hypothesis import strategies as st
from werkzeug.local import LocalProxy

from flask_server_actions.token.serialization import NotSerializable
from flask_server_actions.token.serialization import Serializer
from flask_server_actions.token.serialization import TooDeep

from .compare import same

UTC = dt.timezone.utc
TOKYO = dt.timezone(dt.timedelta(hours=9))

SAMPLES: dict[str, object] = {
    "str": "héllo \"world\" \u2603",
    "empty str": "",
    "int": 7,
    "big int": 2**80,
    "negative int": -3,
    "float": 2.5,
    "negative zero": -0.0,
    "infinity": float("inf"),
    "true": True,
    "false": False,
    "none": None,
    "list": [1, "a", None],
    "empty list": [],
    "dict": {"a": 1, "b": [2, 3]},
    "empty dict": {},
    "int keys": {1: "one", 2: "two"},
    "mixed keys": {1: "one", "1": "string one", None: 0, (1, 2): "tuple"},
    "single hash key": {"#t": [1, 2]},
    "single hash key, not a tag": {"#nothing": "x"},
    "two keys with a hash": {"#t": 1, "plain": 2},
    "tuple": (1, "a", None),
    "empty tuple": (),
    "set": {1, 2, 3},
    "empty set": set(),
    "frozenset": frozenset({"a", "b"}),
    "date": dt.date(2024, 2, 29),
    "naive datetime": dt.datetime(2024, 5, 17, 13, 45, 1, 123456),
    "aware datetime": dt.datetime(2024, 5, 17, 13, 45, tzinfo=TOKYO),
    "utc datetime": dt.datetime(2024, 5, 17, 4, 45, tzinfo=UTC),
    "time": dt.time(23, 59, 58, 999),
    "aware time": dt.time(8, 30, tzinfo=TOKYO),
    "timedelta": dt.timedelta(days=-2, seconds=5, microseconds=7),
    "uuid": uuid.UUID("12345678-1234-5678-1234-567812345678"),
    "decimal": decimal.Decimal("-12.3400"),
    "decimal exponent": decimal.Decimal("1E+5"),
    "bytes": b"\x00\xff binary\n",
    "empty bytes": b"",
    "nested": {"rows": [(1, {dt.date(2024, 1, 1)}), frozenset({(1, b"x")})],
               "when": {dt.time(1, 2): [uuid.UUID(int=5), decimal.Decimal("0.1")]}},
}


def round_trip(value: object) -> object:
    serializer = Serializer()
    text = serializer.dumps(value)
    json.loads(text)  # what travels is plain JSON
    return serializer.loads(text)


@pytest.mark.parametrize("value", SAMPLES.values(), ids=SAMPLES.keys())
def test_every_supported_type_round_trips(value: object) -> None:
    assert same(round_trip(value), value)


@pytest.mark.parametrize("value", SAMPLES.values(), ids=SAMPLES.keys())
def test_values_round_trip_inside_every_container(value: object) -> None:
    wrapped = [value, {"key": value}, {0: [value]}]
    assert same(round_trip(wrapped), wrapped)


def test_plain_json_stays_untagged() -> None:
    value = {"a": [1, 2.5, "x", None, True]}
    assert json.loads(Serializer().dumps(value)) == value


def test_a_dict_whose_only_key_looks_like_a_tag_is_escaped() -> None:
    assert json.loads(Serializer().dumps({"#u": "x"})) == {"#m": [["#u", "x"]]}


def test_decimal_and_uuid_are_written_compactly() -> None:
    serializer = Serializer()
    assert serializer.encode(uuid.UUID(int=1)) == {"#u": "0" * 31 + "1"}
    assert serializer.encode(decimal.Decimal("1.50")) == {"#n": "1.50"}


class Opaque:
    pass


class Name(str):
    pass


class Tally(dict):  # type: ignore[type-arg]
    pass


@pytest.mark.parametrize("value", [Opaque(), object(), 1j, bytearray(b"x"), range(3),
                                   [1, [Opaque()]], {"k": Opaque()}, {Opaque(): 1}])
def test_unsupported_types_raise_not_serializable_naming_the_part(value: object) -> None:
    with pytest.raises(NotSerializable) as caught:
        Serializer().encode(value)
    assert type(caught.value.value).__name__ in str(caught.value)
    assert not isinstance(caught.value.value, (list, dict))


@pytest.mark.parametrize("value", [Name("x"), Tally()], ids=["str", "dict"])
def test_subclasses_of_builtin_types_are_not_guessed(value: object) -> None:
    with pytest.raises(NotSerializable):
        Serializer().encode([value])


def test_nesting_deeper_than_the_limit_is_refused() -> None:
    serializer = Serializer(max_depth=3)
    assert serializer.encode([[["ok"]]]) == [[["ok"]]]
    with pytest.raises(TooDeep, match="deeper than 3"):
        serializer.encode([[[["too deep"]]]])


MALFORMED = {
    "unknown tag": '{"#zz": 1}',
    "container tag without a list": '{"#t": 5}',
    "container tag with a string": '{"#t": "not a list"}',
    "set of unhashables": '{"#s": [[1]]}',
    "map pair not a pair": '{"#m": [1]}',
    "map pair too short": '{"#m": [[1]]}',
    "map with an unhashable key": '{"#m": [[[1], 2]]}',
    "custom without a pair": '{"#x": 5}',
    "custom of an unknown type": '{"#x": ["Nope", 1]}',
    "bad base64": '{"#b": "***"}',
    "bytes not a string": '{"#b": 5}',
    "bad date": '{"#d": "2024-13-01"}',
    "date not a string": '{"#d": 20240101}',
    "bad datetime": '{"#dt": "yesterday"}',
    "bad time": '{"#tm": "25:00"}',
    "timedelta too short": '{"#td": [1]}',
    "timedelta of strings": '{"#td": ["a", "b", "c"]}',
    "bad uuid": '{"#u": "not-a-uuid"}',
    "uuid not a string": '{"#u": 5}',
    "bad decimal": '{"#n": "twelve"}',
    "decimal of a list": '{"#n": [1]}',
}


@pytest.mark.parametrize("data", [(1, 2), b"x", object(), 1j])
def test_decoding_what_json_cannot_hold_raises_value_error(data: object) -> None:
    with pytest.raises(ValueError, match="unexpected"):
        Serializer().decode([data])


@pytest.mark.parametrize("text", MALFORMED.values(), ids=MALFORMED.keys())
def test_malformed_tagged_data_raises_value_error(text: str) -> None:
    with pytest.raises(ValueError):
        Serializer().loads(text)


class Point:
    def __init__(self, x: int) -> None:
        self.x = x

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Point) and other.x == self.x

    __hash__ = None  # type: ignore[assignment]


class Point3(Point):
    pass


@pytest.fixture
def serializer() -> Serializer:
    serializer = Serializer()
    serializer.register(Point, "point", lambda p: p.x, Point)
    return serializer


def test_a_registered_type_is_written_as_what_dump_returns(serializer: Serializer) -> None:
    assert json.loads(serializer.dumps(Point(3))) == {"#x": ["point", 3]}


@pytest.mark.parametrize("value", [Point(4), [Point(1), (Point(2),)]], ids=["alone", "nested"])
def test_a_registered_type_round_trips(serializer: Serializer, value: object) -> None:
    assert serializer.loads(serializer.dumps(value)) == value


def test_registering_one_name_for_two_types_is_refused(serializer: Serializer) -> None:
    serializer.register(Point, "point", lambda p: p.x, Point)  # the same type again: fine
    with pytest.raises(ValueError, match="'point' is already registered for Point"):
        serializer.register(Opaque, "point", id, id)


def test_a_subclass_of_a_registered_type_uses_its_registration(serializer: Serializer) -> None:
    # The base's dump and load: a loader that needs the exact class reads it
    # from the dumped data (as the SQLAlchemy integration does).
    assert serializer.encode(Point3(5)) == {"#x": ["point", 5]}
    assert serializer.loads(serializer.dumps([Point3(5), Point3(6)])) == [Point(5), Point(6)]


def test_the_nearest_registered_base_wins(serializer: Serializer) -> None:
    serializer.register(Point3, "point3", lambda p: -p.x, lambda x: Point3(-x))
    assert serializer.encode(Point3(5)) == {"#x": ["point3", -5]}
    assert serializer.encode(Point(5)) == {"#x": ["point", 5]}


def test_a_registration_after_a_lookup_is_seen(serializer: Serializer) -> None:
    class Local(Point):
        pass

    assert serializer.encode(Local(1)) == {"#x": ["point", 1]}
    serializer.register(Local, "local", lambda p: p.x * 10, Local)
    assert serializer.encode(Local(1)) == {"#x": ["local", 10]}


def test_a_proxy_is_written_as_the_object_it_stands_for(serializer: Serializer) -> None:
    proxy = LocalProxy(lambda: Point(7))
    assert serializer.encode({"who": proxy}) == {"who": {"#x": ["point", 7]}}
    with pytest.raises(NotSerializable) as info:
        serializer.encode(LocalProxy(lambda: object()))
    assert type(info.value.value) is object


leaves = (st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False)
          | st.text(max_size=8) | st.binary(max_size=8) | st.dates() | st.times()
          | st.datetimes(timezones=st.none() | st.timezones()).map(
              # zoneinfo zones come back as the fixed offset they had
              lambda value: value if value.tzinfo is None
              else value.astimezone(dt.timezone(value.utcoffset() or dt.timedelta())))
          | st.timedeltas() | st.uuids() | st.decimals(allow_nan=False))
hashables = st.recursive(
    leaves, lambda inner: st.tuples(inner, inner) | st.frozensets(inner, max_size=3),
    max_leaves=6)
values = st.recursive(
    leaves | hashables,
    lambda inner: (st.lists(inner, max_size=4)
                   | st.dictionaries(st.text(max_size=4), inner, max_size=4)
                   | st.dictionaries(st.text(max_size=3).map("#".__add__), inner, max_size=1)
                   | st.dictionaries(hashables, inner, max_size=3)
                   | st.lists(inner, max_size=3).map(tuple)
                   | st.sets(hashables, max_size=3)),
    max_leaves=20)


@settings(max_examples=300, deadline=None)
@given(values)
def test_any_supported_value_round_trips_as_plain_json(value: object) -> None:
    serializer = Serializer()
    text = serializer.dumps(value)
    assert same(serializer.loads(text), value)
    assert json.loads(text) == serializer.encode(value)
