"""Where the time of a page of rows goes: the floor any helper pays, and the token.

    .venv/bin/python -m benchmarks.rows

First the whole 100-row page, in process as ``benchmarks.wsgi`` requests
it (best of interleaved rounds): with plain buttons, with the trivial
helper below instead of ``action``, with its tokens minted in the view
(``mint`` in a loop, the template prints them), and with
``action.button(delete_row, row)``. Then renders the 100-row template of
the ``render`` case inside one request four ways, best of interleaved
rounds, each render a page of its own (the request's minting state
dropped before it): with plain buttons; with a trivial helper that
returns constant button attributes through the same Jinja call
(``action.button(delete_row, row)`` without minting anything: the floor
any per-row helper pays); with a token per row; and with the tokens
minted in Python before the render (what the page would cost without a
helper call per row). Then times the parts of one mint, the first token
of a request, and the headers a page with tokens gets.
"""

from __future__ import annotations

import itertools
import time
import timeit
import typing as t

from flask import Flask
from flask import Response
from flask import render_template
from flask import request
from jinja2 import DictLoader
from markupsafe import Markup

from flask_server_actions.closures import encode_values
from flask_server_actions.page.minting import _REQUEST_PAGE
from flask_server_actions.page.minting import envelope_body
from flask_server_actions.page.minting import keep_private
from flask_server_actions.page.minting import mint
from flask_server_actions.token.envelope import RowSealer
from flask_server_actions.token.envelope import seal_body
from flask_server_actions.token.serialization import compact_json

from .apps import TEMPLATES
from .apps import _login
from .apps import create_app
from .apps import delete_row
from .wsgi import best_of
from .wsgi import prepared_get

ROWS = 100
#: The rows template with each row's token minted before the render.
MINTED = TEMPLATES["rows.html"].replace(
    "{% for row in rows %}", "{% for row, token in rows %}").replace(
    "{{ action.button(delete_row, row) }}",
    'type="submit" name="__action_button" value="{{ token }}" formmethod="post"')


class TrivialHelper:
    """Stands in for ``action``: the same call from the template, no token
    (with what keeps ``action.button``'s own call cheap: ``jinja_pass_arg``
    found, ``Markup`` made without its Python ``__new__``)."""

    def button(self, fn: object, *args: object) -> Markup:
        return str.__new__(Markup, f'type="submit" name="__button" value="{args[0]}"'
                           ' formmethod="post"')

    button.jinja_pass_arg = None  # type: ignore[attr-defined]


def _per_call(call: t.Callable[[], object], number: int = 20_000) -> float:
    return min(timeit.repeat(call, number=number, repeat=7)) / number * 1e6


def _new_page() -> None:
    """Drop the request's minting state: the next token is a page's first."""
    request.__dict__.pop(_REQUEST_PAGE, None)


def _app(helper: object | None = None) -> Flask:
    """The ``render`` case's app, with a page whose tokens are minted in its
    view (``/minted/<count>``), and ``helper`` as ``action`` if given."""
    app = create_app("render")
    app.jinja_loader = DictLoader({**TEMPLATES, "minted.html": MINTED})

    @app.get("/minted/<int:count>")
    def minted(count: int) -> str:
        _login()
        return render_template("minted.html", delete_row=delete_row,
                               rows=[(row, mint(delete_row, (row,))) for row in range(count)])

    if helper is not None:
        app.jinja_env.globals["action"] = helper
    return app


#: The whole pages of :func:`measure_pages`, in order.
PAGES = ("plain buttons", "trivial helper", "tokens minted in the view", "action.button")


def measure_pages(number: int = 1000, repeat: int = 9) -> dict[str, float]:
    """Microseconds of a whole request of each 100-row page, in process."""
    paths = [f"/plain/{ROWS}", f"/rows/{ROWS}", f"/minted/{ROWS}", f"/rows/{ROWS}"]
    apps = [_app(), _app(TrivialHelper()), _app(), _app()]
    return best_of({name: prepared_get(app, path)
                    for name, app, path in zip(PAGES, apps, paths, strict=True)},
                   number, repeat)


def measure() -> dict[str, float]:
    """Microseconds of each rendering and of each part of a mint."""
    app = create_app("render")
    ext = app.extensions["server_actions"]
    helper = app.jinja_env.globals["action"]
    results: dict[str, float] = {}
    with app.test_request_context(f"/rows/{ROWS}"):
        ext.binding()
        template = app.jinja_env.from_string(TEMPLATES["rows.html"])
        minted = app.jinja_env.from_string(MINTED)
        rows = range(ROWS)

        def tokens() -> None:
            _new_page()
            template.render(rows=rows, delete_row=delete_row, action=helper)

        def tokens_before() -> None:
            _new_page()
            minted.render(rows=[(row, mint(delete_row, (row,))) for row in rows],
                          delete_row=delete_row)

        results.update(best_of({
            "plain": lambda: template.render(rows=rows, delete_row=None, action=helper),
            "trivial helper": lambda: template.render(rows=rows, delete_row=delete_row,
                                                      action=TrivialHelper()),
            "tokens": tokens,
            "tokens, minted before": tokens_before,
        }, 200, 9))
        state = request.__dict__[_REQUEST_PAGE]
        shape = state.shapes[delete_row.__code__, 1]
        names = ("bound argument 1",)
        sealer = state.rows[delete_row].seal.__self__

        def rows_of_a_page() -> None:  # the counters of a page's rows
            sealer._count = itertools.count(1)
            for row in rows:
                mint(delete_row, (row,))

        results["mint (a further row: its row part)"] = _per_call(rows_of_a_page, 200) / ROWS

        def row_parts() -> None:
            sealer._count = itertools.count(1)
            for row in rows:
                sealer.seal_int(row)

        results["  pad, AES-GCM, base64url (the row part)"] = _per_call(row_parts, 200) / ROWS
        results["  encode a bound argument that is no int"] = _per_call(
            lambda: encode_values(ext.serializer, names, ("5",), 4096))
        results["  JSON of the bound arguments"] = _per_call(lambda: compact_json([5]))
        results["  nonce from the pool"] = _per_call(state.nonces.take)
        context = bytes(21)
        results["  an envelope's row sealer (its key and cipher)"] = _per_call(
            lambda: RowSealer(state.keys.current_rows, context))
        body = envelope_body(shape.ref, 1, "{}", shape.options_json)
        nonce = state.nonces.take()  # the same nonce is fine: nothing is kept
        results["  pad, AES-GCM, base64url (an envelope)"] = _per_call(
            lambda: seal_body(body, state.keys, state.bindings, int(time.time()), nonce))

        def first_token() -> str:
            _new_page()
            return mint(delete_row, (5,))

        results["first token of a request"] = _per_call(first_token, 5000)
        results["private headers of a page with tokens"] = _per_call(
            lambda: keep_private(Response("page"))) - _per_call(lambda: Response("page"))
    return results


def report(pages: dict[str, float], results: dict[str, float]) -> str:
    lines = [f"{ROWS}-row page, a whole request in process (µs):"]
    for name in PAGES:
        micros = pages[name]
        lines.append(f"  {name:<28}{micros:8.1f}   {micros / pages[PAGES[0]]:5.2f}x plain")
    plain = results["plain"]
    lines += ["", f"{ROWS}-row template, in one request (µs):"]
    renders = ("plain", "trivial helper", "tokens", "tokens, minted before")
    for name in renders:
        micros = results[name]
        lines.append(f"  {name:<22}{micros:8.1f}   {micros / plain:5.2f}x plain"
                     f"   {(micros - plain) / ROWS:5.2f} µs per row over plain")
    lines += ["", "one mint and its parts (µs):"]
    for name, micros in results.items():
        if name not in renders:
            lines.append(f"  {name:<48}{micros:6.2f}")
    return "\n".join(lines)


if __name__ == "__main__":
    print(report(measure_pages(), measure()))
