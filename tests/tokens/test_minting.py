"""Minting many tokens on one page: actions defined in a loop are refused at
render time, and nonces never repeat across rows, threads and forked
workers."""

from __future__ import annotations

import base64
import os
import threading
import typing as t

import pytest
from bs4 import BeautifulSoup
from flask import Flask
from flask import render_template_string

from flask_server_actions import ActionError
from flask_server_actions import ServerActions
from flask_server_actions.errors import ActionDefinedInLoop
from flask_server_actions.token.envelope import NoncePool

from ..html import Page
from ..store import STORE

ROWS = """{{ action.notice() }}{% for row, fn in rows %}
<form id="row{{ row }}" method="post">{{ action(fn) }}<button>Delete</button></form>{% endfor %}"""
BOUND = """{{ action.notice() }}{% for row in rows %}
<form id="row{{ row }}" method="post">{{ action(fn, row) }}<button>Delete</button></form>
{% endfor %}"""
#: Each row asks for a block of its own: a token's envelope apiece.
DISTINCT = """{% for row in rows %}
<form method="post">{{ action(fn, row, block="row" ~ row) }}</form>{% endfor %}"""
_NONCE = slice(9, 21)


def create_app() -> Flask:
    app = Flask(__name__)
    app.config.update(SECRET_KEY="minting secret", TESTING=True)
    ServerActions(app)

    @app.get("/loop")
    def loop() -> str:
        rows = []
        for row in (1, 2, 3):
            def delete(form: t.Any) -> None:
                "use server"
                STORE.append(("delete", row))  # noqa: B023 - the bug refused here

            rows.append((row, delete))
        return render_template_string(ROWS, rows=rows)

    @app.get("/loop-table")
    def loop_table() -> str:
        rows = []
        for row in (1, 2, 3):
            def delete(form: t.Any, table: str = "rows") -> None:
                "use server"
                STORE.append((f"delete from {table}", row))  # noqa: B023 - refused

            rows.append((row, delete))
        return render_template_string(ROWS, rows=rows)

    @app.get("/loop-keyword")
    def loop_keyword() -> str:
        rows = []
        for row in (1, 2, 3):
            def delete(form: t.Any, *, table: str = "rows") -> None:
                "use server"
                STORE.append((f"delete from {table}", row))  # noqa: B023 - refused

            rows.append((row, delete))
        return render_template_string(ROWS, rows=rows)

    @app.get("/loop-sections")
    def loop_sections() -> str:
        rows = []
        for section, row in (("a", 1), ("b", 2)):
            def delete(form: t.Any) -> None:
                "use server"
                STORE.append(("delete", section, row))  # noqa: B023 - refused

            rows.append((row, delete))
        return render_template_string(ROWS, rows=rows)

    @app.get("/loop-defaults")
    def loop_defaults() -> str:
        rows = []
        table = "rows"
        for row in (1, 2, 3):
            def delete(form: t.Any, row: int = row) -> None:
                "use server"
                STORE.append((f"delete from {table}", row))

            rows.append((row, delete))
        return render_template_string(ROWS, rows=rows)

    def row_action(row: int) -> t.Callable[..., None]:
        def delete(form: t.Any) -> None:
            "use server"
            STORE.append(("delete", row))

        return delete

    @app.get("/factory")
    def factory() -> str:
        return render_template_string(ROWS, rows=[(row, row_action(row)) for row in (1, 2, 3)])

    @app.get("/bound")
    def bound() -> str:
        table = "rows"

        def delete(row: int, form: t.Any) -> None:
            "use server"
            if row == 2:
                raise ActionError("Row 2 stays.")
            STORE.append((f"delete from {table}", row))

        return render_template_string(BOUND, fn=delete, rows=(1, 2, 3))

    return app


@pytest.fixture
def client() -> t.Any:
    return create_app().test_client()


@pytest.mark.parametrize(("url", "captured"), [
    ("/loop", "row"), ("/loop-table", "row"), ("/loop-keyword", "row"),
    ("/loop-sections", "row, section"),
])
def test_an_action_defined_in_a_loop_is_a_render_error(
        client: t.Any, url: str, captured: str) -> None:
    with pytest.raises(ActionDefinedInLoop) as caught:
        client.get(url)
    ref = f"tests.tokens.test_minting:create_app.<locals>.{url[1:].replace('-', '_')}.<locals>.delete"
    assert str(caught.value) == (
        f"The action 'delete' ({ref}) is defined again and again in one call of its view"
        f" (inside a loop), and every copy captures the same variables ({captured}): Python"
        " binds them late, so every row's form would act on the last row. Define the action"
        " once, before the loop, with the row as a parameter, and bind each row in the"
        " template: {{ action(delete, row.id) }}.")
    assert caught.value.action == ref
    assert STORE == []


@pytest.mark.parametrize("url", ["/loop-defaults", "/factory"])
def test_rows_bound_at_definition_act_on_their_own_row(client: t.Any, url: str) -> None:
    page = Page.get(client, url)
    assert page.form("#row1").submit().status_code == 303
    assert page.form("#row3").submit().status_code == 303
    assert [row for _, row in STORE] == [1, 3]


def test_one_action_bound_per_row_rerenders_after_a_failure(client: t.Any) -> None:
    # One function minted for every row, on the page and on its re-render:
    # no false alarm.
    page = Page.get(client, "/bound")
    response = page.form("#row2").submit()
    assert response.status_code == 422
    assert "Row 2 stays." in response.get_data(as_text=True)
    assert Page(client, "/bound", response).form("#row3").submit().status_code == 303
    assert STORE == [("delete from rows", 3)]


def _tokens(html: str) -> list[str]:
    soup = BeautifulSoup(html, "html.parser")
    return [str(tag["value"]) for tag in soup.select('input[name="__action"]')]


def _nonces(html: str) -> list[bytes]:
    envelopes = [token.partition(".")[0] for token in _tokens(html)]
    return [base64.urlsafe_b64decode(envelope + "=" * (-len(envelope) % 4))[_NONCE]
            for envelope in envelopes]


def test_rows_of_one_action_share_an_envelope_and_differ_in_their_row_part(
        client: t.Any) -> None:
    tokens = _tokens(client.get("/bound").get_data(as_text=True))
    envelopes = {token.partition(".")[0] for token in tokens}
    rows = {token.partition(".")[2] for token in tokens}
    assert len(tokens) == 3 and len(envelopes) == 1 and len(rows) == 3


def test_every_envelope_has_its_own_nonce(client: t.Any) -> None:
    html = client.get("/bound").get_data(as_text=True)
    app = create_app()
    with app.test_request_context("/bound"):
        many = render_template_string(DISTINCT, fn=_module_action, rows=range(200))
        again = render_template_string(BOUND, fn=_module_action, rows=range(5))
    nonces = _nonces(html)[:1] + _nonces(many) + _nonces(again)[:1]
    assert len(nonces) == 202 and len(set(nonces)) == 202


def _module_action(row: int, form: t.Any) -> None:
    """use server"""


def test_two_forked_workers_minting_at_once_never_share_a_nonce() -> None:
    app = create_app()
    client = app.test_client()
    Page.get(client, "/bound")  # the app, its keys and caches exist before the fork
    start_read, start_write = os.pipe()
    workers = []
    for _ in range(2):
        out_read, out_write = os.pipe()
        pid = os.fork()
        if pid == 0:  # pragma: no cover - the child's coverage is not collected
            os.close(out_read)
            os.read(start_read, 1)  # both start together
            with app.test_request_context("/bound"):
                html = render_template_string(DISTINCT, fn=_module_action, rows=range(300))
            os.write(out_write, b"".join(_nonces(html)))
            os._exit(0)
        os.close(out_write)
        workers.append((pid, out_read))
    os.write(start_write, b"go")
    nonces: list[bytes] = []
    for pid, out_read in workers:
        with os.fdopen(out_read, "rb") as out:
            data = out.read()
        assert os.waitpid(pid, 0)[1] == 0
        nonces += [data[index:index + 12] for index in range(0, len(data), 12)]
    os.close(start_read)
    os.close(start_write)
    assert len(nonces) == 600
    assert len(set(nonces)) == 600


def test_threads_sharing_one_pool_never_get_the_same_nonce() -> None:
    pool = NoncePool()
    taken: list[list[bytes]] = [[] for _ in range(8)]

    def take(into: list[bytes]) -> None:
        for _ in range(500):
            into.append(pool.take())

    threads = [threading.Thread(target=take, args=(into,)) for into in taken]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    every = [nonce for into in taken for nonce in into]
    assert len(every) == 4000 and len(set(every)) == 4000
    assert {len(nonce) for nonce in every} == {12}
