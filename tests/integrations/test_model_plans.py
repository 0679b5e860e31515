"""What ``use_sqlalchemy`` works out once per mapped class (the plan of its
rows: identity columns, class key, the digest's prefix) and the short way a
bound row is written: both give exactly what the general way gave, and the
plan follows the mapping when it changes."""

from __future__ import annotations

import contextlib
import typing as t
import uuid

import pytest
import sqlalchemy
from sqlalchemy import Column
from sqlalchemy import Integer
from sqlalchemy import String
from sqlalchemy import Table
from sqlalchemy import create_engine
from sqlalchemy.orm import DeclarativeBase
from sqlalchemy.orm import Mapped
from sqlalchemy.orm import Session
from sqlalchemy.orm import mapped_column
from sqlalchemy.orm import registry as mapper_registry

from flask_server_actions.errors import RowNotFound
from flask_server_actions.errors import StaleSubmission
from flask_server_actions.errors import UnserializableValue
from flask_server_actions.integrations.models import SQLAlchemyRows
from flask_server_actions.token.serialization import Serializer
from flask_server_actions.token.serialization import compact_json


class Base(DeclarativeBase):
    pass


class Item(Base):
    __tablename__ = "item"
    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str]
    done: Mapped[bool] = mapped_column(default=False)


class Pair(Base):
    """A composite key."""

    __tablename__ = "pair"
    owner: Mapped[str] = mapped_column(String(20), primary_key=True)
    name: Mapped[str] = mapped_column(String(20), primary_key=True)
    size: Mapped[int] = mapped_column(default=0)


class One(Base):
    """Names a single identity column."""

    __tablename__ = "one"
    __server_actions_identity__ = ("title",)
    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str]


class Anyone(Base):
    """Names no identity column: the class and the key alone."""

    __tablename__ = "anyone"
    __server_actions_identity__ = ()
    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str]


class Keyed(Base):
    """A key that JSON does not have: written with its tag."""

    __tablename__ = "keyed"
    id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    title: Mapped[str]


KEY = uuid.UUID("12345678-1234-5678-1234-567812345678")


@pytest.fixture
def session() -> t.Iterator[Session]:
    engine = create_engine("sqlite://")
    Base.metadata.create_all(engine)
    with Session(engine, expire_on_commit=False) as session:
        session.add_all([Item(id=1, title="Milk"), Item(id=2, title="Bread", done=True),
                         Pair(owner="ann", name="work", size=3), One(id=1, title="Solo"),
                         Anyone(id=7, title="Whoever"), Keyed(id=KEY, title="Keyed")])
        session.commit()
        yield session
    engine.dispose()


def _serializer(rows: SQLAlchemyRows) -> Serializer:
    serializer = Serializer()
    serializer.register(Base, "model", rows.dump, rows.load)
    return serializer


#: What tokens minted before plans carried (main at d7a5aa8): a token shown
#: before the upgrade still opens after it.
BEFORE = {
    ("Item", 1): ["tests.integrations.test_model_plans:Item", 1, "V9fR3bmArK8"],
    ("Item", 2): ["tests.integrations.test_model_plans:Item", 2, "y_oUTgUKCKA"],
    ("Pair", ("ann", "work")): ["tests.integrations.test_model_plans:Pair", "ann", "work",
                                "yFDu8OtuL1A"],
    ("One", 1): ["tests.integrations.test_model_plans:One", 1, "5afPhOFQ9yw"],
    ("Anyone", 7): ["tests.integrations.test_model_plans:Anyone", 7, "65EwbeuVr-o"],
}
CLASSES = {cls.__name__: cls for cls in (Item, Pair, One, Anyone, Keyed)}


@pytest.mark.parametrize(("model", "key"), list(BEFORE))
def test_a_row_dumps_as_it_did_before_plans(session: Session, model: str,
                                            key: t.Any) -> None:
    rows = SQLAlchemyRows(session, Base)
    row = session.get(CLASSES[model], key)
    assert rows.dump(row) == BEFORE[model, key]
    assert rows.dump(row) == BEFORE[model, key]  # and again, from the plan
    assert rows.load(BEFORE[model, key]) is row


def test_a_composite_key_travels_whole_and_comes_back(session: Session) -> None:
    rows = SQLAlchemyRows(session, Base)
    pair = session.get(Pair, ("ann", "work"))
    data = rows.dump(pair)
    assert data[1:3] == ["ann", "work"]
    assert rows.load(data) is pair
    pair.size = 4  # an identity column: the row changed
    with pytest.raises(StaleSubmission):
        rows.load(data)


def test_a_single_named_identity_column_decides_alone(session: Session) -> None:
    rows = SQLAlchemyRows(session, Base)
    one = session.get(One, 1)
    data = rows.dump(one)
    one.title = "Another"
    with pytest.raises(RowNotFound):
        rows.load(data)


def test_an_expired_identity_column_is_loaded_for_the_digest(session: Session) -> None:
    rows = SQLAlchemyRows(session, Base)
    item = session.get(Item, 1)
    data = rows.dump(item)
    session.expire(item, ["title"])
    assert "title" not in item.__dict__
    assert rows.dump(item) == data
    session.expire(item)  # every column
    assert rows.dump(item) == data


def _mapped_again(registry: t.Any, table: Table, cls: type, **kwargs: t.Any) -> None:
    registry.dispose()
    registry.map_imperatively(cls, table, **kwargs)


@contextlib.contextmanager
def _imperative(name: str, extra: str,
                **kwargs: t.Any) -> t.Iterator[tuple[t.Any, Table, t.Any, t.Any]]:
    """A class mapped imperatively (``kwargs`` go to the mapping) to the
    table ``name`` of an ``id``, a ``title`` and the integer column
    ``extra``; its registry, the table and a SQLite engine that has it."""
    registry = mapper_registry()
    table = Table(name, registry.metadata, Column("id", Integer, primary_key=True),
                  Column("title", String), Column(extra, Integer))
    cls = type(name.title(), (), {})
    registry.map_imperatively(cls, table, **kwargs)
    engine = create_engine("sqlite://")
    registry.metadata.create_all(engine)
    try:
        yield registry, table, cls, engine
    finally:
        registry.dispose()
        engine.dispose()


def test_a_class_given_a_column_after_its_plan_was_made_gets_a_new_one() -> None:
    with (_imperative("book", "edition", exclude_properties=["edition"])
          as (_, table, book_class, engine), Session(engine) as session):
        session.add(book_class(id=1, title="Emma"))
        session.commit()
        rows = SQLAlchemyRows(session, Base)
        book = session.get(book_class, 1)
        before = rows.dump(book)  # the plan, without the edition
        t.cast(t.Any, sqlalchemy.inspect(book_class)).add_property("edition", table.c.edition)
        book.edition = 2
        after = rows.dump(book)
        assert after != before  # the edition identifies the book now
        assert after == SQLAlchemyRows(session, Base).dump(book)  # as a fresh plan sees it
        book.edition = 3
        assert rows.dump(book) != after


def test_a_class_mapped_again_gets_a_new_plan() -> None:
    with _imperative("film", "year") as (registry, table, film_class, engine):
        rows = SQLAlchemyRows(t.cast(t.Any, None), Base)
        with Session(engine) as session:
            session.add(film_class(id=1, title="Ran", year=1985))
            session.commit()
            with_year = rows.dump(session.get(film_class, 1))
        # Mapped again without the year: it no longer identifies a film.
        _mapped_again(registry, table, film_class, exclude_properties=["year"])
        with Session(engine) as session:
            film = session.get(film_class, 1)
            without_year = rows.dump(film)
            assert without_year != with_year
            assert without_year == SQLAlchemyRows(session, Base).dump(film)


# The short way a bound row is written gives what the general way gives.

def _general(serializer: Serializer, args: t.Sequence[object]) -> str:
    return compact_json([serializer.encode(value) for value in args])[1:-1]


def test_rows_and_plain_values_are_written_as_the_general_way_writes_them(
        session: Session) -> None:
    serializer = _serializer(SQLAlchemyRows(session, Base))
    args = [session.get(Item, 1), 5, "é\u2028", True, None, 1.5, 2**70,
            session.get(Pair, ("ann", "work")), session.get(Keyed, KEY), session.get(One, 1),
            session.get(Anyone, 7)]
    written = serializer.write_flat(args, 4096)
    assert written == _general(serializer, args)
    assert '{"#u":"12345678123456781234567812345678"}' in t.cast(str, written)
    # Read back, each value is the row or value it was.
    assert serializer.loads(f"[{written}]") == args


def test_a_row_without_a_key_is_refused_the_short_way_as_the_general_way(
        session: Session) -> None:
    serializer = _serializer(SQLAlchemyRows(session, Base))
    row = Item(title="Not flushed")
    for write in (serializer.write_flat, lambda values, _: serializer.encode(values[0])):
        with pytest.raises(UnserializableValue, match="Item .* has no primary key yet"):
            write([row], 4096)
