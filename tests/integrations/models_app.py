"""Apps whose actions capture SQLAlchemy rows: one on Flask-SQLAlchemy, one
on a plain SQLAlchemy ``scoped_session``, with the same models and views."""

from __future__ import annotations

import typing as t

from flask import Flask
from flask import current_app
from flask import render_template_string
from flask_sqlalchemy import SQLAlchemy
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

    return {"Note": Note, "Checklist": Checklist, "Tag": Tag}


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


def _seed(session: t.Any, models: dict[str, type]) -> None:
    session.add_all([models["Note"](id=1, title="First"),
                     models["Checklist"](id=2, title="Groceries", items=3),
                     models["Tag"](owner="ann", slug="work")])
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
