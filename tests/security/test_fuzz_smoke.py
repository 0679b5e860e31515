"""A few seconds of the fuzz targets in every test run; the long run is
``bash scripts/fuzz [seconds]``."""

from __future__ import annotations

from .fuzz_actions import fuzz_calls
from .fuzz_actions import fuzz_dispatch
from .fuzz_actions import fuzz_open_token
from .fuzz_actions import fuzz_page_binding


def test_fuzz_open_token_briefly() -> None:
    fuzz_open_token(300)


def test_fuzz_dispatch_briefly() -> None:
    fuzz_dispatch(150)


def test_fuzz_calls_briefly() -> None:
    fuzz_calls(150)


def test_fuzz_page_binding_briefly() -> None:
    fuzz_page_binding(150)
