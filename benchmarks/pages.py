"""What a page of rows weighs and costs: bytes exactly, times as ratios.

    .venv/bin/python -m benchmarks.pages

Side by side in one run, in process:

* the bytes of the 100-row page of the ``render`` case with a delete
  button per row (``action.button(delete_row, row)``, an integer bound
  argument) against the same page with plain buttons, and against the
  Flask-WTF way (a form per row with its own CSRF field), raw and gzipped
  (level 6, what a server's gzip sends);
* the characters of one row token that no other row's token shares (what
  compression cannot take away), and the length of the seed's
  ``update_post`` token (capturing ``post_id``, the README's example) and
  of the ``action`` case's (capturing ``post_id`` and ``slug``);
* the time to mint a token bound to a SQLAlchemy row (``use_sqlalchemy``)
  against one bound to an integer id, per token, best of interleaved rounds,
  and the parts of the row's: its JSON (key and identity digest), the
  digest alone, and sealing its longer row part.

Bytes are deterministic (tokens are random, their lengths are not); times
are reported as ratios to a baseline measured in the same run.
"""

from __future__ import annotations

import gzip
import itertools
import os
import timeit
import typing as t

from flask import Flask
from flask import render_template_string
from flask_wtf import CSRFProtect
from flask_wtf.csrf import generate_csrf
from sqlalchemy import create_engine
from sqlalchemy.orm import DeclarativeBase
from sqlalchemy.orm import Mapped
from sqlalchemy.orm import Session
from sqlalchemy.orm import mapped_column
from sqlalchemy.orm import scoped_session
from sqlalchemy.orm import sessionmaker

from flask_server_actions import ServerActions
from flask_server_actions.integrations.models import _digest
from flask_server_actions.page.minting import mint
from flask_server_actions.token.envelope import RowSealer

from .apps import create_app

ROWS = 100
#: The Flask-WTF way of a page of rows: a form per row, each with its token.
WTF_ROWS = """<!doctype html><title>Rows</title>
<table>
{% for row in rows %}<tr><td>Row {{ row }}</td><td>
<form method="post"><input type="hidden" name="csrf_token" value="{{ csrf() }}">
<button type="submit" name="delete" value="{{ row }}">Delete</button></form></td></tr>
{% endfor %}</table>"""
#: Where the seed's update_post writes.
UPDATED: dict[int, str] = {}
SEED = """<form method="post">{{ action(update_post) }}<input name="title"></form>"""


def _gzipped(body: bytes) -> int:
    return len(gzip.compress(body, compresslevel=6, mtime=0))


def _tokens(html: str, field: str) -> list[str]:
    marker = f'name="{field}" value="'
    found, start = [], html.find(marker)
    while start >= 0:
        start += len(marker)
        found.append(html[start:html.index('"', start)])
        start = html.find(marker, start)
    return found


def _unique(tokens: list[str]) -> tuple[int, int]:
    """The fewest and most characters of a token that the others do not
    share with it: all but the prefix every token has."""
    shared = os.path.commonprefix(tokens)
    lengths = [len(token) - len(shared) for token in tokens]
    return min(lengths), max(lengths)


def page_bytes() -> dict[str, t.Any]:
    """The bytes of the 100-row pages and of single tokens."""
    results: dict[str, t.Any] = {}
    client = create_app("render").test_client()
    plain = client.get(f"/plain/{ROWS}").data
    tokens = client.get(f"/rows/{ROWS}").data
    wtf = Flask(__name__)
    wtf.config["SECRET_KEY"] = "bench"
    CSRFProtect(wtf)
    with wtf.test_request_context("/rows"):
        wtf_page = render_template_string(WTF_ROWS, rows=range(ROWS),
                                          csrf=generate_csrf).encode()
    for name, body in (("plain", plain), ("tokens", tokens), ("flask-wtf", wtf_page)):
        results[f"{name} bytes"] = len(body)
        results[f"{name} gzipped"] = _gzipped(body)
    row_tokens = _tokens(tokens.decode(), "__action_button")
    assert len(row_tokens) == ROWS
    results["row token"] = len(row_tokens[0])
    results["row token unique"] = _unique(row_tokens)
    results["seed token"] = len(_seed_token())
    action = create_app("action").test_client()
    results["action case token"] = len(_tokens(action.get("/posts/1").data.decode(),
                                                "__action")[0])
    return results


def _seed_token() -> str:
    """The token of the README's ``update_post``, capturing ``post_id``."""
    app = Flask(__name__)
    app.config["SECRET_KEY"] = "bench"
    ServerActions(app)

    @app.get("/posts/<int:post_id>")
    def show_post(post_id: int) -> str:
        def update_post(form: t.Any) -> None:
            "use server"
            UPDATED[post_id] = form["title"]

        return render_template_string(SEED, update_post=update_post)

    return _tokens(app.test_client().get("/posts/1").data.decode(), "__action")[0]


class _Base(DeclarativeBase):
    pass


class Task(_Base):
    __tablename__ = "tasks"
    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str]
    done: Mapped[bool] = mapped_column(default=False)


def toggle(task: Task, form: t.Any) -> None:
    """use server"""


def row_timing(number: int = 20_000, repeat: int = 9) -> dict[str, float]:
    """Microseconds per token bound to a SQLAlchemy row and to an int id."""
    engine = create_engine("sqlite://")
    _Base.metadata.create_all(engine)
    session = scoped_session(sessionmaker(engine))
    session.add_all(Task(id=row, title=f"Task {row}") for row in range(ROWS))
    session.commit()
    # A page of rows: each token binds another row, as the int ids do.
    tasks = itertools.cycle(t.cast(Session, session).query(Task).order_by(Task.id).all())
    ids = itertools.cycle(range(ROWS))
    app = Flask(__name__)
    app.config["SECRET_KEY"] = "bench"
    ext = ServerActions(app)
    ext.use_sqlalchemy(session, _Base)
    # Tokens post back to the page that minted them: the page must have a GET view.
    app.add_url_rule("/tasks", "tasks", lambda: "")
    calls = {"int id": lambda: mint(toggle, (next(ids),)),
             "SQLAlchemy row": lambda: mint(toggle, (next(tasks),))}
    best = dict.fromkeys(calls, float("inf"))
    with app.test_request_context("/tasks"):
        for call in calls.values():
            call()  # the envelope and the row's mapper, once
        for _ in range(repeat):
            for name, call in calls.items():
                best[name] = min(best[name], timeit.timeit(call, number=number) / number * 1e6)
        best.update(_row_parts(ext, tasks, number, repeat))
    session.remove()
    return best


def _row_parts(ext: ServerActions, tasks: t.Iterator[Task], number: int,
               repeat: int) -> dict[str, float]:
    """Where a row token's time beyond an int id's goes: the row's JSON
    (key and identity digest), the digest alone, and sealing the longer row
    part (against an id's)."""
    serializer = ext.serializer
    registration = serializer._by_name["model"]  # a private part: measured alone
    rows = t.cast(t.Any, registration.dump).rows
    task = next(tasks)
    plan = rows._plan(Task)
    row_json = t.cast(str, serializer.write_flat((task,), 4096))
    sealer = RowSealer(bytes(32), bytes(21))  # an envelope's: AES-GCM, a counter
    parts = {
        "row JSON": lambda: serializer.write_flat((next(tasks),), 4096),
        "identity digest": lambda: _digest(plan, next(tasks)),
        "seal row part": lambda: sealer.seal(row_json),
        "seal id part": lambda: sealer.seal("57"),
    }
    best = dict.fromkeys(parts, float("inf"))
    for _ in range(repeat):
        for name, call in parts.items():
            best[name] = min(best[name], timeit.timeit(call, number=number) / number * 1e6)
    return best


def report(sizes: dict[str, t.Any], timing: dict[str, float]) -> str:
    plain_bytes, plain_gzip = sizes["plain bytes"], sizes["plain gzipped"]
    lines = [f"{ROWS}-row page | bytes | ratio to plain | gzipped | ratio to plain",
             "--- | ---: | ---: | ---: | ---:"]
    for name in ("plain", "tokens", "flask-wtf"):
        raw, packed = sizes[f"{name} bytes"], sizes[f"{name} gzipped"]
        lines.append(f"{name} | {raw} | {raw / plain_bytes:.2f}x | {packed}"
                     f" | {packed / plain_gzip:.2f}x")
    low, high = sizes["row token unique"]
    lines += ["",
              f"row token: {sizes['row token']} characters, {low}-{high} of them its own",
              f"the seed's update_post token: {sizes['seed token']} characters",
              f"the action case's update_post token: {sizes['action case token']} characters",
              "",
              f"per token, bound to an int id: {timing['int id']:.2f} µs;"
              f" to a SQLAlchemy row: {timing['SQLAlchemy row']:.2f} µs"
              f" ({timing['SQLAlchemy row'] / timing['int id']:.2f}x)",
              f"  of a row token: its JSON (key and digest) {timing['row JSON']:.2f} µs,"
              f" the digest alone {timing['identity digest']:.2f} µs; sealing its row part"
              f" {timing['seal row part']:.2f} µs against {timing['seal id part']:.2f} µs"
              " for an id's"]
    return "\n".join(lines)


if __name__ == "__main__":
    print(report(page_bytes(), row_timing()))
