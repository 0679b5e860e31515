"""The package's layout: no import circle, and nothing below ``extension.py``
imports it (DESIGN.md, "Layout: the life of an action").

Every import counts: those under ``TYPE_CHECKING`` and those inside functions
tie modules together just the same (an import moved into a function to
dodge a circle is still a circle).
"""

from __future__ import annotations

import ast
from pathlib import Path

import flask_server_actions

PACKAGE = Path(flask_server_actions.__file__).parent
#: Modules allowed above the extension: the test client.
ABOVE = {"extension", "testing", ""}


def _modules() -> dict[str, Path]:
    found = {}
    for path in sorted(PACKAGE.rglob("*.py")):
        parts = [part for part in path.relative_to(PACKAGE).with_suffix("").parts
                 if part != "__init__"]
        found[".".join(parts)] = path
    return found


def _imports(name: str, path: Path, modules: dict[str, Path]) -> set[str]:
    """The package's modules ``name`` imports, anywhere in it."""
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom):
            if node.level:
                anchor = package.split(".") if package else []
                anchor = anchor[:len(anchor) - node.level + 1]
                base = ".".join([*anchor, *([node.module] if node.module else [])])
            elif (node.module or "").startswith("flask_server_actions"):
                base = (node.module or "").removeprefix("flask_server_actions").lstrip(".")
            else:
                continue
            targets = [f"{base}.{alias.name}".strip(".") for alias in node.names] + [base]
        elif isinstance(node, ast.Import):
            targets = [alias.name.removeprefix("flask_server_actions").lstrip(".")
                       for alias in node.names if alias.name.startswith("flask_server_actions.")]
        else:
            continue
        found.update(next(([target] for target in targets if target in modules), []))
    found.discard(name)
    return found


def _graph() -> dict[str, set[str]]:
    modules = _modules()
    return {name: _imports(name, path, modules) for name, path in modules.items()}


def _circles(graph: dict[str, set[str]]) -> list[list[str]]:
    """The import circles of ``graph``: its strongly connected parts of two
    modules or more (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    circles = []

    def visit(name: str) -> None:
        index[name] = low[name] = len(index)
        stack.append(name)
        for other in sorted(graph[name]):
            if other not in index:
                visit(other)
                low[name] = min(low[name], low[other])
            elif other in stack:
                low[name] = min(low[name], index[other])
        if low[name] == index[name]:
            part = []
            while True:
                other = stack.pop()
                part.append(other)
                if other == name:
                    break
            if len(part) > 1:
                circles.append(sorted(part))

    for name in sorted(graph):
        if name not in index:
            visit(name)
    return circles


def test_the_walk_finds_imports_of_every_kind() -> None:
    graph = _graph()
    assert "errors" in graph["token.envelope"]  # at module level
    assert "post.settings" in graph["post.dispatch"]  # relative, a sibling
    assert "page.notices" in graph["extension"]  # from a subpackage
    assert "integrations.models" in graph["extension"]  # inside a function


def test_the_circle_finder_finds_a_circle() -> None:
    assert _circles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]


def test_no_module_of_the_package_is_in_an_import_circle() -> None:
    assert _circles(_graph()) == []


def test_no_module_below_the_extension_imports_it() -> None:
    below = sorted(name for name, imported in _graph().items()
                   if "extension" in imported and name not in ABOVE)
    assert below == []
