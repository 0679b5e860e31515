"""Apps whose actions capture SQLAlchemy rows: one on Flask-SQLAlchemy, one
on a plain SQLAlchemy ``scoped_session``, with the same models and views."""

from __future__ import annotations

import datetime as dt
import itertools
import typing as t

from flask import Flask
from flask import current_app
from flask import render_template_string
from flask_sqlalchemy import SQLAlchemy
from sqlalchemy import DateTime
from sqlalchemy import ForeignKey
from sqlalchemy import String
from sqlalchemy import create_engine
from sqlalchemy import select
from sqlalchemy.orm import DeclarativeBase
from sqlalchemy.orm import Mapped
from sqlalchemy.orm import mapped_column
from sqlalchemy.orm import scoped_session
from sqlalchemy.orm import sessionmaker
from sqlalchemy.pool import StaticPool

from flask_server_actions import ActionError
from flask_server_actions import ServerActions
from flask_server_actions import server_action

from ..databases import ENGINES
from ..store import STORE

PAGE = """{{ action.notice() }}
<ul>{% for note in notes %}<li>{{ note.title }}</li>{% endfor %}</ul>
<form id="rename" method="post">{{ action(rename, note) }}<input name="title"><button>Save</button></form>
<form id="tag" method="post">{{ action(retag, tag) }}<button>Tag</button></form>
<form id="create" method="post">{{ action(create_then_fail) }}<input name="title"><button>Add</button></form>
<div {{ action.data(describe) }}></div>
"""

# A row of one user, bound to a form and captured by another; the page never
# shows the row's key, so a test can tell whether an answer does.
ROW_PAGE = """{{ action.notice() }}
<p id="row">{{ row.owner }}: {{ "done" if row.done else "open" }}</p>
<form id="bound" method="post">{{ action(toggle, row) }}<input name="note" value="{{ action.value('note') }}"><button>Toggle</button></form>
<form id="captured" method="post">{{ action(toggle_captured) }}<input name="note" value="{{ action.value('note') }}"><button>Toggle</button></form>
"""


class Base(DeclarativeBase):
    pass


def define_models(base: type) -> dict[str, type]:
    """The models, on ``base`` (a Flask-SQLAlchemy ``db.Model`` or a plain
    declarative base)."""

    class Note(base):  # type: ignore[valid-type,misc]
        __tablename__ = "note"
        id: Mapped[int] = mapped_column(primary_key=True)
        kind: Mapped[str] = mapped_column(String(20))
        title: Mapped[str] = mapped_column(String(100))
        __mapper_args__: t.ClassVar[dict[str, t.Any]] = {
            "polymorphic_on": "kind", "polymorphic_identity": "note"}

    class Checklist(Note):
        __tablename__ = "checklist"
        id: Mapped[int] = mapped_column(ForeignKey("note.id"), primary_key=True)
        items: Mapped[int] = mapped_column(default=0)
        __mapper_args__: t.ClassVar[dict[str, t.Any]] = {"polymorphic_identity": "checklist"}

    class Tag(base):  # type: ignore[valid-type,misc]
        __tablename__ = "tag"
        owner: Mapped[str] = mapped_column(String(20), primary_key=True)
        slug: Mapped[str] = mapped_column(String(20), primary_key=True)

    # The tables below have a plain INTEGER PRIMARY KEY (or a text one), as
    # most do: SQLite gives the key of the last row deleted to the next row.

    class Task(base):  # type: ignore[valid-type,misc]
        """Identified by all its columns but ``touched`` (set on each update)
        and ``details`` (deferred)."""
        __tablename__ = "task"
        id: Mapped[int] = mapped_column(primary_key=True)
        owner: Mapped[str] = mapped_column(String(20))
        done: Mapped[bool] = mapped_column(default=False)
        touched: Mapped[int] = mapped_column(default=0, onupdate=lambda: next(_CLOCK))
        details: Mapped[str] = mapped_column(default="", deferred=True)

    class Ticket(base):  # type: ignore[valid-type,misc]
        """Versioned by SQLAlchemy: the counter starts at 1 for every row."""
        __tablename__ = "ticket"
        id: Mapped[int] = mapped_column(primary_key=True)
        owner: Mapped[str] = mapped_column(String(20))
        done: Mapped[bool] = mapped_column(default=False)
        version: Mapped[int] = mapped_column()
        __mapper_args__: t.ClassVar[dict[str, t.Any]] = {"version_id_col": version}

    class Card(base):  # type: ignore[valid-type,misc]
        """Says which columns identify it: its other columns may change."""
        __tablename__ = "card"
        __server_actions_identity__ = ("id", "created")
        id: Mapped[int] = mapped_column(primary_key=True)
        created: Mapped[dt.datetime] = mapped_column(DateTime)
        owner: Mapped[str] = mapped_column(String(20))
        done: Mapped[bool] = mapped_column(default=False)

    class Account(base):  # type: ignore[valid-type,misc]
        """Keyed by an e-mail address, which no answer may show."""
        __tablename__ = "account"
        email: Mapped[str] = mapped_column(String(100), primary_key=True)
        owner: Mapped[str] = mapped_column(String(20))
        done: Mapped[bool] = mapped_column(default=False)

    class Misnamed(base):  # type: ignore[valid-type,misc]
        """Names a column it does not have."""
        __tablename__ = "misnamed"
        __server_actions_identity__ = ("id", "colour")
        id: Mapped[int] = mapped_column(primary_key=True)
        owner: Mapped[str] = mapped_column(String(20))
        done: Mapped[bool] = mapped_column(default=False)

    class Misnamed2(base):  # type: ignore[valid-type,misc]
        """Names two columns it does not have."""
        __tablename__ = "misnamed2"
        __server_actions_identity__ = ("id", "colour", "size")
        id: Mapped[int] = mapped_column(primary_key=True)
        owner: Mapped[str] = mapped_column(String(20))
        done: Mapped[bool] = mapped_column(default=False)

    return {"Note": Note, "Checklist": Checklist, "Tag": Tag, "Task": Task,
            "Ticket": Ticket, "Card": Card, "Account": Account, "Misnamed": Misnamed,
            "Misnamed2": Misnamed2}


_CLOCK = itertools.count(1)
#: Values a row needs besides its owner.
CREATED = {"Card": {"created": dt.datetime(2024, 5, 1, 9, 30)}}


db = SQLAlchemy()
FLASK_MODELS = define_models(db.Model)
PLAIN_MODELS = define_models(Base)


@server_action
def describe(value: t.Any) -> str:
    """Called by client code: says what it was given."""
    return type(value).__name__


def database() -> tuple[t.Any, dict[str, type]]:
    """The current app's session and models."""
    return t.cast("tuple[t.Any, dict[str, type]]", current_app.extensions["test.database"])


def flip(row: t.Any) -> None:
    """What the toggles do: flip ``done`` and commit."""
    row.done = not row.done
    database()[0].commit()
    STORE.append(("toggle", row.owner))


def _routes(app: Flask) -> None:
    @app.get("/notes/<int:note_id>")
    def show_note(note_id: int) -> str:
        session, models = database()
        Note, Tag = models["Note"], models["Tag"]  # noqa: N806 - model classes
        note = session.get(Note, note_id)
        tag = session.get(Tag, ("ann", "work"))

        def rename(row: t.Any, form: t.Any) -> None:
            "use server"
            STORE.append(("rename", type(row).__name__, row.id, note is row))
            row.title = form["title"]
            database()[0].commit()

        def retag(row: t.Any, form: t.Any) -> None:
            "use server"
            STORE.append(("retag", row.owner, row.slug))

        def create_then_fail(form: t.Any) -> None:
            "use server"
            session, models = database()
            session.add(models["Note"](title=form["title"]))
            raise ActionError("Notes are closed today.")

        notes = session.scalars(select(Note).order_by(Note.id)).all()
        if note_id == 0:  # a row not saved yet: it has no key to travel as
            note = Note(title="unsaved")
        return render_template_string(PAGE, rename=rename, retag=retag,
                                      create_then_fail=create_then_fail, describe=describe,
                                      note=note, tag=tag, notes=notes)

    @app.get("/rows/<model>/<key>")
    def show_row(model: str, key: str) -> str:
        session, models = database()
        row = session.get(models[model], int(key) if key.isdigit() else key)

        def toggle(bound: t.Any, form: t.Any) -> None:
            "use server"
            flip(bound)

        def toggle_captured(form: t.Any) -> None:
            "use server"
            flip(row)

        return render_template_string(ROW_PAGE, row=row, toggle=toggle,
                                      toggle_captured=toggle_captured)


def _seed(session: t.Any, models: dict[str, type]) -> None:
    session.add_all([models["Note"](id=1, title="First"),
                     models["Checklist"](id=2, title="Groceries", items=3),
                     models["Tag"](owner="ann", slug="work"),
                     models["Account"](email="ann@example.org", owner="ann"),
                     models["Misnamed"](id=1, owner="ann"),
                     models["Misnamed2"](id=1, owner="ann")])
    for name in ("Task", "Ticket", "Card"):
        session.add(models[name](owner="ann", **CREATED.get(name, {})))
    session.commit()


def create_flask_sqlalchemy_app() -> Flask:
    app = Flask(__name__)
    app.testing = True
    app.config.update(SECRET_KEY="models secret", SQLALCHEMY_DATABASE_URI="sqlite://")
    db.init_app(app)
    actions = ServerActions(app)
    actions.use_sqlalchemy(db.session, db.Model)
    _routes(app)
    app.extensions["test.database"] = (db.session, FLASK_MODELS)
    with app.app_context():
        db.create_all()
        _seed(db.session, FLASK_MODELS)
    return app


def create_plain_sqlalchemy_app() -> Flask:
    engine = create_engine("sqlite://", poolclass=StaticPool,
                           connect_args={"check_same_thread": False})
    Base.metadata.create_all(engine)
    session = scoped_session(sessionmaker(engine))
    app = Flask(__name__)
    app.testing = True
    app.config["SECRET_KEY"] = "models secret"
    app.teardown_appcontext(lambda _error: session.remove())
    actions = ServerActions(app)
    actions.use_sqlalchemy(session, Base)
    _routes(app)
    app.extensions["test.database"] = (session, PLAIN_MODELS)
    app.extensions[ENGINES] = [engine]
    _seed(session, PLAIN_MODELS)
    session.remove()
    return app
