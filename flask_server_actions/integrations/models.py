"""SQLAlchemy rows as captured values and bound arguments.

``actions.use_sqlalchemy(db.session, db.Model)`` lets an action capture a
row, or a template bind one (``{{ action(rename, note) }}``): the token
carries the row's class, its primary key and a short digest of its identity
columns, and the row is loaded again from the session when the form is
submitted. It covers every class mapped on the given declarative base,
subclasses included, and composite keys.

A key alone does not say which row it was: most databases give a deleted
row's key to a later row (SQLite does without ``AUTOINCREMENT``), so a form
shown before the delete would act on someone else's row. What identifies a
row is its class, its key and the values of its *identity columns*:

- by default every mapped column but those set on each update
  (``onupdate=``, ``server_onupdate=``: a timestamp changes with the other
  columns, so it tells nothing they do not) and those deferred in the
  mapping (rendering a token never loads them). The ``version_id_col`` of
  a versioned model is always one of them. A row whose other values changed
  since the page was shown is not acted on either: optimistic concurrency;
- or the columns a model names itself, when its other columns may change
  under an open form::

      class Task(db.Model):
          __server_actions_identity__ = ("id", "created_at")

The rules:

- A row deleted since the page was shown answers 404
  (:class:`~flask_server_actions.errors.RowNotFound`): what the form acted on
  is gone, as its page would be. So does a row whose named identity columns
  differ: it is another row with the same key.
- A row whose default identity columns differ is stale: it changed since the
  page was shown (or is another row given its key: no column tells them
  apart). The page is shown again, as it is now, with the input and a
  notice (422).
- A row not flushed yet has no key: minting its token is an error at render
  time, and so is a ``__server_actions_identity__`` naming no column.
- A token naming a class that is no longer mapped, or one minted before rows
  carried their digest, is stale: the page is shown again with the input and
  a notice (422).
- After a failed action (an :class:`~flask_server_actions.ActionError`, an
  invalid form, a stale token) the session is rolled back before the page is
  shown again, so the page never shows what the action wrote and did not
  commit.

Needs SQLAlchemy 2 (``pip install flask-server-actions[sqlalchemy]``).
"""

from __future__ import annotations

import binascii
import hashlib
import operator
import typing as t

import sqlalchemy
from sqlalchemy.orm.attributes import instance_state

from ..errors import RowNotFound
from ..errors import StaleSubmission
from ..errors import UnserializableValue
from ..token.serialization import compact_json

if t.TYPE_CHECKING:
    from sqlalchemy.orm import Mapper
    from sqlalchemy.orm import Session
    from sqlalchemy.orm import scoped_session

#: The class attribute a model names its identity columns with.
IDENTITY_ATTRIBUTE = "__server_actions_identity__"


class _Identity(t.NamedTuple):
    # The attributes compared, and whether the model named them (a mismatch
    # is then another row: 404) or they are the default (a changed row: 422).
    names: tuple[str, ...]
    declared: bool


class _Plan(t.NamedTuple):
    """What every row of one mapped class shares, worked out once per
    mapping: valid while the class's mapper has the same column attributes
    (a class mapped again, or given a column, gets a new plan)."""

    #: The mapper's column attributes when the plan was made.
    columns: object
    names: tuple[str, ...]
    declared: bool
    #: The class as a token names it.
    class_key: str
    #: What the JSON of every row's ``[class, *key, digest]`` starts with.
    opening: str
    #: Reads the identity values from an instance's dict (all loaded).
    read: t.Callable[[dict[str, t.Any]], t.Any]
    #: BLAKE2b already fed with what every digest of the class starts with
    #: (its name and the identity names): each row's is a copy of it.
    hasher: t.Any


class SQLAlchemyRows:
    """Dumps rows of the classes mapped on ``base`` to ``[class, *key,
    digest]`` and loads them back from ``session``.

    :param session: a :class:`~sqlalchemy.orm.Session`, a
        :class:`~sqlalchemy.orm.scoped_session` or Flask-SQLAlchemy's
        ``db.session``.
    :param base: the declarative base the models derive from (``db.Model``).
    """

    def __init__(self, session: Session | scoped_session[t.Any], base: type) -> None:
        #: Where rows are loaded from.
        self.session = session
        self.base = base
        self._classes: dict[str, type] = {}
        self._plans: dict[type, _Plan] = {}
        self._dump = RowDump(self)

    @property
    def dump(self) -> RowDump:
        """What a row travels as: ``dump(row)`` gives ``[module:qualname of
        the class, *primary key, identity digest]`` (a :class:`RowDump`, one
        per instance)."""
        return self._dump

    def _plan_of(self, state: t.Any, row: object) -> _Plan:
        """The plan of ``row``'s class, whose instance state is ``state``."""
        plan = self._plans.get(type(row))
        if plan is None or plan.columns is not state.manager.mapper.column_attrs:
            plan = self._plan(type(row))
        return plan

    def load(self, data: t.Any) -> object:
        """The row ``data`` names, from the session.

        :raises ValueError: the data is malformed, names no mapped class or
            has no digest (a page shown before rows carried one).
        :raises RowNotFound: no such row any more, or another row has its
            key and differs in the columns its class names.
        :raises StaleSubmission: the row differs in its default identity
            columns: it changed since the page was shown.
        """
        if type(data) is not list or len(data) < 3 or type(data[0]) is not str:
            raise ValueError("a SQLAlchemy row needs [class, key and digest]")
        name, *key, digest = data
        cls = self._class(name)
        columns = len(t.cast("Mapper[t.Any]", sqlalchemy.inspect(cls)).primary_key)
        if len(key) != columns:
            # Pages shown before the upgrade carry the key alone: stale.
            raise ValueError(f"{cls.__qualname__} needs {columns} key values and a digest")
        row = self.session.get(cls, key[0] if columns == 1 else tuple(key))
        if row is None:
            raise RowNotFound(cls.__name__, key)
        plan = self._plan(type(row))
        # No need for a constant-time comparison: the digest is sealed in
        # the token, so no client can try digests against it.
        if _digest(plan, row) != digest:
            if plan.declared:
                raise RowNotFound(cls.__name__, key)
            raise StaleSubmission(f"the {cls.__name__} changed since the page was shown")
        return row

    def _plan(self, cls: type) -> _Plan:
        """The plan of ``cls``'s rows: the one kept while its mapper's
        column attributes are the same, else a new one."""
        mapper = t.cast("Mapper[t.Any]", sqlalchemy.inspect(cls))
        columns = mapper.column_attrs
        plan = self._plans.get(cls)
        if plan is None or plan.columns is not columns:
            names, declared = _identity_of(cls, mapper)
            key = _class_key(cls)
            hasher = hashlib.blake2b(digest_size=8, person=b"server-actions")
            hasher.update(repr((key, names)).encode() + b"\0")
            plan = self._plans[cls] = _Plan(columns, names, declared, key,
                                            f"[{compact_json(key)},", _reader(names), hasher)
        return plan

    def _class(self, name: str) -> type:
        cls = self._classes.get(name)
        if cls is None:
            # Models may be mapped after the integration is set up: look again.
            registry = t.cast(t.Any, self.base).registry
            self._classes = {_class_key(mapper.class_): mapper.class_
                             for mapper in registry.mappers}
            cls = self._classes.get(name)
            if cls is None:
                raise ValueError(f"no mapped class {name} on {self.base.__qualname__}")
        return cls

    def rollback(self) -> None:
        """Undo what a failed action wrote and did not commit."""
        self.session.rollback()


class RowDump:
    """What :class:`SQLAlchemyRows` registers as the rows' ``dump``: called,
    it gives ``[class, *key, digest]``; its :meth:`write_json` gives the
    JSON text of that list straight away (the short way a bound row is
    written, see :meth:`~.Serializer.write_flat`)."""

    __slots__ = ("rows",)

    def __init__(self, rows: SQLAlchemyRows) -> None:
        self.rows = rows

    def __call__(self, row: object) -> list[t.Any]:
        """``[module:qualname of the class, *primary key, identity digest]``.

        :raises UnserializableValue: the row has no key yet, or its class
            names an identity column it does not have.
        """
        # The mapped instance's state directly: sqlalchemy.inspect() looks
        # its inspector up first.
        state = instance_state(row)
        key = state.key
        if key is None:
            cls = type(row)
            raise UnserializableValue(
                f"{cls.__qualname__} {row!r} has no primary key yet, so it cannot travel in"
                " a token: add it to the session and flush (or commit) before rendering the"
                " page.", value_type=cls)
        plan = self.rows._plan_of(state, row)
        return [plan.class_key, *key[1], _digest(plan, row)]

    def write_json(self, row: object) -> str | None:
        """``compact_json(self(row))``, or ``None`` for a row without a key
        or with a key JSON does not have (a UUID, a date): the general way
        then says what is wrong or tags it."""
        state = instance_state(row)
        key = state.key
        if key is None:
            return None
        identity = key[1]
        if len(identity) == 1 and type(identity[0]) is int:  # the usual key
            written = int.__repr__(identity[0])
        else:
            for value in identity:
                if type(value) is not int and type(value) is not str:
                    return None
            written = compact_json(list(identity))[1:-1]
        plan = self.rows._plan_of(state, row)
        # The digest is base64url: nothing in it needs escaping.
        return f'{plan.opening}{written},"{_digest(plan, row)}"]'


def _digest(plan: _Plan, row: object) -> str:
    """8 bytes of BLAKE2b of the class, its identity names and the row's
    identity values, in base64url: a collision by chance is out of reach,
    and the token, which is size-sensitive, grows by 14 bytes a row."""
    # The loaded values, from the instance's own dict (an instrumented
    # attribute costs a descriptor call each); when one is expired or
    # deferred, all are read through their attributes, which load it.
    loaded = row.__dict__
    try:
        values = plan.read(loaded)
    except KeyError:
        values = [getattr(row, name) for name in plan.names]
    hasher = plan.hasher.copy()
    # The repr of a list, as digests have always been taken.
    hasher.update(repr(values).encode())
    return binascii.b2a_base64(hasher.digest(), newline=False).translate(
        _URLSAFE)[:-1].decode("ascii")


_URLSAFE = bytes.maketrans(b"+/", b"-_")


def _reader(names: tuple[str, ...]) -> t.Callable[[dict[str, t.Any]], list[t.Any]]:
    """Reads the values of ``names`` from an instance's dict, as a list;
    raises :class:`KeyError` for one not loaded."""
    if len(names) == 1:
        (name,) = names

        def read_one(loaded: dict[str, t.Any]) -> list[t.Any]:
            return [loaded[name]]
        return read_one
    if not names:
        return lambda loaded: []
    get = operator.itemgetter(*names)
    return lambda loaded: list(get(loaded))


def _identity_of(cls: type, mapper: Mapper[t.Any]) -> _Identity:
    """The attributes that identify a row of ``cls``."""
    declared = getattr(cls, IDENTITY_ATTRIBUTE, None)
    if declared is not None:
        names = tuple(declared)
        unknown = [name for name in names if name not in mapper.column_attrs]
        if unknown:
            raise UnserializableValue(
                f"{cls.__qualname__}.{IDENTITY_ATTRIBUTE} names {', '.join(unknown)}, which"
                f" {'is' if len(unknown) == 1 else 'are'} not a column attribute of"
                f" {cls.__qualname__}: name the columns that identify a row, such as"
                f" {', '.join(repr(key) for key in mapper.column_attrs.keys()[:2])}.",
                value_type=cls)
        return _Identity(names, True)
    return _Identity(tuple(prop.key for prop in mapper.column_attrs
                           if _identifies(mapper, prop)), False)


def _identifies(mapper: Mapper[t.Any], prop: t.Any) -> bool:
    """Whether a column attribute is one of the default identity columns."""
    columns = prop.columns
    if any(column is mapper.version_id_col for column in columns):
        return True
    # SQL expressions mapped as attributes (column_property) change with
    # other rows, not with this one.
    return not prop.deferred and all(
        isinstance(column, sqlalchemy.Column)
        and column.onupdate is None and column.server_onupdate is None
        for column in columns)


def _class_key(cls: type) -> str:
    return f"{cls.__module__}:{cls.__qualname__}"
