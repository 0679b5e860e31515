"""An app factory with the extension and Flask-SQLAlchemy at module level
(docs/quickstart.rst)."""

from flask import Flask, render_template_string
from flask_sqlalchemy import SQLAlchemy
from sqlalchemy.orm import Mapped, mapped_column

from flask_server_actions import ServerActions

db = SQLAlchemy()
actions = ServerActions()  # blueprints' modules import it from here
# At import time, for every app: db.session serves whichever app is current.
actions.use_sqlalchemy(db.session, db.Model)


class Note(db.Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    text: Mapped[str]


PAGE = """<p id="text">{{ note.text }}</p>
<form method="post">{{ action(rename, note) }}<input name="text"><button>Save</button></form>"""


def rename(note, form):
    "use server"  # the row travels as its key and is loaded again on submit
    note.text = form["text"]
    db.session.commit()


def create_app(config=None):
    app = Flask(__name__)
    app.config.update(SECRET_KEY="change me", SQLALCHEMY_DATABASE_URI="sqlite://",
                      **(config or {}))
    db.init_app(app)
    actions.init_app(app)

    @app.get("/notes/<int:note_id>")
    def show_note(note_id):
        note = db.get_or_404(Note, note_id)
        return render_template_string(PAGE, note=note, rename=rename)

    with app.app_context():
        db.create_all()
        db.session.add(Note(text="first"))
        db.session.commit()
    return app
