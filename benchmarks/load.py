"""Each case under gunicorn (sync workers) and wrk, side by side.

    bash benchmarks/run            # or: .venv/bin/python -m benchmarks.load --help

For 1 and 2 workers, starts one server per app of :mod:`benchmarks.apps`,
gets each page once (for its cookie and token), then runs wrk against every
variant in turn, several short rounds (ABAB...), and prints the medians as a
Markdown table: requests/s, p50/p99 latency, the servers' CPU time per
request (master + workers, from /proc: wrk shares the machine, so this is the
fairer figure) and the ratios to the baseline.
"""

from __future__ import annotations

import argparse
import http.client
import re
import statistics
import typing as t
import urllib.parse
from dataclasses import dataclass
from dataclasses import field

from .servers import Gunicorn
from .servers import request_script
from .servers import run_wrk

POST_CASES = ("bare", "flask-wtf", "action", "action+wtforms")
ROWS = (1, 10, 100)
_COOKIE = re.compile(r"^([^=;]+=[^;]*)")


@dataclass
class Variant:
    """One thing wrk hammers: a server, a path and a request script."""

    name: str
    server: Gunicorn
    path: str
    script: str
    rps: list[float] = field(default_factory=list)
    p50: list[float] = field(default_factory=list)
    p99: list[float] = field(default_factory=list)
    cpu: list[float] = field(default_factory=list)

    def median(self, what: str) -> float:
        return statistics.median(t.cast(list[float], getattr(self, what)))


def fetch(server: Gunicorn, method: str, path: str, body: str = "",
          headers: dict[str, str] | None = None) -> http.client.HTTPResponse:
    connection = http.client.HTTPConnection("127.0.0.1", server.port, timeout=10)
    connection.request(method, path, body=body, headers=headers or {})
    response = connection.getresponse()
    response.read()
    response.text = response.fp = None  # type: ignore[attr-defined]
    connection.close()
    return response


def get_page(server: Gunicorn, path: str) -> tuple[str, str]:
    """The page's HTML and the cookie it set."""
    connection = http.client.HTTPConnection("127.0.0.1", server.port, timeout=10)
    connection.request("GET", path)
    response = connection.getresponse()
    html = response.read().decode()
    connection.close()
    assert response.status == 200, (path, response.status, html)
    cookie = _COOKIE.match(response.getheader("Set-Cookie") or "")
    assert cookie, f"{path} set no cookie"
    return html, cookie.group(1)


def hidden(html: str, name: str) -> str:
    found = re.search(rf'name="{re.escape(name)}"[^>]*value="([^"]+)"', html)
    assert found, f"no {name} in the page"
    return found.group(1)


def post_variant(case: str, server: Gunicorn) -> Variant:
    """The POST of ``case``, checked to answer 303 before it is timed."""
    path = "/posts/1"
    html, cookie = get_page(server, path)
    fields = {"title": "A new title"}
    if case == "flask-wtf":
        fields = {"csrf_token": hidden(html, "csrf_token"), **fields}
    elif case.startswith("action"):
        fields = {"__action": hidden(html, "__action"), **fields}
    body = urllib.parse.urlencode(fields)
    headers = {"Content-Type": "application/x-www-form-urlencoded", "Cookie": cookie,
               "Origin": server.origin}
    status = fetch(server, "POST", path, body, headers).status
    assert status == 303, f"{case}: the POST answered {status}, not 303"
    return Variant(case, server, path, request_script("POST", body, headers))


def render_variants(server: Gunicorn) -> list[Variant]:
    _, cookie = get_page(server, "/rows/1")  # the session now holds the token binding
    variants = []
    for rows in ROWS:
        for kind in ("plain", "rows"):
            path = f"/{kind}/{rows}"
            assert fetch(server, "GET", path, headers={"Cookie": cookie}).status == 200
            name = f"render {rows} {'tokens' if kind == 'rows' else 'plain'}"
            variants.append(Variant(name, server, path,
                                    request_script("GET", headers={"Cookie": cookie})))
    return variants


def measure(variant: Variant, duration: int, connections: int) -> None:
    before = variant.server.cpu_seconds()
    summary = run_wrk(variant.server.origin + variant.path, variant.script, duration,
                      connections)
    cpu = variant.server.cpu_seconds() - before
    failures = summary["status_errors"] + summary["socket_errors"] + summary["timeouts"]
    if failures or not summary["requests"]:
        raise RuntimeError(f"{variant.name}: {summary}")
    variant.rps.append(summary["requests"] / (summary["duration_us"] / 1e6))
    variant.p50.append(summary["p50_us"] / 1000)
    variant.p99.append(summary["p99_us"] / 1000)
    variant.cpu.append(cpu / summary["requests"] * 1e6)


def run(workers: int, rounds: int, duration: int, warmup: int) -> list[Variant]:
    servers = {case: Gunicorn(f"benchmarks.apps:create_app({case!r})", workers)
               for case in (*POST_CASES, "render")}
    try:
        variants = [post_variant(case, servers[case]) for case in POST_CASES]
        variants += render_variants(servers["render"])
        connections = 2 * workers
        for variant in variants:
            run_wrk(variant.server.origin + variant.path, variant.script, warmup, connections)
        for _ in range(rounds):
            for variant in variants:
                measure(variant, duration, connections)
        return variants
    finally:
        for server in servers.values():
            server.stop()


def table(results: dict[int, list[Variant]]) -> str:
    lines = [
        "| case | workers | req/s | p50 ms | p99 ms | CPU µs/req | req/s ratio | CPU ratio |",
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for workers, variants in results.items():
        by_name = {variant.name: variant for variant in variants}
        for variant in variants:
            base_name = "bare" if variant.name in POST_CASES else variant.name.replace(
                "tokens", "plain")
            base = by_name[base_name]
            lines.append(
                f"| {variant.name} | {workers} | {variant.median('rps'):.0f}"
                f" | {variant.median('p50'):.2f} | {variant.median('p99'):.2f}"
                f" | {variant.median('cpu'):.0f}"
                f" | {variant.median('rps') / base.median('rps'):.2f}"
                f" | {variant.median('cpu') / base.median('cpu'):.2f} |")
    return "\n".join(lines)


def verdicts(results: dict[int, list[Variant]]) -> str:
    lines = []
    for workers, variants in results.items():
        by_name = {variant.name: variant for variant in variants}
        action = by_name["action"]
        # The targets of issue 26 (2026-12-07).
        for other, target, sign in (("bare", 0.88, ">="), ("flask-wtf", 1.3, ">=")):
            for what, invert in (("rps", False), ("cpu", True)):
                ratio = action.median(what) / by_name[other].median(what)
                if invert:  # CPU per request: lower is better, so compare the inverse
                    ratio = 1 / ratio
                verdict = "met" if ratio >= target else "MISSED"
                label = "throughput" if what == "rps" else "requests per CPU second"
                lines.append(f"{workers} worker(s): action / {other} {label}: {ratio:.2f}x"
                             f" (target {sign} {target}x) {verdict}")
        for rows in ROWS:
            cost = (by_name[f"render {rows} tokens"].median("cpu")
                    - by_name[f"render {rows} plain"].median("cpu")) / rows
            lines.append(f"{workers} worker(s): CPU per minted token, {rows} rows:"
                         f" {cost:.1f} µs")
    return "\n".join(lines)


def main(argv: t.Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--workers", type=int, nargs="+", default=[1, 2])
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--duration", type=int, default=2, help="seconds per wrk run")
    parser.add_argument("--warmup", type=int, default=1)
    args = parser.parse_args(argv)
    results = {workers: run(workers, args.rounds, args.duration, args.warmup)
               for workers in args.workers}
    print(table(results))
    print()
    print(verdicts(results))


if __name__ == "__main__":
    main()
