"""README's one command to read the built docs locally, ``bash scripts/docs``:
it builds the docs and serves them; README's "Set up" keeps its two commands."""

from __future__ import annotations

import os
import re
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def _section(title: str) -> str:
    readme = (ROOT / "README.md").read_text()
    return readme.split(f"## {title}\n", 1)[1].split("\n## ", 1)[0]


def _commands(section: str) -> list[str]:
    return [line.split("#")[0].strip() for block in re.findall(r"```sh\n(.*?)```", section, re.S)
            for line in block.splitlines() if line.strip()]


def test_readme_says_how_to_read_the_docs_and_sets_up_with_two_commands() -> None:
    assert _commands(_section("Set up")) == ["bash scripts/demo", "bash scripts/test"]
    assert _commands(_section("Documentation")) == ["bash scripts/docs"]


def _checkout(tmp_path: Path) -> Path:
    """A checkout with scripts/docs, a small docs/ and a .venv whose tools
    are this interpreter's."""
    (tmp_path / "scripts").mkdir()
    shutil.copy(ROOT / "scripts" / "docs", tmp_path / "scripts" / "docs")
    (tmp_path / "docs").mkdir()
    (tmp_path / "docs" / "conf.py").write_text('project = "sample"\n')
    (tmp_path / "docs" / "index.rst").write_text("Sample\n======\n\nThe docs, read.\n")
    bin_dir = tmp_path / ".venv" / "bin"
    bin_dir.mkdir(parents=True)
    (bin_dir / "python").symlink_to(sys.executable)
    sphinx = Path(sys.executable).parent / "sphinx-build"
    (bin_dir / "sphinx-build").symlink_to(sphinx)
    return tmp_path


def test_scripts_docs_builds_the_docs(tmp_path: Path) -> None:
    checkout = _checkout(tmp_path)
    done = subprocess.run(["bash", "scripts/docs", "build"], cwd=checkout, capture_output=True,
                          text=True, timeout=120, check=True)
    assert "docs/_build/html/index.html" in done.stdout
    assert "The docs, read." in (checkout / "docs/_build/html/index.html").read_text()


def test_scripts_docs_serves_what_it_built(tmp_path: Path) -> None:
    checkout = _checkout(tmp_path)
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    server = subprocess.Popen(["bash", "scripts/docs"], cwd=checkout,
                              env={**os.environ, "PORT": str(port)},
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/index.html") as page:
                    assert "The docs, read." in page.read().decode()
                break
            except OSError:
                assert server.poll() is None and time.monotonic() < deadline
                time.sleep(0.1)
    finally:
        server.terminate()
        server.communicate(timeout=10)
