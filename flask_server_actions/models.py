"""SQLAlchemy rows as captured values and bound arguments.

``actions.use_sqlalchemy(db.session, db.Model)`` lets an action capture a
row, or a template bind one (``{{ action(rename, note) }}``): the token
carries the row's class and primary key only, and the row is loaded again
from the session when the form is submitted. It covers every class mapped on
the given declarative base, subclasses included, and composite keys.

The rules:

- A row deleted since the page was shown answers 404
  (:class:`~flask_server_actions.errors.RowNotFound`): what the form acted on
  is gone, as its page would be.
- A row not flushed yet has no key: minting its token is an error at render
  time.
- A token naming a class that is no longer mapped is stale: the page is shown
  again with the input and a notice (422).
- After a failed action (an :class:`~flask_server_actions.ActionError`, an
  invalid form, a stale token) the session is rolled back before the page is
  shown again, so the page never shows what the action wrote and did not
  commit.

Needs SQLAlchemy 2 (``pip install flask-server-actions[sqlalchemy]``).
"""

from __future__ import annotations

import typing as t

import sqlalchemy

from .errors import RowNotFound
from .errors import UnserializableValue

if t.TYPE_CHECKING:
    from sqlalchemy.orm import Session
    from sqlalchemy.orm import scoped_session


class SQLAlchemyRows:
    """Dumps rows of the classes mapped on ``base`` to ``[class, *key]`` and
    loads them back from ``session``.

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

    def dump(self, row: object) -> list[t.Any]:
        """``[module:qualname of the class, *primary key]``."""
        cls = type(row)
        identity = sqlalchemy.inspect(row).identity
        if identity is None:
            raise UnserializableValue(
                f"{cls.__qualname__} {row!r} has no primary key yet, so it cannot travel in"
                " a token: add it to the session and flush (or commit) before rendering the"
                " page.", value_type=cls)
        return [_class_key(cls), *identity]

    def load(self, data: t.Any) -> object:
        """The row ``data`` names, from the session.

        :raises ValueError: the data is malformed or names no mapped class.
        :raises RowNotFound: no such row any more.
        """
        if type(data) is not list or len(data) < 2 or type(data[0]) is not str:
            raise ValueError("a SQLAlchemy row needs [class and key]")
        name, *key = data
        cls = self._class(name)
        row = self.session.get(cls, key[0] if len(key) == 1 else tuple(key))
        if row is None:
            raise RowNotFound(cls.__qualname__, key)
        return row

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


def _class_key(cls: type) -> str:
    return f"{cls.__module__}:{cls.__qualname__}"
