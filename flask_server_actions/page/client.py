"""What the extension serves to the browser: its call script, and htmx.

htmx itself never comes from a CDN unless the app says so:
``SERVER_ACTIONS_HTMX_SRC`` is either a URL (``/static/htmx.min.js``,
``https://...``), used as it is, or a file path, which the extension serves
itself: a :class:`pathlib.Path`, a string without a scheme and not starting
with ``/``, or an absolute path string naming an existing file (a string
starting with ``/`` that names no file is a URL), for example
``node_modules/htmx.org/dist/htmx.min.js`` after ``npm install htmx.org``.
A relative path is looked for in the app's root path (the folder of its
module or package), then in the folder that holds it (the project folder of
a package app, where ``npm install`` puts ``node_modules``).
A file path that names no file is logged as a warning when the extension is
set up; without a file to serve, its URL answers 404 and logs a warning
saying what to set.
"""

from __future__ import annotations

import json
import os
import typing as t

from flask import Blueprint
from flask import Flask
from flask import current_app
from flask import g
from flask import request
from flask import send_file
from flask import url_for
from markupsafe import Markup
from werkzeug.exceptions import NotFound
from werkzeug.wrappers import Response as BaseResponse

from .. import logs
from ..errors import MissingHtmxSource
from ..post.app_actions import not_a_page

#: The ``htmx-config`` that makes htmx 2 swap a 422 answer (a form shown
#: again with its errors) as htmx 4 does by default; the rest is htmx 2's
#: default ``responseHandling``.
HTMX2_CONFIG = {"responseHandling": [
    {"code": "204", "swap": False},
    {"code": "[23]..", "swap": True},
    {"code": "422", "swap": True},
    {"code": "429", "swap": True},  # a rate-limited action's page, with its notice
    {"code": "[45]..", "swap": False, "error": True},
]}


def make_blueprint() -> Blueprint:
    """The blueprint serving ``client.js`` and, if configured, htmx."""
    blueprint = Blueprint("server_actions", __name__, static_folder="static")
    blueprint.add_url_rule("/htmx.js", "htmx", _htmx_file)
    # Where actions for every page are posted (app_actions.py); a GET rule,
    # as a page's, so that routing takes their posts as action posts.
    blueprint.add_url_rule("/run", "run", not_a_page)
    blueprint.record_once(lambda state: check_htmx_source(t.cast(Flask, state.app)))
    return blueprint


def _candidates(app: Flask, source: str | os.PathLike[str]) -> list[str]:
    """Where a file path setting may name htmx, in the order looked at."""
    root = app.root_path
    return [os.path.join(root, source), os.path.join(os.path.dirname(root), source)]


def check_htmx_source(app: Flask) -> None:
    """Warn, when the extension is set up, that ``SERVER_ACTIONS_HTMX_SRC``
    names a file path where there is no file: the pages would run without
    htmx, and only the browser's fetch of it would tell."""
    source = t.cast("str | os.PathLike[str] | None", app.config["SERVER_ACTIONS_HTMX_SRC"])
    if source and not _is_url(source):
        try:
            _served_path(app, source)
        except MissingHtmxSource as error:
            logs.warning("%s", str(error))


def _htmx_source() -> str | os.PathLike[str]:
    source = t.cast("str | os.PathLike[str] | None",
                    current_app.config["SERVER_ACTIONS_HTMX_SRC"])
    if not source:
        raise MissingHtmxSource(
            "Set SERVER_ACTIONS_HTMX_SRC to where htmx comes from: a URL such as"
            " '/static/htmx.min.js', or a file path such as"
            " 'node_modules/htmx.org/dist/htmx.min.js' (`npm install htmx.org`)"
            " that the extension serves itself.")
    return source


def _is_url(source: str | os.PathLike[str]) -> bool:
    # "/static/htmx.min.js" is a URL; "/srv/app/htmx.min.js" (an absolute
    # path, as os.path.join gives) is a file when one exists there.
    if not isinstance(source, str):
        return False
    return "://" in source or (source.startswith("/") and not os.path.isfile(source))


def _htmx_file() -> BaseResponse:
    try:
        path = _served_htmx_path()
    except MissingHtmxSource as error:
        # Anyone may ask for this URL: a setting the app lacks is a 404 and a
        # line saying what to set, not a 500 that pages whoever is on call.
        logs.warning("Answered 404 to %s: %s", request.path, str(error))
        raise NotFound() from None
    return send_file(path, mimetype="text/javascript")


def _served_htmx_path() -> str:
    source = _htmx_source()
    if _is_url(source):
        raise MissingHtmxSource(
            f"SERVER_ACTIONS_HTMX_SRC is the URL {source!r}: htmx is served from there,"
            " not by the extension.")
    return _served_path(current_app, source)


def _served_path(app: Flask, source: str | os.PathLike[str]) -> str:
    paths = _candidates(app, source)
    for path in paths:
        if os.path.isfile(path):
            return path
    where = (repr(paths[0]) if paths[0] == paths[1]  # an absolute path
             else f"{source!r}, found neither at {paths[0]!r} nor at {paths[1]!r}")
    raise MissingHtmxSource(
        f"SERVER_ACTIONS_HTMX_SRC names {where}: it is not a file. Install htmx there"
        " (`npm install htmx.org` puts it in node_modules/htmx.org/dist/), or give an"
        " absolute path.")


def htmx_url() -> str:
    """The URL the page loads htmx from."""
    source = _htmx_source()
    if _is_url(source):
        url = t.cast(str, source)
        # A path of this site is one of this app, under its script root.
        return request.script_root + url if url.startswith("/") and url[1:2] != "/" else url
    return url_for("server_actions.htmx")


def htmx_tags(config: bool = True) -> Markup:
    """The ``<script>`` loading htmx, and for htmx 2 the ``htmx-config``
    meta tag that lets a 422 (and a rate limit's 429) answer be swapped and
    the script that lets an error answer be swapped into the notice region;
    then ``progress.js`` (upload progress)."""
    tags = Markup('<script src="{}"></script>').format(htmx_url())
    if current_app.config["SERVER_ACTIONS_HTMX_VERSION"] == 2:
        tags += Markup('<script src="{}"></script>').format(
            url_for("server_actions.static", filename="notices.js"))
        if config:
            meta = Markup('<meta name="htmx-config" content="{}">').format(
                json.dumps(HTMX2_CONFIG, separators=(",", ":")))
            tags = meta + tags
    return tags + _progress_tag("")


def client_tag() -> Markup:
    """The ``<script>`` loading ``serverActions.call``, and ``progress.js``
    for a page that loads htmx itself (both deferred)."""
    return Markup('<script src="{}" defer></script>').format(
        url_for("server_actions.static", filename="client.js")) + _progress_tag(" defer")


def _progress_tag(defer: str) -> Markup:
    # Once a page, after whichever of the two tags comes first.
    if g.get("_server_actions_progress"):
        return Markup("")
    g._server_actions_progress = True
    return Markup('<script src="{}"{}></script>').format(
        url_for("server_actions.static", filename="progress.js"), Markup(defer))
