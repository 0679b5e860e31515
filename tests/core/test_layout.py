"""The test tree mirrors the package: only the helpers every folder shares
sit at the top of ``tests/``; an app lives beside the tests that drive it."""

from __future__ import annotations

from pathlib import Path

TESTS = Path(__file__).parent.parent
#: What tests/README.md names as shared by every folder.
SHARED = {"__init__.py", "conftest.py", "databases.py", "html.py", "store.py"}


def test_only_shared_helpers_sit_at_the_top_of_tests() -> None:
    assert {path.name for path in TESTS.glob("*.py")} == SHARED


def test_readme_places_the_core_app_beside_the_core_tests() -> None:
    readme = (TESTS / "README.md").read_text()
    assert "`core/core_app.py`" in readme
    assert "`core/core_actions.py`" in readme
