"""The demo blog's app factory.

``flask --app examples.blog.app run`` finds :data:`app`, built on first use
so that importing this module costs nothing; servers that scale out call the
factory instead, e.g. ``gunicorn 'examples.blog.app:create_app()'``.

Settings, each also read from the environment:

``DATABASE`` (``BLOG_DATABASE``)
    The SQLite file, created and seeded on first use. Default
    ``instance/blog.sqlite3``.
``SECRET_KEY`` (``BLOG_SECRET_KEY``)
    Give every worker and instance the same key so any of them can open
    any form's token. Without one, a key is generated once and kept in the
    instance folder, fine for one machine.
``SECRET_KEY_FALLBACKS`` (``BLOG_SECRET_KEY_FALLBACKS``, space-separated)
    Retired keys whose tokens are still accepted while a new key rolls out.
``SERVER_ACTIONS_STORE`` (``BLOG_STORE``)
    Where used one-time tokens are recorded (publishing a post is
    one-time): a ``redis://`` URL every worker shares. Without one, a server
    of several processes refuses such posts (500), as each would record
    them on its own.
``SERVER_ACTIONS_HTMX_SRC`` (``BLOG_HTMX_SRC``)
    Where htmx comes from: a URL, or a file the extension serves, relative
    to the repository, e.g. ``.artifacts/htmx/htmx4.js`` (fetched from npm by
    ``scripts/fetch-htmx``, never committed). Default none: the pages load no
    JavaScript, and every form still works.
``SERVER_ACTIONS_HTMX_VERSION`` (``BLOG_HTMX_VERSION``)
    ``4`` (the default) or ``2``, the htmx major version of that file.
"""

from __future__ import annotations

import os
import secrets
import typing as t
from pathlib import Path

from flask import Flask

from flask_server_actions import ServerActions

from . import auth
from . import db
from .views import bp

ROOT = Path(__file__).resolve().parents[2]

actions = ServerActions()


def create_app(config: dict[str, t.Any] | None = None) -> Flask:
    """Make a blog app; ``config`` overrides the settings and the environment."""
    app = Flask(__name__)
    env = os.environ
    app.config.update(
        DATABASE=env.get("BLOG_DATABASE") or os.path.join(app.instance_path, "blog.sqlite3"),
        SECRET_KEY=env.get("BLOG_SECRET_KEY"),
        SECRET_KEY_FALLBACKS=env.get("BLOG_SECRET_KEY_FALLBACKS", "").split(),
        SERVER_ACTIONS_STORE=env.get("BLOG_STORE") or None,
        SERVER_ACTIONS_HTMX_SRC=htmx_source(env.get("BLOG_HTMX_SRC")),
        SERVER_ACTIONS_HTMX_VERSION=int(env.get("BLOG_HTMX_VERSION") or 4),
    )
    app.config.update(config or {})
    if not app.config["SECRET_KEY"]:
        app.config["SECRET_KEY"] = dev_secret(app.instance_path)
    if app.config["DATABASE"].startswith(app.instance_path):
        os.makedirs(app.instance_path, exist_ok=True)
    actions.init_app(app)
    db.init_app(app)
    auth.init_app(app)
    app.register_blueprint(bp)
    return app


def htmx_source(value: str | None) -> str | Path | None:
    """A URL as it is; a file path relative to the repository."""
    if not value or value.startswith("/") or "://" in value:
        return value or None
    return ROOT / value


def dev_secret(folder: str) -> str:
    """A key generated once and kept in ``folder``, shared by the processes
    of one machine (the first to start writes it, the others read it)."""
    os.makedirs(folder, exist_ok=True)
    path = os.path.join(folder, "secret_key")
    if not os.path.exists(path):
        # Written aside, then linked into place: linking fails if another
        # process got there first, and nobody ever reads a half-written key.
        draft = f"{path}.{os.getpid()}"
        Path(draft).write_text(secrets.token_urlsafe(32))
        try:
            os.link(draft, path)
        except FileExistsError:
            pass
        finally:
            os.unlink(draft)
    return Path(path).read_text().strip()


def __getattr__(name: str) -> Flask:
    # `app` is made on first access, not at import (PEP 562).
    if name == "app":
        globals()["app"] = made = create_app()
        return made
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
