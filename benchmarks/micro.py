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

from flask import request
from flask import session
from itsdangerous import URLSafeTimedSerializer

from flask_server_actions.closures import rebuild
from flask_server_actions.closures import resolve
from flask_server_actions.page.minting import full_ref
from flask_server_actions.page.minting import mint
from flask_server_actions.token.envelope import binding_tag
from flask_server_actions.token.envelope import open_token

from .apps import create_app
from .apps import show_post

#: (mint, verify+rebuild) targets as fractions of itsdangerous dumps, loads.
TARGETS = (0.4, 0.6)


def best_of(calls: dict[str, t.Callable[[], object]], number: int,
            repeat: int = 9) -> dict[str, float]:
    """Seconds per call of each of ``calls``: the best of ``repeat`` rounds of
    ``number`` calls, the rounds of all calls interleaved so that a busy
    moment of the machine hits them all alike."""
    best = dict.fromkeys(calls, float("inf"))
    for _ in range(repeat):
        for name, call in calls.items():
            best[name] = min(best[name], timeit.timeit(call, number=number) / number)
    return best


def measure(number: int = 2000) -> dict[str, float]:
    app = create_app("action")
    ext = app.extensions["server_actions"]
    config = app.config
    update_post = show_post(1, "post-1")
    results: dict[str, float] = {}
    with app.test_request_context("/posts/1"):
        token = mint(update_post, ())
        tag = binding_tag(ext.binding())
        keys = ext.keys(app)
        opened = open_token(token, keys, tag, int(time.time()), 60, 8192)
        # What itsdangerous would have to carry: the page's path in clear.
        payload = [opened.ref, "/posts/1", opened.names, opened.values, opened.args,
                   opened.options]
        view = app.view_functions[request.url_rule.endpoint]
        signer = URLSafeTimedSerializer(config["SECRET_KEY"], salt="server-actions")
        signed = signer.dumps(payload)

        def verify_and_rebuild() -> object:
            # What an action post does: the binding is read from the session.
            binding = session.get(config["SERVER_ACTIONS_SESSION_KEY"])
            found = open_token(token, keys, binding_tag(binding), int(time.time()),
                               config["SERVER_ACTIONS_MAX_AGE"],
                               config["SERVER_ACTIONS_MAX_TOKEN_SIZE"])
            return rebuild(resolve(full_ref(found.ref, view)), found.names, found.values,
                           ext.serializer)

        results.update(best_of({
            "mint": lambda: mint(update_post, ()),
            "itsdangerous dumps": lambda: signer.dumps(payload),
            "verify+rebuild": verify_and_rebuild,
            "itsdangerous loads": lambda: signer.loads(signed, max_age=60),
        }, number))
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
        f" (padded to 16-byte blocks); itsdangerous: {results['itsdangerous bytes']:.0f};"
        f" JSON payload: {results['payload bytes']:.0f}",
    ]
    return "\n".join(lines)


if __name__ == "__main__":
    print(report(measure()))
