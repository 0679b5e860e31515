"""Packaging: one version, and a docs extra that builds the docs."""

from __future__ import annotations

import configparser
import importlib
import importlib.metadata
import re
import subprocess
import sys
from pathlib import Path

from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

import flask_server_actions

ROOT = Path(__file__).resolve().parents[2]


def _setup_cfg() -> configparser.ConfigParser:
    config = configparser.ConfigParser()
    config.read(ROOT / "setup.cfg")
    return config


def test_the_version_is_written_once_in_the_package() -> None:
    assert re.fullmatch(r"\d+\.\d+\.\d+(\.dev\d+)?", flask_server_actions.__version__)
    assert _setup_cfg()["metadata"]["version"] == "attr: flask_server_actions.__version__"
    assert 'release = flask_server_actions.__version__' in (ROOT / "docs/conf.py").read_text()


def test_the_newest_changes_are_of_this_version() -> None:
    changes = (ROOT / "CHANGES.rst").read_text()
    newest = re.search(r"^Version (\S+)$", changes, re.M)
    assert newest is not None
    assert newest.group(1) == flask_server_actions.__version__


def _required(names: set[str]) -> set[str]:
    """``names`` and every distribution they require, without extras."""
    closure = set(names)
    todo = list(names)
    while todo:
        try:
            requires = importlib.metadata.requires(todo.pop()) or []
        except importlib.metadata.PackageNotFoundError:
            continue
        for line in requires:
            requirement = Requirement(line)
            name = canonicalize_name(requirement.name)
            if (requirement.marker is None or requirement.marker.evaluate({"extra": ""})) and (
                    name not in closure):
                closure.add(name)
                todo.append(name)
    return closure


#: Run in a fresh interpreter: hide every distribution the docs host would
#: not have installed, then build the docs as it would.
_BUILD = """
import importlib.abc, importlib.metadata, sys
from packaging.utils import canonicalize_name
allowed = set(sys.argv[1].split(","))
owners = importlib.metadata.packages_distributions()

class Hide(importlib.abc.MetaPathFinder):
    def find_spec(self, name, path=None, target=None):
        dists = owners.get(name.partition(".")[0])
        if dists and not any(canonicalize_name(d) in allowed for d in dists):
            raise ModuleNotFoundError(f"No module named {name!r}", name=name)
        return None

sys.meta_path.insert(0, Hide())
from sphinx.cmd.build import main
sys.exit(main(["-q", "-W", "--keep-going", "-E", "-b", "html", "docs", sys.argv[2]]))
"""


def test_the_docs_extra_is_enough_to_build_the_docs(tmp_path: Path) -> None:
    # A docs host runs `pip install .[docs]` and sphinx-build -W, nothing else:
    # autodoc must import every documented module with what that installs.
    config = _setup_cfg()
    wanted = {canonicalize_name(Requirement(line).name)
              for line in [*config["options"]["install_requires"].split("\n"),
                           *config["options.extras_require"]["docs"].split("\n")]
              if line.strip()}
    # pip, setuptools and packaging come with every virtualenv.
    allowed = _required(wanted) | {"pip", "setuptools", "packaging", "flask-server-actions"}
    build = subprocess.run([sys.executable, "-c", _BUILD, ",".join(sorted(allowed)),
                            str(tmp_path / "html")], cwd=ROOT, capture_output=True, text=True)
    assert build.returncode == 0, build.stderr
