"""Tagged JSON: every supported type round-trips; bad data is refused."""

from __future__ import annotations

import datetime as dt
import decimal
import json
import typing as t
import uuid

import pytest
from werkzeug.local import LocalProxy

from flask_server_actions.serialization import NotSerializable
from flask_server_actions.serialization import Serializer
from flask_server_actions.serialization import TooDeep


class Point:
    def __init__(self, x: int) -> None:
        self.x = x

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Point) and other.x == self.x

    __hash__ = None  # type: ignore[assignment]


@pytest.fixture
def serializer() -> Serializer:
    serializer = Serializer(max_depth=4)
    serializer.register(Point, "point", lambda p: p.x, Point)
    return serializer


@pytest.mark.parametrize("value", [
    None, True, 3, 1.5, "text", [1, "a"], {"a": 1}, {"a": 1, "b": [2]}, {"#tag-like": 1}, {1: "int key"},
    (1, 2), {1, 2}, frozenset({3}), b"\x00bytes", dt.datetime(2024, 5, 17, 12, 30),
    dt.date(2024, 5, 17), dt.time(8, 15), dt.timedelta(days=1, seconds=2, microseconds=3),
    uuid.UUID(int=7), decimal.Decimal("1.10"), Point(4), [Point(1), (Point(2),)],
])
def test_values_round_trip(serializer: Serializer, value: object) -> None:
    assert serializer.loads(serializer.dumps(value)) == value


def test_unknown_type_is_named(serializer: Serializer) -> None:
    with pytest.raises(NotSerializable) as info:
        serializer.encode([object()])
    assert type(info.value.value) is object


def test_nesting_is_limited(serializer: Serializer) -> None:
    with pytest.raises(TooDeep):
        serializer.encode([[[[["deep"]]]]])


def test_a_type_name_cannot_be_taken_twice(serializer: Serializer) -> None:
    serializer.register(Point, "point", lambda p: p.x, Point)  # the same type again is fine
    with pytest.raises(ValueError, match="already registered"):
        serializer.register(dict, "point", dict, dict)


@pytest.mark.parametrize("data", [
    {"#t": "not a list"}, {"#x": ["nobody", 1]}, {"#zz": 1}, {"#b": "!!"},
])
def test_bad_data_is_refused(serializer: Serializer, data: t.Any) -> None:
    with pytest.raises(ValueError):
        serializer.loads(json.dumps(data))


def test_decode_refuses_what_json_cannot_hold(serializer: Serializer) -> None:
    with pytest.raises(ValueError, match="unexpected"):
        serializer.decode(object())


class Point3(Point):
    pass


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


def test_subclasses_of_builtin_types_are_still_refused(serializer: Serializer) -> None:
    class Tally(dict):  # type: ignore[type-arg]
        pass

    with pytest.raises(NotSerializable):
        serializer.encode(Tally())


def test_a_proxy_is_written_as_the_object_it_stands_for(serializer: Serializer) -> None:
    proxy = LocalProxy(lambda: Point(7))
    assert serializer.encode({"who": proxy}) == {"who": {"#x": ["point", 7]}}
    with pytest.raises(NotSerializable) as info:
        serializer.encode(LocalProxy(lambda: object()))
    assert type(info.value.value) is object
