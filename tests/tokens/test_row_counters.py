"""Row parts of token format 5: AES-256-GCM under a key of their envelope's
own, each row with a counter nonce no other row of that envelope has; the
quick path of a module-level action bound to an integer id seals as the
slow one does; row parts of version 4 (AES-SIV) still open."""

from __future__ import annotations

import itertools
import sys
import threading
import time
import types
import typing as t

import pytest
from cryptography.exceptions import InvalidTag
from flask import Flask
from flask import render_template_string
from flask import request
from markupsafe import Markup
from markupsafe import escape

from flask_server_actions import ServerActions
from flask_server_actions.closures import reference
from flask_server_actions.errors import BadActionToken
from flask_server_actions.errors import TokenTooLarge
from flask_server_actions.errors import UnresolvableAction
from flask_server_actions.errors import UnserializableValue
from flask_server_actions.page import rows
from flask_server_actions.page.minting import _REQUEST_PAGE
from flask_server_actions.page.minting import identity_of_request
from flask_server_actions.page.minting import mint
from flask_server_actions.token.envelope import ROW_COUNTER_SIZE
from flask_server_actions.token.envelope import VERSION
from flask_server_actions.token.envelope import KeyRing
from flask_server_actions.token.envelope import RowSealer
from flask_server_actions.token.envelope import binding_tag
from flask_server_actions.token.envelope import open_token
from flask_server_actions.token.envelope import padded
from flask_server_actions.token.envelope import request_identity
from flask_server_actions.token.envelope import seal_body

from ..html import Page
from ..security import app_table
from ..security.forge import decode
from ..security.forge import encode
from ..security.forge import post
from ..store import STORE

KEYS = KeyRing(["row counter secret"], "tests")
CONTEXT = bytes([VERSION]) + KEYS.current_id + bytes(16)


def _open_part(part: str, context: bytes = CONTEXT) -> bytes:
    return KEYS.open_row(context, decode(part)).rstrip(b" ")


def _row_action(row: object, form: t.Any) -> None:
    """use server"""


def _other_action(row: object, form: t.Any) -> None:
    """use server"""


def _app() -> Flask:
    app = Flask(__name__)
    app.config["SECRET_KEY"] = "row counter secret"
    ServerActions(app)
    app.add_url_rule("/rows", "rows", lambda: "")
    return app


def _opened(app: Flask, token: str) -> list[t.Any]:
    """The bound arguments ``token`` opens to, in the current request."""
    ext = app.extensions["server_actions"]
    opened = open_token(token, ext.keys(app), binding_tag(ext.binding()), int(time.time()),
                        60, 8192)
    assert opened.request_tag == ext.keys(app).request_tag(identity_of_request(request))
    return opened.args


@pytest.mark.parametrize("start", [0, 1, 255, 256, 65_535, 65_536, RowSealer.LIMIT - 1])
def test_a_row_writes_its_counter_in_as_few_bytes_as_it_takes(start: int) -> None:
    size = (start.bit_length() + 7) // 8
    for part in (RowSealer(KEYS.current_rows, CONTEXT, start).seal("12"),
                 RowSealer(KEYS.current_rows, CONTEXT, start).seal_int(12)):
        assert part is not None
        raw = decode(part)
        assert len(raw) == size + 4 + 16  # counter, "12" padded to 4, tag
        assert int.from_bytes(raw[:size], "big") == start
        assert _open_part(part) == b"12"


def test_an_envelope_seals_2_to_the_24_rows_then_no_more() -> None:
    assert RowSealer.LIMIT == 1 << 8 * ROW_COUNTER_SIZE == 1 << 24
    seals: list[t.Callable[[RowSealer], str | None]] = [
        lambda sealer: sealer.seal("1"), lambda sealer: sealer.seal_int(1)]
    for seal in seals:
        sealer = RowSealer(KEYS.current_rows, CONTEXT, RowSealer.LIMIT - 1)
        assert seal(sealer) is not None  # the last row
        assert seal(sealer) is None


@pytest.mark.parametrize("value", [0, 7, -7, 123, 1234, -1234, 10**17, -(10**17)])
def test_an_integer_row_seals_as_its_json_does(value: int) -> None:
    quick = RowSealer(KEYS.current_rows, CONTEXT).seal_int(value)
    slow = RowSealer(KEYS.current_rows, CONTEXT).seal(str(value))
    assert quick is not None and slow is not None
    assert len(quick) == len(slow)
    assert KEYS.open_row(CONTEXT, decode(quick)) == padded(str(value), 4)


def test_rows_of_one_envelope_never_share_a_nonce_even_from_threads() -> None:
    sealer = RowSealer(KEYS.current_rows, CONTEXT)
    parts: list[str] = []

    def seal() -> None:
        for _ in range(300):
            part = sealer.seal_int(5)
            assert part is not None
            parts.append(part)  # list.append is atomic

    threads = [threading.Thread(target=seal) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    counters = [int.from_bytes(decode(part)[:len(decode(part)) % 4], "big") for part in parts]
    assert sorted(counters) == list(range(2400))
    # The same id sealed again is another row part: rows with equal
    # arguments are not told apart from the page (AES-SIV showed them).
    assert len(set(parts)) == 2400


def test_a_row_part_opens_under_its_own_envelope_only() -> None:
    part = RowSealer(KEYS.current_rows, CONTEXT).seal("5")
    assert part is not None
    other = CONTEXT[:-1] + b"\x01"  # another envelope's nonce
    with pytest.raises(InvalidTag):
        KEYS.open_row(other, decode(part))


def _respelled(part: str) -> list[bytes]:
    """Every other way to write the counter of ``part``, and its row's
    ciphertext under the counters next to its own."""
    raw = decode(part)
    size = len(raw) % 4
    counter, sealed = int.from_bytes(raw[:size], "big"), raw[size:]
    found = []
    for other in range(size + 1, ROW_COUNTER_SIZE + 1):  # leading zero bytes
        found.append(counter.to_bytes(other, "big") + sealed)
    for near in (counter - 1, counter + 1):  # another row's counter
        if near >= 0:
            found.append(near.to_bytes((near.bit_length() + 7) // 8, "big") + sealed)
    return found


@pytest.mark.parametrize("start", [0, 1, 300])
def test_a_row_part_with_its_counter_written_otherwise_never_opens(start: int) -> None:
    part = RowSealer(KEYS.current_rows, CONTEXT, start).seal("5")
    assert part is not None
    forged = _respelled(part)
    assert forged
    for raw in forged:
        with pytest.raises(BadActionToken) as refused:
            _open_through_a_token(encode(raw))
        assert refused.value.reason == "token row part does not authenticate"


def _open_through_a_token(part: str) -> None:
    """Open ``part`` as the row part of a token whose envelope is CONTEXT's."""
    now = int.from_bytes(CONTEXT[5:9], "big")
    envelope = seal_body('["m:f",1]', KEYS, b"b" * 19, now, CONTEXT[9:])
    open_token(f"{envelope}.{part}", KEYS, b"b" * 8, now, 60, 8192)


def test_a_row_part_sealed_as_it_should_opens_through_a_token() -> None:
    part = RowSealer(KEYS.current_rows, CONTEXT, 300).seal("5")
    assert part is not None
    _open_through_a_token(part)  # the forged ones above fail for their counter alone


def test_a_row_token_of_version_4_still_opens_and_runs() -> None:
    """A page opened before the upgrade: its row parts are AES-SIV, under
    the key of version 4, with the envelope's header and nonce as
    associated data."""
    now = int(time.time())
    nonce = bytes(range(12))
    envelope = decode(seal_body('["m:f",1]', KEYS, b"b" * 19, now, nonce))
    header = bytes([4]) + envelope[1:9]
    body = KEYS.current.decrypt(nonce, envelope[21:], envelope[:9])
    old = encode(header + nonce + KEYS.current.encrypt(nonce, body, header))
    row = KEYS.row_cipher(KEYS.current_id).encrypt(padded("42", 4), [header + nonce])
    opened = open_token(f"{old}.{encode(row)}", KEYS, b"b" * 8, now, 60, 8192)
    assert opened.args == [42]
    assert opened.token_id == nonce.hex() + row[:8].hex()
    # Under version 5 the same row part is refused.
    with pytest.raises(BadActionToken) as refused:
        open_token(f"{encode(envelope)}.{encode(row)}", KEYS, b"b" * 8, now, 60, 8192)
    assert refused.value.reason == "token row part does not authenticate"


def test_a_row_token_id_ends_with_its_tag() -> None:
    now = int(time.time())
    nonce = bytes(range(12))
    envelope = seal_body('["m:f",1]', KEYS, b"b" * 19, now, nonce)
    context = decode(envelope)[:21]
    sealer = RowSealer(KEYS.current_rows, context)
    ids = set()
    for _ in range(3):
        part = sealer.seal_int(9)
        assert part is not None
        opened = open_token(f"{envelope}.{part}", KEYS, b"b" * 8, now, 60, 8192)
        assert opened.token_id == nonce.hex() + decode(part)[-16:-8].hex()
        ids.add(opened.token_id)
    assert len(ids) == 3


@pytest.mark.parametrize("value", [5, -3, 10**18 - 1, 10**18, True, 2.5, "5", None])
def test_rows_minted_quickly_open_as_the_first_one(value: object) -> None:
    app = _app()
    with app.test_request_context("/rows"):
        first = mint(_row_action, (1,))
        state = request.__dict__[_REQUEST_PAGE]
        assert _row_action in state.rows  # the quick path is ready
        tokens = [mint(_row_action, (value,)) for _ in range(3)]
        envelope = first.partition(".")[0]
        assert all(token.partition(".")[0] == envelope for token in tokens)
        for token in tokens:
            assert _opened(app, token) == [value]


def test_the_quick_path_takes_only_module_level_actions_with_one_plain_argument() -> None:
    app = _app()
    with app.test_request_context("/rows"):
        mint(_row_action, (1, 2))
        mint(_row_action, (1,), {"fragment": {"block": "rows"}})
        state = request.__dict__[_REQUEST_PAGE]
        assert state.rows == {}
        token = mint(_row_action, (1,))
        assert list(state.rows) == [_row_action]
        assert _opened(app, mint(_row_action, (2, 3))) == [2, 3]
        assert _opened(app, mint(_row_action, (4,))) == [4]
        assert _opened(app, token) == [1]


@pytest.mark.parametrize("budget", [19, 20])
def test_the_quick_path_keeps_to_the_capture_budget(budget: int) -> None:
    app = _app()
    app.config["SERVER_ACTIONS_MAX_CAPTURE_BYTES"] = budget
    with app.test_request_context("/rows"):
        mint(_row_action, (1,))
        assert (_row_action in request.__dict__[_REQUEST_PAGE].rows) == (budget >= 20)


@pytest.mark.parametrize("room", [True, False])
def test_the_quick_path_needs_room_for_the_longest_id(room: bool) -> None:
    app = _app()
    with app.test_request_context("/rows"):
        envelope = len(mint(_row_action, (1,)).partition(".")[0])
    # The longest: "-" and 18 digits, after a counter of 3 bytes: 52 characters.
    app.config["SERVER_ACTIONS_MAX_TOKEN_SIZE"] = envelope + 1 + (52 if room else 51)
    with app.test_request_context("/rows"):
        assert mint(_row_action, (1,))
        assert (_row_action in request.__dict__[_REQUEST_PAGE].rows) == room
        sealer = RowSealer(b"k" * 32, CONTEXT, RowSealer.LIMIT - 1)
        assert len(sealer.seal_int(-(10**18 - 1)) or "") == 52


@pytest.mark.parametrize("value", [7, "seven"])
def test_a_full_envelope_gives_way_to_a_new_one(value: object) -> None:
    app = _app()
    with app.test_request_context("/rows"):
        first = mint(_row_action, (1,))
        state = request.__dict__[_REQUEST_PAGE]
        sealer = state.rows[_row_action].seal.__self__
        sealer._count = itertools.count(RowSealer.LIMIT)  # as after 2**24 rows
        again = mint(_row_action, (value,))
        assert again.partition(".")[0] != first.partition(".")[0]
        assert len(decode(again.partition(".")[2])) % 4 == 0  # the first row of it
        assert _opened(app, again) == [value]
        assert _opened(app, mint(_row_action, (8,))) == [8]


def test_a_module_replaced_between_two_rows_is_checked_again(
        monkeypatch: pytest.MonkeyPatch) -> None:
    source = 'def act(row, form):\n    "use server"\n'
    old = types.ModuleType("quick_row_actions")
    exec(source, old.__dict__)
    monkeypatch.setitem(sys.modules, "quick_row_actions", old)
    app = _app()
    with app.test_request_context("/rows"):
        assert mint(old.act, (1,))
        assert old.act in request.__dict__[_REQUEST_PAGE].rows
        new = types.ModuleType("quick_row_actions")
        exec(source, new.__dict__)
        monkeypatch.setitem(sys.modules, "quick_row_actions", new)
        with pytest.raises(UnresolvableAction, match="another function"):
            mint(old.act, (2,))
        assert mint(new.act, (2,))


def test_minting_outside_a_request_says_so() -> None:
    app = _app()
    with app.app_context(), pytest.raises(RuntimeError, match="outside of request context"):
        mint(_row_action, (1,))


def test_a_rows_button_is_markup_that_escapes_as_markup_does() -> None:
    app = _app()
    with app.test_request_context("/rows"):
        helper = app.jinja_env.globals["action"]
        button = helper.button(_row_action, 1)
        assert isinstance(button, Markup)
        assert escape(button) == button and type(escape(button)) is Markup
        assert button + "<" == Markup(str(button) + "&lt;")
        page = render_template_string("<button {{ action.button(fn, 1) }}>",
                                      fn=_other_action)
        assert page.startswith('<button type="submit" name="__action_button" value="')
        assert "&" not in page


def test_request_bindings_are_kept_a_bounded_number(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(KeyRing, "KEPT_REQUEST_TAGS", 2)
    keys = KeyRing(["row counter secret"], "tests")
    identities = [request_identity("example.test", "", f"/rows/{n}", b"", "/rows/<int:n>",
                                   "rows") for n in range(3)]
    fresh = [KeyRing(["row counter secret"], "tests").request_tag(identity)
             for identity in identities]
    assert len(set(fresh)) == 3
    for _ in range(2):  # worked out, then (some of them) kept
        assert [keys.request_tag(identity) for identity in identities] == fresh
        assert len(keys._request_tags) <= 2
    assert keys.request_tag(identities[2], keys.current_id) == fresh[2]


def _as_version_4(app: Flask, token: str) -> str:
    """``token`` as version 4 sealed it: the same envelope under a header
    of version 4, its row part AES-SIV under the key of version 4."""
    keys = app.extensions["server_actions"].keys(app)
    envelope, _, row = token.partition(".")
    raw = decode(envelope)
    header, nonce = bytes([4]) + raw[1:9], raw[9:21]
    body = keys.current.decrypt(nonce, raw[21:], raw[:9])
    args = keys.open_row(raw[:21], decode(row))
    siv = keys.row_cipher(raw[1:5]).encrypt(args, [header + nonce])
    return (f"{encode(header + nonce + keys.current.encrypt(nonce, body, header))}"
            f".{encode(siv)}")


def test_a_row_of_a_page_opened_before_format_5_still_runs() -> None:
    app = app_table.create_app()
    client = app.test_client()
    token = Page.get(client, "/table").form("#remove-2").token()
    assert post(client, _as_version_4(app, token), "/table").status_code == 303
    assert STORE == [("remove", 2)]


@pytest.mark.parametrize(("row", "matched"), [(2, True), (3, False)])
def test_a_rows_button_is_noted_while_the_row_of_an_answer_is_looked_for(
        row: int, matched: bool) -> None:
    app = _app()
    capture = rows._Capture("block", "rows", [(reference(_row_action), (2,))], open=True)
    reset = rows.CAPTURE.set(capture)
    try:
        with app.test_request_context("/rows"):
            app.jinja_env.globals["action"].button(_row_action, row)
    finally:
        rows.CAPTURE.reset(reset)
    assert capture.matched is matched


class _Book:
    """A registered type, as a SQLAlchemy row is: it travels as its key."""

    def __init__(self, key: int) -> None:
        self.key = key


def test_rows_of_a_registered_type_take_the_quick_path_and_open_as_the_first() -> None:
    app = _app()
    app.extensions["server_actions"].register_type(_Book, dump=lambda book: book.key,
                                                   load=_Book, name="Book")
    with app.test_request_context("/rows"):
        first = mint(_row_action, (_Book(1),))
        state = request.__dict__[_REQUEST_PAGE]
        assert _row_action in state.rows
        state.envelopes.clear()  # the general way would seal another envelope
        again = mint(_row_action, (_Book(2),))
        assert again.partition(".")[0] == first.partition(".")[0]
        opened = _opened(app, again)
        assert len(opened) == 1
        assert app.extensions["server_actions"].serializer.decode(opened[0]).key == 2
        # What the quick path cannot write goes the general way, which says why.
        with pytest.raises(UnserializableValue, match="bound argument 1"):
            mint(_row_action, (object(),))
        app.config["SERVER_ACTIONS_MAX_TOKEN_SIZE"] = len(again) + 2
        state.max_size = len(again) + 2
        with pytest.raises(TokenTooLarge):
            mint(_row_action, ("x" * 200,))
