"""Flask-SQLAlchemy rows in tokens, Flask-Login guarding actions
(docs/integrations.rst)."""

from __future__ import annotations

import typing as t

from flask import Flask
from flask import redirect
from flask import render_template
from flask import url_for
from flask_login import LoginManager
from flask_login import UserMixin
from flask_login import current_user
from flask_login import login_required
from flask_login import login_user
from flask_login import logout_user
from flask_sqlalchemy import SQLAlchemy
from sqlalchemy import ForeignKey
from sqlalchemy import select
from sqlalchemy.orm import Mapped
from sqlalchemy.orm import mapped_column
from werkzeug.security import check_password_hash
from werkzeug.security import generate_password_hash
from werkzeug.wrappers import Response

from flask_server_actions import ActionError
from flask_server_actions import ServerActions
from flask_server_actions import server_action
from flask_server_actions.integrations.login import require_login

db = SQLAlchemy()
login_manager = LoginManager()
login_manager.login_view = "sign_in_page"


class User(db.Model, UserMixin):  # type: ignore[name-defined,misc]
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(unique=True)
    password_hash: Mapped[str]


class Task(db.Model):  # type: ignore[name-defined,misc]
    id: Mapped[int] = mapped_column(primary_key=True)
    owner_id: Mapped[int] = mapped_column(ForeignKey("user.id"))
    title: Mapped[str]
    done: Mapped[bool] = mapped_column(default=False)


@login_manager.user_loader
def load_user(user_id: str) -> User | None:
    return db.session.get(User, int(user_id))


@server_action  # public: anyone may sign in
def sign_in(form: t.Mapping[str, str]) -> Response:
    user = db.session.scalar(select(User).where(User.name == form["name"]))
    if user is None or not check_password_hash(user.password_hash, form["password"]):
        raise ActionError("Wrong name or password.")
    login_user(user)
    return redirect(url_for("tasks"))


@server_action(require=require_login)  # only for a signed-in user
def sign_out() -> Response:
    logout_user()
    return redirect(url_for("sign_in_page"))


def create_app(config: t.Mapping[str, t.Any] | None = None) -> Flask:
    app = Flask(__name__)
    app.config.update(SECRET_KEY="change me", SQLALCHEMY_DATABASE_URI="sqlite://",
                      SESSION_COOKIE_SAMESITE="Lax", **(config or {}))
    db.init_app(app)
    login_manager.init_app(app)
    actions = ServerActions(app)
    actions.use_sqlalchemy(db.session, db.Model)

    @app.get("/")
    def sign_in_page() -> str:
        return render_template("sign_in.html", sign_in=sign_in)

    @app.get("/tasks")
    @login_required  # guards the page and its inline actions
    def tasks() -> str:
        owner = current_user  # travels as the user's primary key

        def add(form: t.Mapping[str, str]) -> None:
            "use server"
            db.session.add(Task(owner_id=owner.id, title=form["title"]))
            db.session.flush()
            if not form["title"].strip():
                # The task added above is rolled back before the page shows.
                raise ActionError("A task needs a title.")
            db.session.commit()

        def toggle(task: Task) -> None:
            "use server"
            task.done = not task.done
            db.session.commit()

        rows = db.session.scalars(select(Task).where(Task.owner_id == owner.id)).all()
        return render_template("tasks.html", tasks=rows, add=add, toggle=toggle,
                               sign_out=sign_out)

    with app.app_context():
        db.create_all()
        db.session.add(User(name="ann", password_hash=generate_password_hash("secret")))
        db.session.commit()
    return app
