"""The row parts of tokens: rows of one action on a page share one envelope,
and each row's own part opens only with it, whole and untouched."""

from __future__ import annotations

import time
import typing as t

import pytest
from flask import Flask
from flask.testing import FlaskClient
from hypothesis import given
from hypothesis import settings
from hypothesis import strategies as st

from flask_server_actions.errors import BadActionToken
from flask_server_actions.errors import EarlierVersion
from flask_server_actions.token.envelope import REQUEST_TAG_SIZE
from flask_server_actions.token.envelope import row_context
from flask_server_actions.token.envelope import seal_body
from flask_server_actions.token.envelope import seal_row

from ..html import Page
from ..store import STORE
from . import app_table
from .forge import as_version_2
from .forge import decode
from .forge import encode
from .forge import flip
from .forge import opener
from .forge import post
from .forge import session_tag


@pytest.fixture
def app() -> Flask:
    return app_table.create_app()


def tokens(client: FlaskClient) -> dict[str, str]:
    page = Page.get(client, "/table")
    return {str(form["id"]): page.form(f"#{form['id']}").token()
            for form in page.soup.select("form")}


def test_rows_of_one_action_share_their_envelope_only(client: FlaskClient) -> None:
    found = tokens(client)
    envelopes = {name: token.partition(".")[0] for name, token in found.items()}
    assert envelopes["remove-1"] == envelopes["remove-2"] == envelopes["remove-3"]
    assert envelopes["archive-1"] == envelopes["archive-3"] != envelopes["remove-1"]
    assert len({token.partition(".")[2] for token in found.values()}) == 7  # clear has ""
    assert "." not in found["clear"]


def test_each_row_runs_its_own_action(client: FlaskClient) -> None:
    found = tokens(client)
    for name in ("remove-2", "archive-3"):
        assert post(client, found[name], "/table").status_code == 303
    assert STORE == [("remove", 2), ("archive", 3)]


def _spliced(found: dict[str, str], envelope_of: str, row_of: str) -> str:
    return f"{found[envelope_of].partition('.')[0]}.{found[row_of].partition('.')[2]}"


@pytest.mark.parametrize("forge", [
    pytest.param(lambda found, again: _spliced(found, "archive-1", "remove-1"),
                 id="row part under another action's envelope"),
    pytest.param(lambda found, again: f"{found['remove-1'].partition('.')[0]}."
                 f"{again['remove-1'].partition('.')[2]}",
                 id="row part of another render"),
    pytest.param(lambda found, again: found["remove-1"].partition(".")[0],
                 id="envelope without its row part"),
    pytest.param(lambda found, again: f"{found['clear']}.{found['remove-1'].partition('.')[2]}",
                 id="row part after a token that binds nothing"),
    pytest.param(lambda found, again: found["remove-1"] + ".", id="empty row part"),
    pytest.param(lambda found, again: found["remove-1"] + "." + found["remove-2"].split(".")[1],
                 id="two row parts"),
    pytest.param(lambda found, again: found["remove-1"][:-3], id="row part cut short"),
    pytest.param(lambda found, again: found["remove-1"].partition(".")[0] + ".AAAA",
                 id="row part shorter than its MAC"),
    pytest.param(lambda found, again: found["remove-1"] + "=", id="row part padded"),
])
def test_a_forged_row_part_never_runs(client: FlaskClient,
                                      forge: t.Callable[..., str]) -> None:
    found, again = tokens(client), tokens(client)
    response = post(client, forge(found, again), "/table")
    assert response.status_code == 400
    assert STORE == []


def test_every_bit_of_a_row_part_is_authenticated(app: Flask, client: FlaskClient) -> None:
    envelope, _, row = tokens(client)["remove-2"].partition(".")
    raw = decode(row)
    open_ = opener(app, client, int(time.time()))
    for position in range(len(raw)):
        for bit in range(8):
            with pytest.raises(BadActionToken):
                open_(f"{envelope}.{encode(flip(raw, position, bit))}")


@settings(max_examples=200, deadline=None)
@given(st.binary(max_size=64))
def test_random_row_parts_never_open(data: bytes) -> None:
    app = app_table.create_app()
    client = app.test_client()
    envelope = tokens(client)["remove-1"].partition(".")[0]
    with pytest.raises(BadActionToken):
        opener(app, client, int(time.time()))(f"{envelope}.{encode(data)}")


def _hand_sealed(app: Flask, client: FlaskClient, body: str,
                 row: str | None = None) -> str:
    """A token sealed with the app's keys around ``body``: what only a bug
    of ours could mint."""
    Page.get(client, "/table")
    keys = app.extensions["server_actions"].keys(app)
    tag = session_tag(client, app)
    assert tag is not None
    now, nonce = int(time.time()), bytes(12)
    envelope = seal_body(body, keys, tag + bytes(REQUEST_TAG_SIZE), now, nonce)
    if row is None:
        return envelope
    return f"{envelope}.{seal_row(row, keys.current_rows, row_context(keys, now, nonce))}"


@pytest.mark.parametrize(("body", "row", "reason"), [
    ('["m:f",0,{},{},"fifth"]', None, "token body is malformed"),
    ('["m:f",0,[]]', None, "token body is malformed"),
    ('["m:f","two"]', None, "token body is malformed"),
    ('["m:f",1]', "[", "token row part is malformed"),
    ('["m:f",1]', "1,2", "holds 2 arguments, not 1"),
])
def test_a_token_only_a_bug_could_seal_is_refused(
        app: Flask, client: FlaskClient, body: str, row: str | None, reason: str) -> None:
    with pytest.raises(BadActionToken) as refused:
        opener(app, client, int(time.time()))(_hand_sealed(app, client, body, row))
    assert refused.value.reason.startswith(reason) or reason in refused.value.reason


def test_a_row_of_a_page_opened_before_the_upgrade_keeps_the_input(
        app: Flask, client: FlaskClient) -> None:
    token = as_version_2(app, tokens(client)["remove-2"], "/table")
    opened = opener(app, client, int(time.time()))
    with pytest.raises(EarlierVersion) as stale:
        opened(token)
    assert stale.value.token is not None and stale.value.token.args == [2]
    assert post(client, token, "/table").status_code == 422
    assert STORE == []
