"""Closing the databases of the apps tests make.

Each app a test makes with Flask-SQLAlchemy or plain SQLAlchemy holds
SQLite connections in its engines' pools; left to the garbage collector,
Python 3.13 warns about every one (an error here, in whichever test happens
to collect it). Fixtures that make such an app close it when done.
"""

from __future__ import annotations

import typing as t

from flask import Flask

#: Where an app keeps engines it made itself (plain SQLAlchemy).
ENGINES = "test.engines"


def close_databases(app: Flask) -> None:
    """Close every connection ``app``'s SQLAlchemy engines hold."""
    extension = app.extensions.get("sqlalchemy")
    if extension is not None:  # Flask-SQLAlchemy
        with app.app_context():
            extension.session.remove()
            for engine in extension.engines.values():
                engine.dispose()
    for engine in t.cast("list[t.Any]", app.extensions.get(ENGINES, [])):
        engine.dispose()
