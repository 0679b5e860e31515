"""The to-do list's SQLite database, created and seeded on first use."""

from __future__ import annotations

import sqlite3
import typing as t

from flask import current_app
from flask import g

SCHEMA = """
CREATE TABLE IF NOT EXISTS todo (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    title TEXT NOT NULL,
    done INTEGER NOT NULL DEFAULT 0
);
"""
SEED = ["Water the plants", "Write the release notes", "Call the bank"]


def get_db() -> sqlite3.Connection:
    """The request's connection; the first one ever creates and seeds the table."""
    if "todo_db" not in g:
        db = sqlite3.connect(current_app.config["DATABASE"])
        db.row_factory = sqlite3.Row
        created = db.execute(
            "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'todo'").fetchone()
        if created is None:
            db.executescript(SCHEMA)
            db.executemany("INSERT INTO todo (title) VALUES (?)", [(title,) for title in SEED])
            db.commit()
        g.todo_db = db
    return t.cast(sqlite3.Connection, g.todo_db)


def close_db(error: BaseException | None = None) -> None:
    db = g.pop("todo_db", None)
    if db is not None:
        db.close()


def todos(offset: int = 0, limit: int = -1) -> list[sqlite3.Row]:
    """The items in order: ``limit`` of them (-1: all) after the first ``offset``."""
    return get_db().execute("SELECT id, title, done FROM todo ORDER BY id LIMIT ? OFFSET ?",
                            (limit, offset)).fetchall()


def count() -> int:
    return t.cast(int, get_db().execute("SELECT count(*) FROM todo").fetchone()[0])


def todo(todo_id: int) -> sqlite3.Row | None:
    return t.cast("sqlite3.Row | None", get_db().execute(
        "SELECT id, title, done FROM todo WHERE id = ?", (todo_id,)).fetchone())


def change(sql: str, *params: object) -> int:
    """Run one write and commit it; return how many rows it touched."""
    db = get_db()
    count = db.execute(sql, params).rowcount
    db.commit()
    return count
