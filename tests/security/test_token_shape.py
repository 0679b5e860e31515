"""What a token's shape gives away or gets wrong: a token too big to come
back is a render-time error, a token belongs to one app even when another
shares its import name and secret, and its length does not tell a captured
``True`` from ``False``."""

from __future__ import annotations

import typing as t

import pytest
from flask import Flask
from flask import render_template_string
from flask import request
from flask.testing import FlaskClient

from flask_server_actions import ServerActions
from flask_server_actions.errors import TokenTooLarge
from flask_server_actions.errors import UnserializableValue

from ..html import ORIGIN
from ..html import Page
from ..store import STORE
from .forge import as_version_2
from .forge import decode
from .forge import encode

FORM = """{{ action.notice() }}
<form id="form" method="post">{{ action(fn) }}
  <input name="x" value="{{ action.value('x') }}"><button>Go</button></form>"""
CJK = "漢" * 4000
NUMBERS = [1, 9, 0, 99, 5, 12345]


def create_app(name: str = __name__, **config: t.Any) -> Flask:
    app = Flask(name)
    app.config.update(SECRET_KEY="shared secret", TESTING=True, **config)
    ServerActions(app)

    @app.get("/note")
    def note() -> str:
        text = request.args.get("capture", "")

        def save(form: t.Any) -> None:
            "use server"
            STORE.append(("save", len(text), form["x"]))

        return render_template_string(FORM, fn=save)

    @app.get("/cjk")
    def cjk() -> str:
        text = CJK

        def save_cjk(form: t.Any) -> None:
            "use server"
            STORE.append(("save_cjk", len(text)))

        return render_template_string(FORM, fn=save_cjk)

    @app.get("/flag/<int:on>")
    def flag(on: int) -> str:
        admin = bool(on)

        def promote(form: t.Any) -> None:
            "use server"
            STORE.append(("promote", admin))

        return render_template_string(FORM, fn=promote)

    @app.get("/number/<int:index>")
    def number_page(index: int) -> str:
        number = NUMBERS[index]  # the URL does not tell the value's length

        def pick(form: t.Any) -> None:
            "use server"
            STORE.append(("pick", number))

        return render_template_string(FORM, fn=pick)

    return app


def submit(client: FlaskClient, url: str, **values: str) -> t.Any:
    return Page.get(client, url).form("#form").submit(**values)


# 7. Tokens that cannot come back ------------------------------------------


def test_4000_cjk_characters_are_counted_in_utf8_bytes() -> None:
    # 4 002 JSON characters, under the 4 096 budget as characters; 12 002 bytes.
    app = create_app()
    with pytest.raises(UnserializableValue, match=r"'text'.*12002 bytes.*4096") as caught:
        app.test_client().get("/cjk")
    assert caught.value.name == "text"


def test_a_token_over_the_size_limit_is_a_render_error_naming_the_capture() -> None:
    app = create_app(SERVER_ACTIONS_MAX_CAPTURE_BYTES=20_000)
    with pytest.raises(TokenTooLarge) as caught:
        app.test_client().get("/cjk")
    ref = "tests.security.test_token_shape:create_app.<locals>.cjk.<locals>.save_cjk"
    # 4 002 captured characters, each of 3 bytes in UTF-8, in their JSON.
    assert str(caught.value) == (
        f"The token of the action 'save_cjk' ({ref}) would take 16118 bytes, over"
        " SERVER_ACTIONS_MAX_TOKEN_SIZE (8192), so its form could never be posted. The"
        " captured values and bound arguments take 12011 bytes of it: pass an id and load"
        " the rest inside the action; or raise SERVER_ACTIONS_MAX_TOKEN_SIZE.")
    # The whole capture is too large, no one value of it.
    assert (caught.value.action, caught.value.name, caught.value.value_type) == (ref, "", None)


@pytest.mark.parametrize("length", range(4300, 4600, 17))
def test_every_token_that_renders_comes_back(length: int) -> None:
    """Around the limit, a page either fails to render or its form works:
    never a form that always answers 400."""
    client = create_app().test_client()
    # The captured text is in the URL too; each é is %C3%A9 there.
    url = "/note?q=" + "é" * (length // 12) + "&capture=" + "x" * (length // 2)
    try:
        response = submit(client, url, x="typed")
    except TokenTooLarge:
        assert length > 4400  # the control: the smaller pages render
        return
    assert response.status_code == 303
    assert STORE == [("save", length // 2, "typed")]


# 8. Which app a token belongs to ------------------------------------------


def _take_session(browser: FlaskClient, app: Flask, other: Flask) -> FlaskClient:
    """A client of ``other`` holding the session ``browser`` has in ``app``:
    with one ``SECRET_KEY`` the cookie is valid in both apps."""
    client = other.test_client()
    cookie = browser.get_cookie(app.config["SESSION_COOKIE_NAME"])
    assert cookie is not None
    client.set_cookie(other.config["SESSION_COOKIE_NAME"], cookie.value)
    return client


@pytest.mark.parametrize(("first", "second"), [
    ({"SESSION_COOKIE_NAME": "tenant_a"}, {"SESSION_COOKIE_NAME": "tenant_b"}),
    ({"SERVER_ACTIONS_APP_ID": "tenant-a"}, {"SERVER_ACTIONS_APP_ID": "tenant-b"}),
    ({}, {"SERVER_ACTIONS_APP_ID": "tenant-b"}),
])
def test_an_app_refuses_the_tokens_of_another_with_the_same_name_and_secret(
        first: dict[str, str], second: dict[str, str]) -> None:
    app, other = create_app(**first), create_app(**second)
    browser = app.test_client()
    token = Page.get(browser, "/note").form("#form").token()
    attacker = _take_session(browser, app, other)
    Page.get(attacker, "/note")  # the session is valid there: only the token can refuse
    response = attacker.post("/note", data={"__action": token, "x": "typed"},
                             headers={"Origin": ORIGIN})
    assert response.status_code == 400
    assert STORE == []


@pytest.mark.parametrize("config", [{}, {"SERVER_ACTIONS_APP_ID": "blog"}])
def test_instances_of_one_app_accept_each_others_tokens(config: dict[str, str]) -> None:
    # The control: the same app on another worker, instance or redeploy.
    app, other = create_app(**config), create_app(**config)
    browser = app.test_client()
    token = Page.get(browser, "/note").form("#form").token()
    response = _take_session(browser, app, other).post(
        "/note", data={"__action": token, "x": "typed"}, headers={"Origin": ORIGIN})
    assert response.status_code == 303
    assert STORE == [("save", 0, "typed")]


def test_a_token_from_before_the_upgrade_keeps_the_input() -> None:
    # Version 2 tokens (0.2) open, for their session, but never run: the
    # page comes back with the input and a notice.
    app = create_app()
    client = app.test_client()
    token = as_version_2(app, Page.get(client, "/note").form("#form").token(), "/note")
    response = client.post("/note", data={"__action": token, "x": "kept"},
                           headers={"Origin": ORIGIN})
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert 'value="kept"' in page and "earlier version" in page
    assert STORE == []


def test_a_version_1_token_is_refused_and_shows_nothing() -> None:
    # Version 1 (0.1) used other keys: it cannot be authenticated, and
    # anyone can write its header, so it is a 400 that echoes nothing.
    client = create_app().test_client()
    raw = decode(Page.get(client, "/note").form("#form").token())
    response = client.post("/note", data={"__action": encode(b"\x01" + raw[1:]),
                                          "x": "typed by someone"},
                           headers={"Origin": ORIGIN})
    assert response.status_code == 400
    assert "typed by someone" not in response.get_data(as_text=True)
    assert STORE == []


# 9. Length ----------------------------------------------------------------


def _raw_size(client: FlaskClient, url: str) -> int:
    return len(decode(Page.get(client, url).form("#form").token()))


@pytest.mark.parametrize("query", range(0, 40))
def test_a_captured_true_and_false_seal_to_the_same_length(query: int) -> None:
    client = create_app().test_client()
    suffix = f"?q={'a' * query}" if query else ""
    assert _raw_size(client, f"/flag/1{suffix}") == _raw_size(client, f"/flag/0{suffix}")


@pytest.mark.parametrize(("small", "large"), [(0, 1), (2, 3), (4, 5)])
def test_the_page_url_cannot_move_the_padding_boundary(small: int, large: int) -> None:
    """Short values of different lengths differ in length by a fixed amount
    (nothing, or a whole block) whatever the length of the URL the attacker
    opens the page with, so aligning the URL reveals nothing."""
    client = create_app().test_client()
    differences = {
        _raw_size(client, f"/number/{large}?q={'a' * query}")
        - _raw_size(client, f"/number/{small}?q={'a' * query}")
        for query in range(1, 40)}
    assert len(differences) == 1
    assert differences.pop() % 16 == 0
