"""The demo blog's app factory.

Run it with ``bash scripts/demo``, or ``flask --app examples.blog.app run``;
under gunicorn, ``gunicorn 'examples.blog.app:create_app()'``.
"""

from __future__ import annotations

import os
import secrets
import typing as t

from flask import Flask

from flask_server_actions import ServerActions

from . import actions
from . import auth
from . import db
from . import views

HERE = os.path.dirname(os.path.abspath(__file__))


def create_app(config: dict[str, t.Any] | None = None) -> Flask:
    """Make the blog app.

    :param config: settings applied over the defaults: ``DATABASE`` (a file
        path; default ``$BLOG_DATABASE`` or ``blog.sqlite3`` in the instance
        folder), ``SECRET_KEY`` (default ``$BLOG_SECRET_KEY`` or a key made
        once and kept in the instance folder), ``HTMX_SRC`` (the URL of
        htmx to load; default none, the pages work without JavaScript).
    """
    app = Flask(__name__, instance_path=os.path.join(HERE, "instance"))
    app.config.from_mapping(HTMX_SRC=None)
    app.config.update(config or {})
    if "DATABASE" not in app.config:
        app.config["DATABASE"] = os.environ.get("BLOG_DATABASE") or _instance_file(
            app, "blog.sqlite3")
    if not app.config.get("SECRET_KEY"):
        app.config["SECRET_KEY"] = os.environ.get("BLOG_SECRET_KEY") or _dev_secret(app)
    ServerActions(app)
    db.init_app(app)
    auth.init_app(app)
    app.context_processor(_globals)
    app.register_blueprint(views.bp)
    return app


def _instance_file(app: Flask, name: str) -> str:
    os.makedirs(app.instance_path, exist_ok=True)
    return os.path.join(app.instance_path, name)


def _dev_secret(app: Flask) -> str:
    # Kept on disk so tokens and sessions survive a restart of the demo. In
    # production set BLOG_SECRET_KEY, the same on every worker and instance.
    path = _instance_file(app, "secret_key")
    if not os.path.exists(path):
        with open(path, "w") as file:
            file.write(secrets.token_urlsafe(32))
    with open(path) as file:
        return file.read().strip()


def _globals() -> dict[str, t.Any]:
    # In every template: the base layout signs in and out.
    return {"current_user": auth.current_user(), "sign_out": actions.sign_out}


app = create_app()
