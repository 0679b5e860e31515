"""The kinds matrix: every effect of :data:`~flask_server_actions.post.kinds.EFFECTS`
against one real request of every kind.

Each probe sends requests of one kind to the app beside this file and says
whether the effect happened; each cell asserts that it did exactly for the
kinds the table names. A feature added without its row, or a kind it
forgets, fails here.
"""

from __future__ import annotations

import io
import itertools
import json
import re
import typing as t
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient
from werkzeug.test import TestResponse

from flask_server_actions import signals
from flask_server_actions.post.kinds import EFFECTS
from flask_server_actions.post.kinds import Effect
from flask_server_actions.post.kinds import Kind
from flask_server_actions.post.kinds import kind_of
from flask_server_actions.post.uploads import FIELD as KEPT_FIELD

from ..store import STORE
from .kinds_app import create_app

ORIGIN = "http://localhost"
_TOKEN = re.compile(r'<form id="(\w+)"[^>]*?(?:action="([^"]+)")?>\s*<input type="hidden"'
                    r' name="__action" value="([^"]+)"')
_CALL = re.compile(r'<button id="call-(\w+)" data-server-action="([^"]+)"')
_KEPT = re.compile(rf'name="{KEPT_FIELD}" value="([^"]+)"')


class Visitor:
    """One browser on the kinds app: fetches the page, posts as each kind."""

    def __init__(self, app: Flask) -> None:
        self.app = app
        self.client: FlaskClient = app.test_client()
        self.html = ""
        self.reload()

    def reload(self, response: TestResponse | None = None) -> None:
        self.html = (response or self.client.get("/")).get_data(as_text=True)

    def token(self, name: str) -> tuple[str, str]:
        """The URL a form posts to and its token."""
        for form, url, token in _TOKEN.findall(self.html):
            if form == name:
                return url or "/", token
        raise AssertionError(f"no form {name!r} on the page")

    def kept(self) -> list[str]:
        return _KEPT.findall(self.html)

    def send(self, kind: Kind, name: str, title: str = "A title", *,
             file: bytes | None = None, kept: t.Sequence[str] = (),
             token: str | None = None) -> TestResponse:
        """Post ``name``'s action as a request of ``kind``."""
        headers = {"Origin": ORIGIN}
        if kind is Kind.CALL:
            call = dict(_CALL.findall(self.html))[name]
            return self.client.post("/", data=json.dumps([{"title": title}]),
                                    content_type="application/json",
                                    headers={**headers, "X-Server-Action": call})
        url, own = self.token(f"app_{name}" if kind is Kind.APP else name)
        token = token or own
        if kind is Kind.REFUSED:
            middle = len(token) // 2
            token = token[:middle] + ("A" if token[middle] != "A" else "B") + token[middle + 1:]
        if kind is Kind.HTMX:
            headers["HX-Request"] = "true"
        if kind is Kind.VALIDATE:
            headers["Precognition"] = "true"
        data: dict[str, t.Any] = {"__action": token, "title": title}
        # As a browser does: the file input is sent, empty when nothing is chosen.
        data["attachment"] = (io.BytesIO(file or b""), "notes.txt" if file else "",
                              "text/plain" if file else "application/octet-stream")
        if kept:
            data[KEPT_FIELD] = list(kept)
        return self.client.post(url, data=data, headers=headers)


def _refusals(app: Flask) -> t.Iterator[list[str]]:
    reasons: list[str] = []

    def note(sender: Flask, ref: str, reason: str, **extra: t.Any) -> None:
        reasons.append(reason)

    with signals.action_refused.connected_to(note, app):
        yield reasons


def _files(directory: Path) -> list[Path]:
    return [path for path in directory.rglob("*") if path.is_file()]


def runs_action(kind: Kind, tmp_path: Path) -> bool:
    visitor = Visitor(create_app())
    visitor.send(kind, "ran")
    return bool(STORE)


def sends_signals(kind: Kind, tmp_path: Path) -> bool:
    app = create_app()
    started: list[str] = []
    visitor = Visitor(app)
    with signals.action_started.connected_to(lambda sender, ref, **_: started.append(ref), app):
        visitor.send(kind, "ran")
    return bool(started)


def counts_limit(kind: Kind, tmp_path: Path) -> bool:
    app = create_app()
    visitor = Visitor(app)
    for reasons in _refusals(app):
        visitor.send(kind, "limited")
        visitor.send(kind, "limited")
        return any("limit" in reason for reason in reasons)
    raise AssertionError  # pragma: no cover


def records_once(kind: Kind, tmp_path: Path) -> bool:
    app = create_app()
    visitor = Visitor(app)
    for reasons in _refusals(app):
        visitor.send(kind, "one_time")
        visitor.send(kind, "one_time")  # the same page, the same token
        return any("used before" in reason for reason in reasons)
    raise AssertionError  # pragma: no cover


def keeps_uploads(kind: Kind, tmp_path: Path) -> bool:
    visitor = Visitor(create_app(SERVER_ACTIONS_UPLOAD_DIR=str(tmp_path)))
    visitor.send(kind, "ran", title="", file=b"my notes")
    return bool(_files(tmp_path))


def uses_kept_uploads(kind: Kind, tmp_path: Path) -> bool:
    visitor = Visitor(create_app(SERVER_ACTIONS_UPLOAD_DIR=str(tmp_path)))
    failed = visitor.send(Kind.PAGE, "ran", title="", file=b"my notes")
    assert failed.status_code == 422
    visitor.reload(failed)
    kept = visitor.kept()
    assert kept and _files(tmp_path)
    visitor.send(kind, "ran", kept=kept)
    return not _files(tmp_path)


def feeds_throttle(kind: Kind, tmp_path: Path) -> bool:
    visitor = Visitor(create_app(SERVER_ACTIONS_THROTTLE="1/60"))
    visitor.send(kind, "ran")
    return visitor.send(Kind.REFUSED, "ran").status_code == 429


def csrf_pass(kind: Kind, tmp_path: Path) -> bool:
    app = create_app()
    visitor = Visitor(app)
    passes = app.config["CSRF_PASSES"]
    passes.clear()
    visitor.send(kind, "ran")
    return passes == [True]


def shows_page_again(kind: Kind, tmp_path: Path) -> bool:
    visitor = Visitor(create_app())
    response = visitor.send(kind, "ran", title="")
    return (response.status_code == 422 and response.cache_control.no_store
            and "Kinds page" in response.get_data(as_text=True))


def writes_session(kind: Kind, tmp_path: Path) -> bool:
    visitor = Visitor(create_app(HOOK_WRITES=True))
    response = visitor.send(kind, "ran")
    return any(cookie.startswith("session=") for cookie in response.headers.getlist("Set-Cookie"))


def flashes(kind: Kind, tmp_path: Path) -> bool:
    visitor = Visitor(create_app(HOOK_WRITES=True))
    visitor.send(kind, "ran")
    return "A hook flashed this." in visitor.client.get("/").get_data(as_text=True)


def sets_cache_headers(kind: Kind, tmp_path: Path) -> bool:
    visitor = Visitor(create_app())
    return all("Precognition" in visitor.send(kind, "ran", title=title).vary
               for title in ("A title", ""))


PROBES: dict[Effect, t.Callable[[Kind, Path], bool]] = {
    Effect.RUNS_ACTION: runs_action,
    Effect.SENDS_SIGNALS: sends_signals,
    Effect.COUNTS_LIMIT: counts_limit,
    Effect.RECORDS_ONCE: records_once,
    Effect.KEEPS_UPLOADS: keeps_uploads,
    Effect.USES_KEPT_UPLOADS: uses_kept_uploads,
    Effect.FEEDS_THROTTLE: feeds_throttle,
    Effect.CSRF_PASS: csrf_pass,
    Effect.SHOWS_PAGE_AGAIN: shows_page_again,
    Effect.WRITES_SESSION: writes_session,
    Effect.FLASHES: flashes,
    Effect.SETS_CACHE_HEADERS: sets_cache_headers,
}


def test_every_effect_has_a_probe_and_a_row() -> None:
    assert set(PROBES) == set(Effect) == set(EFFECTS)


@pytest.mark.parametrize(("effect", "kind"), list(itertools.product(Effect, Kind)),
                         ids=lambda value: value.name.lower())
def test_effect_applies_exactly_to_the_kinds_of_its_row(effect: Effect, kind: Kind,
                                                         tmp_path: Path) -> None:
    expected = kind in EFFECTS[effect]
    assert PROBES[effect](kind, tmp_path) is expected, (
        f"{effect.value}: expected {'yes' if expected else 'no'} for a {kind.value}")


#: What a post says of itself, in the order the kind is decided, and the
#: kind it makes when it is the first thing said.
_PRECEDENCE = [("authenticated", False, Kind.REFUSED), ("validate", True, Kind.VALIDATE),
               ("call", True, Kind.CALL), ("app", True, Kind.APP), ("htmx", True, Kind.HTMX)]


def _saying(first: int) -> dict[str, bool]:
    """A post that says every later thing too, but not the earlier ones."""
    return {name: value if index >= first else not value
            for index, (name, value, _) in enumerate(_PRECEDENCE)}


@pytest.mark.parametrize(("says", "kind"), [
    *((_saying(index), kind) for index, (_, _, kind) in enumerate(_PRECEDENCE)),
    (_saying(len(_PRECEDENCE)), Kind.PAGE),
])
def test_the_kind_is_decided_in_one_order(says: dict[str, bool], kind: Kind) -> None:
    assert kind_of(**says) is kind


def test_the_design_page_shows_the_table_of_the_code() -> None:
    text = (Path(__file__).parents[2] / "docs" / "design.rst").read_text()
    table = text.split(".. kinds-table-start")[1].split(".. kinds-table-end")[0]
    rows = [line for line in table.splitlines() if line and not line.startswith("=")]
    header, *cells = rows
    kinds = [Kind.PAGE, Kind.HTMX, Kind.CALL, Kind.APP, Kind.VALIDATE, Kind.REFUSED]
    assert header.split()[1:] == ["page", "htmx", "call", "app", "validate", "refused"]
    shown = {}
    for row in cells:
        words = row.split()
        marks = words[-len(kinds):]
        shown[" ".join(words[:-len(kinds)])] = {
            kind for kind, mark in zip(kinds, marks, strict=True) if mark == "yes"}
    assert len(shown) == len(Effect)
    for effect, (name, kinds_shown) in zip(Effect, shown.items(), strict=True):
        assert kinds_shown == EFFECTS[effect], f"docs/design.rst's {name!r} row"
