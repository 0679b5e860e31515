"""A list the test apps' actions write to, so tests can see what ran."""

from __future__ import annotations

import typing as t

STORE: list[tuple[str, t.Any]] = []
