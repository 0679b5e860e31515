"""Captured values travel as tagged JSON: every supported type comes back as
it went, malformed data is refused, and apps can register their own types."""

from __future__ import annotations

import datetime as dt
import decimal
import json
import uuid

import pytest
from hypothesis import given
from hypothesis import settings
from hypothesis import strategies as st

from flask_server_actions.serialization import NotSerializable
from flask_server_actions.serialization import Serializer
from flask_server_actions.serialization import TooDeep

from ..html import Form
from ..html import Page
from ..store import STORE
from ..tokens.decrypt import decrypt
from .compare import same
from .rows_app import DATABASE
from .rows_app import Row
from .rows_app import create_app

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


class Opaque:
    pass


@pytest.mark.parametrize("value", [Opaque(), object(), 1j, bytearray(b"x"), range(3),
                                   [1, [Opaque()]], {"k": Opaque()}, {Opaque(): 1}])
def test_unsupported_types_raise_not_serializable_naming_the_part(value: object) -> None:
    with pytest.raises(NotSerializable) as caught:
        Serializer().encode(value)
    assert type(caught.value.value).__name__ in str(caught.value)
    assert not isinstance(caught.value.value, (list, dict))


def test_subclasses_of_supported_types_are_not_guessed() -> None:
    class Name(str):
        pass

    with pytest.raises(NotSerializable):
        Serializer().encode([Name("x")])


def test_nesting_deeper_than_the_limit_is_refused() -> None:
    serializer = Serializer(max_depth=3)
    assert serializer.encode([[["ok"]]]) == [[["ok"]]]
    with pytest.raises(TooDeep, match="deeper than 3"):
        serializer.encode([[[["too deep"]]]])


MALFORMED = {
    "unknown tag": '{"#zz": 1}',
    "container tag without a list": '{"#t": 5}',
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


@pytest.mark.parametrize("data", [(1, 2), b"x", object()])
def test_decoding_what_json_cannot_hold_raises_value_error(data: object) -> None:
    with pytest.raises(ValueError, match="unexpected"):
        Serializer().decode([data])


@pytest.mark.parametrize("text", MALFORMED.values(), ids=MALFORMED.keys())
def test_malformed_tagged_data_raises_value_error(text: str) -> None:
    with pytest.raises(ValueError):
        Serializer().loads(text)


def test_registering_one_name_for_two_types_is_refused() -> None:
    serializer = Serializer()
    serializer.register(Row, "Row", lambda row: row.id, DATABASE.__getitem__)
    serializer.register(Row, "Row", lambda row: row.id, DATABASE.__getitem__)  # same: fine
    with pytest.raises(ValueError, match="'Row' is already registered for Row"):
        serializer.register(Opaque, "Row", id, id)


def test_a_registered_type_is_written_as_what_dump_returns() -> None:
    serializer = Serializer()
    serializer.register(Row, "Row", lambda row: row.id, DATABASE.__getitem__)
    assert json.loads(serializer.dumps(Row(3, "x"))) == {"#x": ["Row", 3]}


@pytest.fixture
def row_page() -> Page:
    DATABASE.clear()
    DATABASE[1] = Row(1, "first draft")
    return Page.get(create_app().test_client(), "/rows/1")


def test_a_registered_row_is_dumped_as_its_key_and_loaded_on_submit(row_page: Page) -> None:
    plain = decrypt(row_page.form().token(), "types secret", "tests.serialization.rows_app")
    assert b"first draft" not in plain and b'{"#x":["Row",1]}' in plain  # only the key
    DATABASE[1] = Row(1, "edited meanwhile")  # the action sees the row as it is now
    response = row_page.form().submit(title="new")
    assert response.status_code == 303
    assert STORE == [("rename", 1, "edited meanwhile", "new", 1)]


def test_a_row_deleted_since_the_render_answers_what_the_loader_says(row_page: Page) -> None:
    DATABASE.clear()
    assert row_page.form().submit(title="new").status_code == 404
    assert STORE == []


def test_a_type_registered_under_a_new_name_asks_to_resubmit_and_keeps_the_input(
        row_page: Page) -> None:
    later = create_app(type_name="Post").test_client()  # the next deploy
    cookie = row_page.client.get_cookie("session")
    assert cookie is not None
    later.set_cookie("session", cookie.value)
    response = Page(later, "/rows/1", row_page.client.get("/rows/1"))
    answer = Form(response, row_page.form().tag).submit(title="kept")
    assert answer.status_code == 422
    assert 'value="kept"' in answer.get_data(as_text=True)
    assert STORE == []


leaves = (st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False)
          | st.text() | st.binary() | st.dates() | st.times()
          | st.datetimes(timezones=st.none() | st.just(UTC) | st.just(TOKYO))
          | st.timedeltas() | st.uuids() | st.decimals(allow_nan=False))
hashables = st.recursive(
    leaves, lambda inner: st.tuples(inner, inner) | st.frozensets(inner, max_size=3),
    max_leaves=6)
values = st.recursive(
    leaves | hashables,
    lambda inner: (st.lists(inner, max_size=4)
                   | st.dictionaries(st.text(), inner, max_size=4)
                   | st.dictionaries(hashables, inner, max_size=3)
                   | st.lists(inner, max_size=3).map(tuple)
                   | st.sets(hashables, max_size=3)),
    max_leaves=20)


@settings(max_examples=300, deadline=None)
@given(values)
def test_any_supported_value_round_trips(value: object) -> None:
    assert same(round_trip(value), value)
