"""Under ``python -OO`` docstrings vanish: a docstring-marked action is a
clear render-time error pointing to ``@server_action``, which keeps working."""

from __future__ import annotations

import json
import subprocess
import sys
import typing as t
from pathlib import Path

ROOT = Path(__file__).parents[2]


def run_optimized(page: str) -> dict[str, t.Any]:
    process = subprocess.run(
        [sys.executable, "-OO", "-m", "tests.core.optimized_app", page], cwd=ROOT,
        capture_output=True, text=True, timeout=60, check=True)
    return t.cast(dict[str, t.Any], json.loads(process.stdout))


def test_a_docstring_action_under_OO_says_to_use_the_decorator() -> None:
    error = run_optimized("doc")["error"]
    assert error.startswith("UnmarkedFunction: 'act' (tests.core.optimized_app:")
    assert "stripped under `python -OO`" in error
    assert "decorate it with @server_action instead" in error


def test_a_decorated_action_works_under_OO() -> None:
    assert run_optimized("decorated") == {"status": 303, "store": [["decorated", "1"]]}


def test_both_work_without_OO() -> None:
    from .optimized_app import main

    assert main("doc") == {"status": 303, "store": [("doc", "1")]}
