"""Mint and open one action token, against itsdangerous on the same payload.

    .venv/bin/python -m benchmarks.micro

Times, in one run: minting the seed's ``update_post`` token, opening it and
rebuilding the closure (what an action post does before calling the action),
and ``URLSafeTimedSerializer.dumps`` / ``loads`` of the same payload (what a
signed-token approach would do), then prints the ratios and the token size.
"""

from __future__ import annotations

import json
import time
import timeit
import typing as t

from itsdangerous import URLSafeTimedSerializer

from flask_server_actions.closures import rebuild
from flask_server_actions.closures import resolve
from flask_server_actions.minting import mint
from flask_server_actions.tokens import binding_tag
from flask_server_actions.tokens import open_token

from .apps import create_app
from .apps import show_post

#: (mint, verify+rebuild) targets as fractions of itsdangerous dumps, loads.
TARGETS = (0.4, 0.6)


def best_of(fn: t.Callable[[], object], number: int, repeat: int = 7) -> float:
    """Seconds per call, best of ``repeat`` runs of ``number`` calls."""
    return min(timeit.repeat(fn, number=number, repeat=repeat)) / number


def measure(number: int = 5000) -> dict[str, float]:
    app = create_app("action")
    ext = app.extensions["server_actions"]
    config = app.config
    update_post = show_post(1, "post-1")
    results: dict[str, float] = {}
    with app.test_request_context("/posts/1"):
        token = mint(ext, update_post, ())
        tag = binding_tag(ext.binding())
        keys = ext.keys(app)
        opened = open_token(token, keys, tag, int(time.time()), 60, 8192)
        payload = [opened.ref, opened.page, opened.names, opened.values, opened.args,
                   opened.options]
        signer = URLSafeTimedSerializer(config["SECRET_KEY"], salt="server-actions")
        signed = signer.dumps(payload)

        def verify_and_rebuild() -> object:
            found = open_token(token, keys, binding_tag(ext.binding()), int(time.time()),
                               config["SERVER_ACTIONS_MAX_AGE"],
                               config["SERVER_ACTIONS_MAX_TOKEN_SIZE"])
            return rebuild(resolve(found.ref), found.names, found.values, ext.serializer)

        results["mint"] = best_of(lambda: mint(ext, update_post, ()), number)
        results["itsdangerous dumps"] = best_of(lambda: signer.dumps(payload), number)
        results["verify+rebuild"] = best_of(verify_and_rebuild, number)
        results["itsdangerous loads"] = best_of(lambda: signer.loads(signed, max_age=60),
                                                number)
    results["token bytes"] = len(token)
    results["itsdangerous bytes"] = len(signed)
    results["payload bytes"] = len(json.dumps(payload, separators=(",", ":")))
    return results


def report(results: dict[str, float]) -> str:
    mint_ratio = results["mint"] / results["itsdangerous dumps"]
    open_ratio = results["verify+rebuild"] / results["itsdangerous loads"]
    lines = [
        f"{'operation':<22}{'µs/call':>10}",
        *(f"{name:<22}{results[name] * 1e6:>10.2f}" for name in
          ("mint", "itsdangerous dumps", "verify+rebuild", "itsdangerous loads")),
        "",
        f"mint / dumps            {mint_ratio:.2f}x  (target <= {TARGETS[0]}x)"
        f"  {'met' if mint_ratio <= TARGETS[0] else 'MISSED'}",
        f"verify+rebuild / loads  {open_ratio:.2f}x  (target <= {TARGETS[1]}x)"
        f"  {'met' if open_ratio <= TARGETS[1] else 'MISSED'}",
        f"token of update_post: {results['token bytes']:.0f} bytes base64url"
        f" (target <= 200); itsdangerous: {results['itsdangerous bytes']:.0f};"
        f" JSON payload: {results['payload bytes']:.0f}",
    ]
    return "\n".join(lines)


if __name__ == "__main__":
    print(report(measure()))
