"""``Serializer.write_flat``: bound arguments written the short way (plain
values, registered types) are the JSON the general way writes, and anything
else is left to the general way, which says what is wrong."""

from __future__ import annotations

import datetime as dt
import typing as t

import pytest

from flask_server_actions.token.serialization import Serializer
from flask_server_actions.token.serialization import TooDeep
from flask_server_actions.token.serialization import compact_json


class Room:
    def __init__(self, number: int) -> None:
        self.number = number


class Suite(Room):
    pass


class Booking:
    def __init__(self, dump: object) -> None:
        self.dump = dump


def _serializer(max_depth: int = 32) -> tuple[Serializer, list[object]]:
    dumped: list[object] = []
    serializer = Serializer(max_depth)

    def dump_room(room: Room) -> int:
        dumped.append(room)
        return room.number

    serializer.register(Room, "room", dump_room, Room)
    serializer.register(Booking, "booking", lambda booking: booking.dump, Booking)
    return serializer, dumped


def _general(serializer: Serializer, values: t.Sequence[object]) -> str:
    return compact_json([serializer.encode(value) for value in values])[1:-1]


ROOM, SUITE = Room(12), Suite(40)


@pytest.mark.parametrize("values", [
    [], [ROOM], [SUITE, 3], [1, "two", 3.5, None, False, 2**80, "\u2028é"],
    [Booking(["ann", 3, "é"])],  # a flat list, as a row's [class, key, digest]
    [Booking("ann")], [Booking(None)],
    [Booking([1, (2, 3)])], [Booking({"#b": 1})], [Booking(dt.date(2026, 12, 7))],
    [Booking([ROOM])],  # a registered value inside another's dump
])
def test_values_are_written_as_the_general_way_writes_them(values: list[object]) -> None:
    serializer, _ = _serializer()
    for _ in range(2):  # the types met, then known
        written = serializer.write_flat(values, 4096)
        assert written == _general(serializer, values)


def test_a_registered_value_is_dumped_once() -> None:
    serializer, dumped = _serializer()
    serializer.write_flat([ROOM, SUITE], 4096)
    assert dumped == [ROOM, SUITE]


@pytest.mark.parametrize("value", [
    [1], (1,), {"a": 1}, {1}, frozenset({1}),  # containers: the general way
    dt.date(2026, 12, 7), object(),  # a type of its own, or none
    Booking(object()), Booking([object()]),  # what the dump gives cannot be written
])
def test_anything_else_is_left_to_the_general_way(value: object) -> None:
    serializer, _ = _serializer()
    for _ in range(2):  # the types met, then known
        assert serializer.write_flat([1, value], 4096) is None


@pytest.mark.parametrize(("max_depth", "value", "written"), [
    (0, ROOM, False), (1, ROOM, True),
    (1, Booking([1, 2]), False), (2, Booking([1, 2]), True),
    (2, Booking([[1]]), False), (3, Booking([[1]]), True),
])
def test_the_depth_limit_is_the_general_ways(max_depth: int, value: object,
                                             written: bool) -> None:
    serializer, _ = _serializer(max_depth)
    serializer.encode(ROOM, max_depth - 1)  # Room known before, or not: the same
    assert (serializer.write_flat([value], 4096) is not None) is written
    if written:
        assert serializer.write_flat([value], 4096) == _general(serializer, [value])
    else:
        with pytest.raises(TooDeep):
            serializer.encode(value)


@pytest.mark.parametrize("text", ["abc", "ééé"])
def test_the_size_limit_counts_utf8_bytes_and_brackets(text: str) -> None:
    serializer, _ = _serializer()
    size = len(f"[{_general(serializer, [text, ROOM])}]".encode())
    assert serializer.write_flat([text, ROOM], size) is not None
    assert serializer.write_flat([text, ROOM], size - 1) is None
