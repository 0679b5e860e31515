"""The call budget: how many Python function calls an action post and a page of
row tokens cost beyond the same work done by hand.

Counted with :func:`sys.setprofile`, the count is the same on every machine
and every run (for one Python and one set of installed packages), so a
change that adds work to the hot path fails here, and says by how much,
where a timer would only be noisy. The requests are the benchmarks' own
(``benchmarks/wsgi.py``), handed straight to ``app.wsgi_app``, each counted
in a fresh interpreter: what other tests leave behind (a signal receiver,
an instrumented Flask) must not count. Lower a budget when the path gets
lighter; raise one only with a reason in the commit message.
"""

from __future__ import annotations

import json
import subprocess
import sys
import typing as t
from pathlib import Path

import pytest

#: Python calls of one action post beyond a bare route doing the same work
#: (2026-12-07: 399 before the pipeline, 255 with it, 199 with one
#: after-request hook and the request resolved once, 197 with the guard
#: options kept in the plan, 187 with kept files restored without proxies,
#: 58 with the body read and parsed once, no proxy on the post's path, the
#: library's own 303 built whole and no wrapper per stage; 2 with the
#: urlencoded form parsed from the bytes read, without werkzeug's parser,
#: which the bare route still goes through; -4 without a teardown hook for
#: every request: fewer than the bare route;
#: a bare route makes 462, Flask-WTF 811).
ACTION_POST_BUDGET = 2
#: Python calls of one 100-row page with a token per row beyond the plain page
#: (2026-12-07: 1 757 before the pipeline, 1 749 with it, 17.5 per token; 755
#: with rows round 2, 7.6 per token, of which Jinja's own call takes 4; the
#: plain page makes 3 161).
ROWS_100_BUDGET = 780


def calls_of(request: t.Callable[[], None]) -> int:
    """The Python function calls one ``request`` makes, after two warm-up runs."""
    request()
    request()  # caches filled, templates compiled, the key ring derived
    count = 0

    def profile(frame: object, event: str, arg: object) -> None:
        nonlocal count
        if event == "call":
            count += 1

    previous = sys.getprofile()
    sys.setprofile(profile)
    try:
        request()
    finally:
        sys.setprofile(previous)
    return count


_COUNT = """
import json, sys
from benchmarks.wsgi import prepared_call, prepared_get
from tests.post.test_call_budget import calls_of
print(json.dumps([calls_of(prepared_call(case)) for case in sys.argv[1].split(",") if case]
                 + [calls_of(prepared_get("render", path)) for path in sys.argv[2:]]))
"""


def counted(cases: t.Sequence[str] = (), pages: t.Sequence[str] = ()) -> list[int]:
    """The calls of each POST case, then of each page, in a fresh interpreter."""
    done = subprocess.run([sys.executable, "-c", _COUNT, ",".join(cases), *pages],
                          cwd=Path(__file__).parents[2], capture_output=True, text=True,
                          check=True)
    return t.cast(list[int], json.loads(done.stdout))


def test_counting_is_deterministic() -> None:
    first, again = counted(["action", "action"])
    assert first == again


@pytest.mark.parametrize(("case", "baseline", "budget"), [
    ("action", "bare", ACTION_POST_BUDGET),
])
def test_an_action_post_stays_within_its_call_budget(case: str, baseline: str,
                                                       budget: int) -> None:
    calls, baseline_calls = counted([case, baseline])
    extra = calls - baseline_calls
    assert extra <= budget, (
        f"one {case} post makes {extra} Python calls more than a {baseline} route,"
        f" {extra - budget} over its budget of {budget}")


def test_a_page_of_100_row_tokens_stays_within_its_call_budget() -> None:
    tokens, plain = counted(pages=["/rows/100", "/plain/100"])
    extra = tokens - plain
    assert extra <= ROWS_100_BUDGET, (
        f"a page of 100 row tokens makes {extra} Python calls more than the plain page,"
        f" {extra - ROWS_100_BUDGET} over its budget of {ROWS_100_BUDGET}")
