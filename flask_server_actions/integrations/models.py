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

import base64
import hashlib
import typing as t

import sqlalchemy
from sqlalchemy.orm.attributes import instance_state

from ..errors import RowNotFound
from ..errors import StaleSubmission
from ..errors import UnserializableValue

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
    #: What every digest of the class starts with: its name and the names.
    prefix: bytes = b""
    #: The class as a token names it.
    class_key: str = ""


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
        self._identities: dict[type, _Identity] = {}

    def dump(self, row: object) -> list[t.Any]:
        """``[module:qualname of the class, *primary key, identity digest]``.

        :raises UnserializableValue: the row has no key yet, or its class
            names an identity column it does not have.
        """
        cls = type(row)
        # The mapped instance's state directly: sqlalchemy.inspect() looks
        # its inspector up first, a row at a time.
        identity = instance_state(row).identity
        if identity is None:
            raise UnserializableValue(
                f"{cls.__qualname__} {row!r} has no primary key yet, so it cannot travel in"
                " a token: add it to the session and flush (or commit) before rendering the"
                " page.", value_type=cls)
        return [self._identity(cls).class_key, *identity, self._digest(row)]

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
        # No need for a constant-time comparison: the digest is sealed in
        # the token, so no client can try digests against it.
        if self._digest(row) != digest:
            if self._identity(type(row)).declared:
                raise RowNotFound(cls.__name__, key)
            raise StaleSubmission(f"the {cls.__name__} changed since the page was shown")
        return row

    def _digest(self, row: object) -> str:
        # 8 bytes: a collision by chance is out of reach, and the token,
        # which is size-sensitive, grows by 14 bytes a row.
        identity = self._identity(type(row))
        # The loaded values, from the instance's own dict (an instrumented
        # attribute costs a descriptor call each); an expired or deferred
        # one is loaded through its attribute.
        loaded = row.__dict__
        values = repr([loaded[name] if name in loaded else getattr(row, name)
                       for name in identity.names])
        raw = hashlib.blake2b(identity.prefix + values.encode(), digest_size=8,
                              person=b"server-actions").digest()
        return base64.urlsafe_b64encode(raw).rstrip(b"=").decode("ascii")

    def _identity(self, cls: type) -> _Identity:
        identity = self._identities.get(cls)
        if identity is None:
            found = _identity_of(cls)
            key = _class_key(cls)
            identity = self._identities[cls] = found._replace(
                prefix=repr((key, found.names)).encode() + b"\0", class_key=key)
        return identity

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


def _identity_of(cls: type) -> _Identity:
    """The attributes that identify a row of ``cls``."""
    mapper = t.cast("Mapper[t.Any]", sqlalchemy.inspect(cls))
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
