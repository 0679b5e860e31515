"""The blog's SQLite database: one connection per request, created and
seeded the first time the app touches it.

Plain :mod:`sqlite3` so the demo needs no database server.
"""

from __future__ import annotations

import sqlite3
import typing as t

from flask import Flask
from flask import current_app
from flask import g

SCHEMA = """
CREATE TABLE IF NOT EXISTS users (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL UNIQUE
);
CREATE TABLE IF NOT EXISTS posts (
    id INTEGER PRIMARY KEY,
    author_id INTEGER NOT NULL REFERENCES users (id),
    title TEXT NOT NULL,
    body TEXT NOT NULL DEFAULT ''
);
"""
SEED_USERS = ("ada", "grace", "linus")
SEED_POSTS = (
    ("ada", "Notes on the analytical engine", "It weaves algebraic patterns."),
    ("grace", "Finding the first bug", "A moth, taped into the log book."),
)
_READY = "blog.db_ready"


def init_app(app: Flask) -> None:
    """Close the request's connection when the request ends."""
    app.teardown_appcontext(close)


def get() -> sqlite3.Connection:
    """The connection of the current request, opened on first use."""
    if "db" not in g:
        g.db = connect(current_app.config["DATABASE"])
        if not current_app.extensions.get(_READY):
            create(g.db)
            current_app.extensions[_READY] = True
    return t.cast(sqlite3.Connection, g.db)


def connect(path: str) -> sqlite3.Connection:
    """Open the database file at ``path`` with rows readable by column name."""
    connection = sqlite3.connect(path)
    connection.row_factory = sqlite3.Row
    connection.execute("PRAGMA foreign_keys = ON")
    return connection


def close(error: BaseException | None = None) -> None:
    connection = g.pop("db", None)
    if connection is not None:
        connection.close()


def create(connection: sqlite3.Connection) -> None:
    """Create the tables, and seed them if there are no users yet.

    In one write transaction, so that two workers starting at once on a new
    file seed it once.
    """
    connection.execute("BEGIN IMMEDIATE")
    try:
        for statement in SCHEMA.split(";"):
            connection.execute(statement)
        if connection.execute("SELECT 1 FROM users").fetchone() is None:
            connection.executemany("INSERT INTO users (name) VALUES (?)",
                                   [(name,) for name in SEED_USERS])
            connection.executemany(
                "INSERT INTO posts (author_id, title, body)"
                " SELECT id, ?, ? FROM users WHERE name = ?",
                [(title, body, name) for name, title, body in SEED_POSTS])
    except BaseException:
        connection.rollback()
        raise
    connection.commit()


def users() -> list[sqlite3.Row]:
    return get().execute("SELECT id, name FROM users ORDER BY name").fetchall()


def get_user(user_id: int) -> sqlite3.Row | None:
    return t.cast("sqlite3.Row | None",
                  get().execute("SELECT id, name FROM users WHERE id = ?", (user_id,)).fetchone())


def user_exists(name: str) -> bool:
    return get().execute("SELECT 1 FROM users WHERE name = ?", (name,)).fetchone() is not None


def add_user(name: str) -> None:
    with get() as connection:
        connection.execute("INSERT INTO users (name) VALUES (?)", (name,))


_POST = ("SELECT posts.id, posts.title, posts.body, posts.author_id, users.name AS author"
         " FROM posts JOIN users ON users.id = posts.author_id")


def posts() -> list[sqlite3.Row]:
    return get().execute(f"{_POST} ORDER BY posts.id DESC").fetchall()


def get_post(post_id: int) -> sqlite3.Row | None:
    return t.cast("sqlite3.Row | None",
                  get().execute(f"{_POST} WHERE posts.id = ?", (post_id,)).fetchone())


def add_post(author_id: int, title: str, body: str) -> int:
    with get() as connection:
        cursor = connection.execute(
            "INSERT INTO posts (author_id, title, body) VALUES (?, ?, ?)",
            (author_id, title, body))
    return t.cast(int, cursor.lastrowid)


def update_post(post_id: int, title: str, body: str) -> None:
    with get() as connection:
        connection.execute("UPDATE posts SET title = ?, body = ? WHERE id = ?",
                           (title, body, post_id))


def delete_post(post_id: int) -> None:
    with get() as connection:
        connection.execute("DELETE FROM posts WHERE id = ?", (post_id,))
