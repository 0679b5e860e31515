from __future__ import annotations

import importlib
import sys
import types
import typing as t

import pytest


@pytest.fixture
def sample(monkeypatch: pytest.MonkeyPatch) -> t.Callable[[str], types.ModuleType]:
    """Import a fresh copy of ``docs/examples/<name>.py`` (``name`` dotted,
    e.g. ``forms.post``), so each test starts from the sample's own data;
    its actions are found again by that module name, as in a real app."""

    def import_(name: str) -> types.ModuleType:
        module_name = f"docs.examples.{name}"
        monkeypatch.delitem(sys.modules, module_name, raising=False)
        return importlib.import_module(module_name)

    return import_
