"""Where the time of a page of rows goes: the floor any helper pays, and the token.

    .venv/bin/python -m benchmarks.rows

Renders the 100-row template of the ``render`` case inside one request
three ways, best of interleaved rounds: with plain buttons, with a trivial
helper that returns constant button attributes through the same Jinja call
(``action.button(delete_row, row)`` without minting anything: the floor any
per-row helper pays), and with a token per row. Then times the parts of one
mint, the first token of a request, and the headers a page with tokens gets.
"""

from __future__ import annotations

import time
import timeit
import typing as t

from flask import Response
from flask import request
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
from .apps import create_app
from .apps import delete_row
from .wsgi import best_of

ROWS = 100


class TrivialHelper:
    """Stands in for ``action``: the same call from the template, no token."""

    def button(self, fn: object, *args: object) -> Markup:
        return Markup(f'type="submit" name="__button" value="{args[0]}" formmethod="post"')


def _per_call(call: t.Callable[[], object], number: int = 20_000) -> float:
    return min(timeit.repeat(call, number=number, repeat=7)) / number * 1e6


def measure() -> dict[str, float]:
    """Microseconds of each rendering and of each part of a mint."""
    app = create_app("render")
    ext = app.extensions["server_actions"]
    helper = app.jinja_env.globals["action"]
    results: dict[str, float] = {}
    with app.test_request_context(f"/rows/{ROWS}"):
        ext.binding()
        template = app.jinja_env.from_string(TEMPLATES["rows.html"])
        rows = range(ROWS)
        results.update(best_of({
            "plain": lambda: template.render(rows=rows, delete_row=None, action=helper),
            "trivial helper": lambda: template.render(rows=rows, delete_row=delete_row,
                                                      action=TrivialHelper()),
            "tokens": lambda: template.render(rows=rows, delete_row=delete_row,
                                              action=helper),
        }, 200, 9))
        state = request.__dict__[_REQUEST_PAGE]
        shape = state.shapes[delete_row.__code__, 1]
        names = ("bound argument 1",)
        results["mint (a further row: its row part)"] = _per_call(
            lambda: mint(delete_row, (5,)))
        results["  encode a bound argument that is no int"] = _per_call(
            lambda: encode_values(ext.serializer, names, ("5",), 4096))
        results["  JSON of the bound arguments"] = _per_call(lambda: compact_json([5]))
        sealer = next(iter(state.envelopes.values()))[1]
        assert sealer is not None
        results["  pad, AES-GCM, base64url (the row part)"] = _per_call(
            lambda: sealer.seal("5"))
        context = bytes(21)
        results["  an envelope's row sealer (its key and cipher)"] = _per_call(
            lambda: RowSealer(state.keys.current_rows, context))
        results["  nonce from the pool"] = _per_call(state.nonces.take)
        body = envelope_body(shape.ref, 1, "{}", shape.options_json)
        nonce = state.nonces.take()  # the same nonce is fine: nothing is kept
        results["  pad, AES-GCM, base64url (an envelope)"] = _per_call(
            lambda: seal_body(body, state.keys, state.bindings, int(time.time()), nonce))

        def first_token() -> str:
            request.__dict__.pop(_REQUEST_PAGE)
            return mint(delete_row, (5,))

        results["first token of a request"] = _per_call(first_token, 5000)
        results["private headers of a page with tokens"] = _per_call(
            lambda: keep_private(Response("page"))) - _per_call(lambda: Response("page"))
    return results


def report(results: dict[str, float]) -> str:
    plain = results["plain"]
    lines = [f"{ROWS}-row template, in one request (µs):"]
    for name in ("plain", "trivial helper", "tokens"):
        micros = results[name]
        lines.append(f"  {name:<16}{micros:8.1f}   {micros / plain:5.2f}x plain"
                     f"   {(micros - plain) / ROWS:5.2f} µs per row over plain")
    lines += ["", "one mint and its parts (µs):"]
    for name, micros in results.items():
        if name not in ("plain", "trivial helper", "tokens"):
            lines.append(f"  {name:<40}{micros:6.2f}")
    return "\n".join(lines)


if __name__ == "__main__":
    print(report(measure()))
