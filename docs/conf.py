"""Sphinx configuration for flask-server-actions."""

from __future__ import annotations

import flask_server_actions

project = "flask-server-actions"
copyright = "2026, the flask-server-actions developers"
release = flask_server_actions.__version__

extensions = [
    "sphinx.ext.autodoc",
    "sphinx.ext.intersphinx",
    "pallets_sphinx_themes",
]
autodoc_typehints = "description"
autodoc_member_order = "bysource"
intersphinx_mapping = {}
nitpicky = False
html_theme = "flask"
html_context = {}
html_title = "flask-server-actions"
exclude_patterns = ["_build"]
