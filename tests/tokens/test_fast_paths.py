"""The shortcuts that keep minting and opening tokens cheap behave exactly
like the slow paths they replace (see benchmarks/)."""

from __future__ import annotations

import sys
import time
import types
import typing as t

import pytest
from flask import Flask
from flask import Response
from flask import render_template_string
from flask import request
from wtforms import Form

from flask_server_actions import ServerActions
from flask_server_actions.closures import CaptureError
from flask_server_actions.closures import encode_values
from flask_server_actions.closures import rebuild
from flask_server_actions.closures import resolve
from flask_server_actions.errors import BadActionToken
from flask_server_actions.errors import UnresolvableAction
from flask_server_actions.errors import UnserializableValue
from flask_server_actions.forms import form_class_of
from flask_server_actions.page.minting import identity_of_request
from flask_server_actions.page.minting import keep_private
from flask_server_actions.page.minting import mint
from flask_server_actions.page.minting import short_ref
from flask_server_actions.post import calls
from flask_server_actions.token.envelope import ActionToken
from flask_server_actions.token.envelope import KeyRing
from flask_server_actions.token.envelope import binding_tag
from flask_server_actions.token.envelope import open_token
from flask_server_actions.token.envelope import seal
from flask_server_actions.token.serialization import Serializer
from flask_server_actions.token.serialization import compact_json
from flask_server_actions.token.serialization import read_json

from ..core.core_app import create_app
from ..html import Page
from ..security.forge import decode
from ..store import STORE

KEYS = KeyRing(["fast path secret"], "tests")
BINDING = b"12345678"


REQUEST = b"request!" + b"plc"  # the whole MAC, then the place's


def _sealed(name: str) -> str:
    return seal(ActionToken(f"m:{name}", REQUEST, [], [], [], {}), KEYS, BINDING,
                int(time.time()))


def _open(text: str) -> ActionToken:
    return open_token(text, KEYS, BINDING, int(time.time()), 60, 8192)


def test_compact_json_writes_what_json_dumps_writes() -> None:
    data = ["ré", 1, 2.5, None, True, {"a": [1, {}]}, "\u2028"]
    assert compact_json(data) == '["ré",1,2.5,null,true,{"a":[1,{}]},"\u2028"]'
    assert read_json(compact_json(data)) == data


@pytest.mark.parametrize("text", ["", "[1", "[1] [2]", "[1]x", "nope"])
def test_read_json_refuses_what_is_not_one_json_value(text: str) -> None:
    with pytest.raises(ValueError):
        read_json(text)


# Bodies of 1, 2 and 3 padding blocks: token lengths of every remainder.
NAMES = ["f", "f" * 20, "f" * 36, "f" * 52]


@pytest.mark.parametrize("name", NAMES)
def test_tokens_of_every_length_open(name: str) -> None:
    opened = _open(_sealed(name))
    assert (opened.ref, opened.request_tag) == (f"m:{name}", REQUEST)


@pytest.mark.parametrize("remainder", [2, 3])  # lengths with unused bits
def test_a_non_canonical_last_character_is_refused(remainder: int) -> None:
    text = next(text for text in map(_sealed, NAMES)
                if len(text) % 4 == remainder)
    # Setting the last character's lowest bit changes no byte: only unused bits.
    alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"
    last = alphabet[alphabet.index(text[-1]) | 1]
    with pytest.raises(BadActionToken) as caught:
        _open(text[:-1] + last)
    assert "canonical" in caught.value.reason


@pytest.mark.parametrize("text", ["é" * 40, "A" * 39 + "=", "A" * 39 + " ", "A" * 41])
def test_tokens_outside_base64url_are_refused(text: str) -> None:
    with pytest.raises(BadActionToken) as caught:
        _open(text)
    assert "base64url" in caught.value.reason


@pytest.mark.parametrize("value", ["é" * 100, "x" * 150, 10**30, 2.5, [1, 2]])
def test_values_just_under_the_capture_limit_pass(value: object) -> None:
    budget = len(compact_json(Serializer().encode(value)).encode("utf-8"))
    assert encode_values(Serializer(), ["v"], [value], budget)


@pytest.mark.parametrize("value", ["é" * 100, "x" * 150, 10**30, 2.5, [1, 2]])
def test_values_over_the_capture_limit_are_named(value: object) -> None:
    budget = len(compact_json(Serializer().encode(value)).encode("utf-8")) - 1
    with pytest.raises(CaptureError) as caught:
        encode_values(Serializer(), ["small", "v"], [1, value], budget)
    assert caught.value.name == "v"


def test_the_list_bound_alone_does_not_refuse_values_that_fit() -> None:
    # [1,"xx"] is 8 bytes of JSON but the values themselves take 5.
    assert encode_values(Serializer(), ["a", "b"], [1, "xx"], 5) == [1, "xx"]


def make_view(step: int) -> t.Callable[..., t.Any]:
    def view(count: int) -> t.Callable[..., t.Any]:
        def act(form: object, scale: int = step, *, label: str = "n") -> tuple[int, int, str]:
            "use server"
            return count, scale, label

        return act

    return view


def test_rebuild_restores_defaults_and_keyword_defaults() -> None:
    fn = make_view(3)(7)
    target = resolve(f"{__name__}:make_view.<locals>.view.<locals>.act")
    serializer = Serializer()
    names = ["count", "*defaults", "*kwdefaults"]
    values = serializer.encode([7, (3,), {"label": "n"}])
    assert rebuild(target, names, values, serializer)(None) == fn(None) == (7, 3, "n")


def test_tokens_minted_in_two_requests_of_one_app_context_keep_their_pages() -> None:
    app = create_app()
    client = app.test_client()
    with app.app_context():
        Page.get(client, "/posts/1")
        response = Page.get(client, "/posts/2").form("#edit").submit(title="x")
    assert response.headers["Location"] == "/posts/2"


def _page(app: Flask, path: str) -> None:
    """Give ``app`` a GET route at ``path``: only a page with one may mint
    page actions (ActionWithoutPage)."""
    app.add_url_rule(path, "page", lambda **kwargs: "")


def test_a_replaced_module_is_checked_again(monkeypatch: pytest.MonkeyPatch) -> None:
    source = 'def act(form):\n    "use server"\n'
    old = types.ModuleType("fast_path_actions")
    exec(source, old.__dict__)
    monkeypatch.setitem(sys.modules, "fast_path_actions", old)
    app = Flask(__name__)
    app.config["SECRET_KEY"] = "s"
    ServerActions(app)
    _page(app, "/")
    with app.test_request_context("/"):
        assert mint(old.act, ())
        new = types.ModuleType("fast_path_actions")
        exec(source, new.__dict__)
        monkeypatch.setitem(sys.modules, "fast_path_actions", new)
        with pytest.raises(UnresolvableAction, match="another function"):
            mint(old.act, ())
        assert mint(new.act, ())


def test_a_page_already_private_and_varying_by_cookie_is_left_as_it_was() -> None:
    app = Flask(__name__)
    app.config["SECRET_KEY"] = "s"
    ServerActions(app)

    @app.get("/")
    def home() -> t.Any:
        def save(form: object) -> None:
            "use server"

        response = app.make_response(render_template_string("{{ action(save) }}", save=save))
        response.cache_control.private = True
        response.vary.add("Cookie")
        return response

    response = app.test_client().get("/")
    assert response.headers["Cache-Control"] == "private"
    assert [value.lower() for value in response.vary] == ["cookie"]


def test_an_action_post_to_a_url_without_a_get_route_keeps_its_405() -> None:
    app = Flask(__name__)
    app.config["SECRET_KEY"] = "s"
    ServerActions(app)
    app.add_url_rule("/put-only", "put_only", lambda: "", methods=["PUT"])
    response = app.test_client().post("/put-only", data={"__action": "x"})
    assert response.status_code == 405


@pytest.mark.parametrize(("method", "headers"), [
    ("POST", {"X-Server-Action": "t"}),
    ("POST", {"x-server-action": ""}),
    ("POST", {"X-Server-Actions": "t"}),
    ("POST", {}),
    ("GET", {"X-Server-Action": "t"}),
])
def test_json_calls_are_recognised_as_the_request_headers_would(
        method: str, headers: dict[str, str]) -> None:
    app = Flask(__name__)
    with app.test_request_context("/", method=method, headers=headers):
        expected = method == "POST" and calls.HEADER in request.headers
        assert calls.is_json_call() is expected


@pytest.mark.parametrize("value", ["", "é\u2028", 0, -1, 2**70, True, None, 1.5, [1, "a"],
                                   (1,)])
def test_captured_values_encode_as_the_serializer_encodes_them(value: object) -> None:
    serializer = Serializer()
    assert encode_values(serializer, ["v"], [value], 4096) == [serializer.encode(value)]


@pytest.mark.parametrize(("annotation", "expected"), [
    ("PageForm", True), ("forms.PageForm", True), ("len", False), ("missing", False),
    ("None", False), ("not valid(", False)])
def test_form_annotations_are_read_as_eval_would(annotation: str, expected: bool) -> None:
    class PageForm(Form):
        pass

    def act(form: object) -> None:
        pass

    act_globals = {"PageForm": PageForm, "forms": types.SimpleNamespace(PageForm=PageForm)}
    act = types.FunctionType(act.__code__, act_globals)
    act.__annotations__ = {"form": annotation}
    assert (form_class_of(act, 0) is PageForm) is expected


def _inline_action(post_id: int, flag: bool) -> t.Callable[..., None]:
    def tag(label: str, form: object, *, loud: bool = flag) -> None:
        "use server"
        STORE.append((post_id, label, loud))

    return tag


@pytest.mark.parametrize("fragment", [None, {"fragment": {"block": "rows"}}])
def test_a_minted_token_opens_as_the_slowly_sealed_one(fragment: dict[str, t.Any] | None) -> None:
    """mint() reuses per request what the rows share; seal() builds every
    token from scratch: both write the same token (but its nonce, and the
    counter a further row of an envelope writes)."""
    app = Flask(__name__)
    app.config["SECRET_KEY"] = "s"
    ext = ServerActions(app)
    options = dict(fragment or {})
    _page(app, "/pöst/<int:post_id>")
    with app.test_request_context("/pöst/7?tab=%C3%A9"):
        keys, binding = ext.keys(app), binding_tag(ext.binding())
        request_tag = keys.request_tag(identity_of_request(request))
        now = int(time.time())
        for flag in (True, False):
            action = _inline_action(7, flag)
            for row, label in enumerate(("one", "ü" * 3)):  # the second reuses the shape
                fast = mint(action, (label,), fragment)
                slow = seal(ActionToken(
                    short_ref(f"{__name__}:_inline_action.<locals>.tag",
                              app.view_functions["page"]), request_tag,
                    ["post_id", "*kwdefaults"], [7, {"loud": flag}], [label], options),
                    keys, binding, now)
                opened = [open_token(text, keys, binding, now, 60, 8192) for text in (fast, slow)]
                assert len(fast.partition(".")[0]) == len(slow.partition(".")[0])
                # The second row of the envelope writes its counter in one byte.
                assert len(decode(fast.partition(".")[2])) == len(
                    decode(slow.partition(".")[2])) + row
                assert opened[0].token_id != opened[1].token_id
                opened[0].token_id = opened[1].token_id = ""
                assert opened[0] == opened[1]


def test_the_private_headers_of_a_plain_page_are_the_parsed_ones() -> None:
    fast, slow = Response("page"), Response("page")
    slow.headers["Surrogate-Control"] = "max-age=60"  # takes the parsing path
    keep_private(fast)
    keep_private(slow)
    assert fast.headers["Cache-Control"] == slow.headers["Cache-Control"] == "private"
    assert fast.headers["Vary"] == slow.headers["Vary"] == "Cookie"
    assert "Surrogate-Control" not in slow.headers


def _row_action(*args: object) -> None:
    """use server"""


@pytest.mark.parametrize("args", [(), (5,), (5, -6), (10**18 - 1,), (10**18,), (True,),
                                  (2.5,), ("row",), (7, None)])
def test_bound_row_ids_seal_as_encoded_values_do(args: tuple[object, ...]) -> None:
    app = Flask(__name__)
    app.config["SECRET_KEY"] = "s"
    ext = ServerActions(app)
    _page(app, "/rows")
    with app.test_request_context("/rows"):
        keys, binding = ext.keys(app), binding_tag(ext.binding())
        request_tag = keys.request_tag(identity_of_request(request))
        now = int(time.time())
        fast = mint(_row_action, args)
        encoded = encode_values(Serializer(), ["a"] * len(args), args, 4096)
        slow = seal(ActionToken(short_ref(f"{__name__}:_row_action", app.view_functions["page"]), request_tag, [], [], encoded, {}),
                    keys, binding, now)
        opened = [open_token(text, keys, binding, now, 60, 8192) for text in (fast, slow)]
        assert opened[0].args == opened[1].args == encoded
        assert len(fast) == len(slow)


@pytest.mark.parametrize(("budget", "fits"), [(20, True), (19, True), (15, False)])
def test_bound_row_ids_keep_to_the_capture_budget(budget: int, fits: bool) -> None:
    # 16 digits: within 20 bytes by the quick bound, measured when the
    # budget is under that bound.
    app = Flask(__name__)
    app.config.update(SECRET_KEY="s", SERVER_ACTIONS_MAX_CAPTURE_BYTES=budget)
    ServerActions(app)
    _page(app, "/rows")
    with app.test_request_context("/rows"):
        if fits:
            assert mint(_row_action, (10**15,))
        else:
            with pytest.raises(UnserializableValue, match="bound argument 1"):
                mint(_row_action, (10**15,))


def test_the_request_identity_is_worked_out_once_per_request() -> None:
    app = Flask(__name__)
    app.config["SECRET_KEY"] = "s"
    ServerActions(app)
    _page(app, "/p")
    with app.test_request_context("/p?x=1"):
        req = request._get_current_object()  # type: ignore[attr-defined]
        first = identity_of_request(req)
        assert identity_of_request(req) is first
    with app.test_request_context("/p?x=2"):
        assert identity_of_request(request._get_current_object()) != first  # type: ignore[attr-defined]
