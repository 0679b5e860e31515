"""Captured values and bound arguments travel as tagged JSON and come back
as the same values, of the same types."""

from __future__ import annotations

import datetime as dt
import decimal
import json
import typing as t
import uuid

import pytest
from flask import Flask
from flask.testing import FlaskClient
from hypothesis import given
from hypothesis import strategies as st

from flask_server_actions.serialization import Serializer

from ..core.kinds_app import DATABASE
from ..core.kinds_app import SAMPLES
from ..core.kinds_app import Row
from ..core.kinds_app import create_app
from ..html import Page
from ..store import STORE
from .compare import same


@pytest.fixture
def app() -> Flask:
    return create_app()


@pytest.mark.parametrize("name", list(SAMPLES))
@pytest.mark.parametrize("how", ["capture", "bind"])
def test_value_comes_back_as_the_same_type(client: FlaskClient, how: str, name: str) -> None:
    response = Page.get(client, f"/{how}/{name}").form("#main").submit(title="t")
    assert response.status_code == 303
    ((_kind, value),) = STORE
    assert same(value, SAMPLES[name]), value


def test_a_registered_type_travels_as_its_key_and_is_loaded_again(client: FlaskClient) -> None:
    DATABASE[7] = Row(7, "before")
    form = Page.get(client, "/rows/7").form("#main")
    DATABASE[7] = Row(7, "edited after the page was rendered")
    assert form.submit(title="t").status_code == 303
    assert STORE == [("row", Row(7, "edited after the page was rendered"))]


def test_a_type_name_registered_twice_is_refused() -> None:
    serializer = Serializer()
    serializer.register(Row, "row", int, int)
    serializer.register(Row, "row", str, str)  # the same class again: replaced
    with pytest.raises(ValueError, match="'row' is already registered for Row"):
        serializer.register(dict, "row", str, str)


def values(depth: int = 3) -> st.SearchStrategy[t.Any]:
    """Every kind of value a token can carry, nested."""
    hashable = st.one_of(
        st.none(), st.booleans(), st.integers(), st.text(max_size=8),
        st.floats(allow_nan=False), st.binary(max_size=8), st.dates(),
        st.datetimes(timezones=st.none() | st.timezones()).map(
            lambda value: value.replace(tzinfo=None) if value.tzinfo is None
            else value.astimezone(dt.timezone(value.utcoffset() or dt.timedelta()))),
        st.times(), st.timedeltas(), st.uuids(),
        st.decimals(allow_nan=False), st.frozensets(st.integers(), max_size=3))
    return st.recursive(hashable, lambda inner: st.one_of(
        st.lists(inner, max_size=3),
        st.lists(inner, max_size=3).map(tuple),
        st.dictionaries(st.text(max_size=4), inner, max_size=3),
        st.dictionaries(st.text(max_size=3).map("#".__add__), inner, max_size=1),
        st.dictionaries(hashable, inner, max_size=3),
        st.sets(hashable, max_size=3)), max_leaves=12)


@given(values())
def test_round_trip_property(value: object) -> None:
    serializer = Serializer()
    text = serializer.dumps(value)
    assert same(serializer.loads(text), value)
    assert json.loads(text) == serializer.encode(value)


@pytest.mark.parametrize("data", [
    {"#nope": 1},
    {"#t": "not a list"},
    {"#x": ["unregistered", 1]},
    1j,
])
def test_decoding_what_encode_never_writes_is_an_error(data: object) -> None:
    with pytest.raises(ValueError):
        Serializer().decode(data)


def test_decimal_and_uuid_are_written_compactly() -> None:
    serializer = Serializer()
    assert serializer.encode(uuid.UUID(int=1)) == {"#u": "0" * 31 + "1"}
    assert serializer.encode(decimal.Decimal("1.50")) == {"#n": "1.50"}
