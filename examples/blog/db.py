"""The blog's data: users and posts in SQLite, with the standard library.

One connection per request, kept on :data:`flask.g` and closed when the
request ends. The schema is created and seeded the first time a process opens
a database file, inside one write transaction, so several workers starting
together on a new file seed it once.
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

#: The users and posts of a new database.
SEED_USERS = ("ada", "grace", "linus")
SEED_POSTS = (
    ("ada", "Notes on the analytical engine", "It weaves algebraic patterns."),
    ("grace", "A moth in the relay", "First actual case of bug being found."),
    ("ada", "On poetical science", "Imagination is the discovering faculty."),
)

# Database files this process has already checked, so later requests skip it.
_ready: set[str] = set()


def connect(path: str) -> sqlite3.Connection:
    """A connection to ``path``, creating and seeding the database if new."""
    # Autocommit mode: writes open their transactions explicitly (see write()).
    conn = sqlite3.connect(path, timeout=10, isolation_level=None)
    conn.row_factory = sqlite3.Row
    conn.execute("PRAGMA foreign_keys = ON")
    if path not in _ready:
        # WAL lets readers in other workers go on while one writes.
        conn.execute("PRAGMA journal_mode = WAL")
        with write(conn):
            for statement in SCHEMA.split(";"):
                if statement.strip():
                    conn.execute(statement)
            if conn.execute("SELECT COUNT(*) FROM users").fetchone()[0] == 0:
                seed(conn)
        _ready.add(path)
    return conn


class write:
    """``with write(conn):`` runs the block in one ``BEGIN IMMEDIATE``
    transaction: committed at the end, rolled back on an exception."""

    def __init__(self, conn: sqlite3.Connection) -> None:
        self.conn = conn

    def __enter__(self) -> sqlite3.Connection:
        self.conn.execute("BEGIN IMMEDIATE")
        return self.conn

    def __exit__(self, kind: object, *rest: object) -> None:
        self.conn.execute("ROLLBACK" if kind is not None else "COMMIT")


def seed(conn: sqlite3.Connection) -> None:
    """Fill a new database with :data:`SEED_USERS` and :data:`SEED_POSTS`."""
    ids = {name: conn.execute("INSERT INTO users (name) VALUES (?)", (name,)).lastrowid
           for name in SEED_USERS}
    conn.executemany("INSERT INTO posts (author_id, title, body) VALUES (?, ?, ?)",
                     [(ids[author], title, body) for author, title, body in SEED_POSTS])


def get_db() -> sqlite3.Connection:
    """The current request's connection."""
    if "blog_db" not in g:
        g.blog_db = connect(current_app.config["DATABASE"])
    return t.cast(sqlite3.Connection, g.blog_db)


def close_db(error: BaseException | None = None) -> None:
    conn = g.pop("blog_db", None)
    if conn is not None:
        conn.close()


def init_app(app: Flask) -> None:
    app.teardown_appcontext(close_db)


# Reading


def users() -> list[sqlite3.Row]:
    return get_db().execute("SELECT id, name FROM users ORDER BY name").fetchall()


def user(user_id: int) -> sqlite3.Row | None:
    return t.cast("sqlite3.Row | None", get_db().execute(
        "SELECT id, name FROM users WHERE id = ?", (user_id,)).fetchone())


def user_named(name: str) -> sqlite3.Row | None:
    return t.cast("sqlite3.Row | None", get_db().execute(
        "SELECT id, name FROM users WHERE name = ?", (name,)).fetchone())


_POSTS = """
SELECT posts.id, posts.title, posts.body, posts.author_id, users.name AS author
FROM posts JOIN users ON users.id = posts.author_id
"""


def posts() -> list[sqlite3.Row]:
    return get_db().execute(_POSTS + " ORDER BY posts.id DESC").fetchall()


def post(post_id: int) -> sqlite3.Row | None:
    return t.cast("sqlite3.Row | None", get_db().execute(
        _POSTS + " WHERE posts.id = ?", (post_id,)).fetchone())


# Writing


def add_user(name: str) -> int:
    with write(get_db()) as conn:
        return t.cast(int, conn.execute(
            "INSERT INTO users (name) VALUES (?)", (name,)).lastrowid)


def add_post(author_id: int, title: str, body: str) -> int:
    with write(get_db()) as conn:
        return t.cast(int, conn.execute(
            "INSERT INTO posts (author_id, title, body) VALUES (?, ?, ?)",
            (author_id, title, body)).lastrowid)


def update_post(post_id: int, title: str, body: str) -> None:
    with write(get_db()) as conn:
        conn.execute("UPDATE posts SET title = ?, body = ? WHERE id = ?", (title, body, post_id))


def delete_post(post_id: int) -> None:
    with write(get_db()) as conn:
        conn.execute("DELETE FROM posts WHERE id = ?", (post_id,))
