"""Edges a regression would slip through unnoticed: each test here kills a
mutant of a security module that every other test let live (issue 25,
item 14; ``bash scripts/mutate`` finds them)."""

from __future__ import annotations

import logging
import os
import time
import typing as t

import pytest
from flask import Flask
from flask.testing import FlaskClient
from werkzeug.datastructures import MultiDict

from flask_server_actions import MemoryStore
from flask_server_actions import server_action
from flask_server_actions.errors import BadActionToken
from flask_server_actions.errors import CrossOriginAction
from flask_server_actions.errors import FormTooLarge
from flask_server_actions.errors import SessionEnded
from flask_server_actions.errors import TooManyRefusals
from flask_server_actions.errors import UnresolvableAction
from flask_server_actions.post.dispatch import page_url
from flask_server_actions.post.uploads import FIELD
from flask_server_actions.signals import action_refused
from flask_server_actions.token.envelope import BINDING_SIZE
from flask_server_actions.token.envelope import REQUEST_TAG_SIZE
from flask_server_actions.token.envelope import ActionToken
from flask_server_actions.token.envelope import KeyRing
from flask_server_actions.token.envelope import open_token
from flask_server_actions.token.envelope import padded
from flask_server_actions.token.envelope import seal

from ..forms import app_uploads
from ..forms.test_kept_files import failed_with_report
from ..forms.test_kept_files import kept_references
from ..forms.test_kept_files import send
from ..html import ORIGIN
from ..html import Page
from ..store import STORE
from . import app_edges
from . import app_limits
from . import app_secure
from .forge import decode
from .forge import encode
from .forge import post
from .forge import same_browser
from .forge import token_of


@pytest.fixture
def app() -> Flask:
    return app_edges.create_app()


# guards.py: how long a one-time token's record is kept.

def test_a_one_time_record_outlives_the_token_on_an_instance_whose_clock_is_behind(
        monkeypatch: pytest.MonkeyPatch) -> None:
    now, behind = [1_000_000.0], [0.0]
    monkeypatch.setattr(time, "time", lambda: now[0] - behind[0])
    store = MemoryStore(clock=lambda: now[0])  # the clock of the store every instance shares
    first, second = app_secure.create_app(store=store), app_secure.create_app(store=store)
    browser = first.test_client()
    token = token_of(browser, "/pay")
    assert post(browser, token, "/pay").status_code == 303
    # Past the token's age on the first instance; not yet on one whose clock
    # is 50 s behind (within CLOCK_SKEW), which still accepts it.
    now[0] += first.config["SERVER_ACTIONS_MAX_AGE"] + 30
    behind[0] = 50
    assert post(same_browser(browser, second), token, "/pay").status_code == 422
    assert STORE == [("charge", "typed")]


# limits.py: what a limit counts by, and when it says to come back.

class Clock:
    now = 1000.0

    def __call__(self) -> float:
        return self.now


def limited_post(app: Flask, client: FlaskClient | None = None) -> int:
    client = client or app.test_client()
    sent = {"X-Forwarded-For": "203.0.113.5"}
    page = Page(client, "/notes", client.get("/notes", headers=sent))
    response = page.form("#add").submit(headers=sent, title="Hi")
    return response.status_code if response.status_code != 429 else int(
        response.headers["Retry-After"]) * 1000


def test_an_address_keyed_limit_counts_every_user_at_that_address_together() -> None:
    app = app_limits.create_app(MemoryStore(clock=Clock()))
    ada, bob = app.test_client(), app.test_client()
    ada.get("/login/ada")
    bob.get("/login/bob")
    # "#add" allows 3 a minute per address, whoever is logged in.
    assert [limited_post(app, ada), limited_post(app, ada), limited_post(app, bob)] == [303] * 3
    assert limited_post(app, bob) > 303


@pytest.mark.parametrize(("elapsed", "retry_after"), [(20.5, 40), (59.6, 1), (59.999, 1)])
def test_retry_after_is_the_rest_of_the_window_rounded_up_never_0(
        elapsed: float, retry_after: int) -> None:
    clock = Clock()
    app = app_limits.create_app(MemoryStore(clock=clock))
    assert [limited_post(app) for _ in range(3)] == [303] * 3
    clock.now += elapsed
    assert limited_post(app) == retry_after * 1000


# token/envelope.py: the size limit.

def test_the_size_limit_counts_the_row_part_too() -> None:
    keys, binding, now = KeyRing(["size secret"], "edges"), b"session!", int(time.time())
    token = seal(ActionToken("m:f", bytes(11), [], [], ["a" * 300], {}), keys, binding, now)
    envelope = token.partition(".")[0]
    assert open_token(token, keys, binding, now, 60, len(token)).args == ["a" * 300]
    with pytest.raises(BadActionToken) as refused:
        open_token(token, keys, binding, now, 60, len(envelope) + 8)
    assert f"over the {len(envelope) + 8} limit" in refused.value.reason


# precognition.py: a form that fails as a whole.

def test_a_form_that_fails_only_as_a_whole_fails_live_validation(client: FlaskClient) -> None:
    page = Page.get(client, "/pair")
    response = page.form().submit(headers={"Precognition": "true"}, password="a",
                                  confirm="b")
    assert response.status_code == 422
    assert response.json == {"message": "Please correct the marked fields and submit again.",
                              "errors": {}}
    assert page.form().submit(password="a", confirm="b").status_code == 422
    assert STORE == []


# routing.py: finding the action field in a large body, and the URL adapter.

def test_the_action_field_split_across_two_reads_of_a_large_body_is_found(
        client: FlaskClient) -> None:
    token = Page.get(client, "/page").form().token()
    # Over the size kept in memory (read 64 KiB at a time), with "__action"
    # straddling the first two reads: "__act" ends one, "ion" starts the next.
    head = b"x=typed&pad=" + b"p" * 65518 + b"&"
    body = head + b"__action=" + token.encode() + b"&filler=" + b"f" * 600_000
    assert body.index(b"__action") == 64 * 1024 - 5
    response = client.post("/page", data=body, headers={"Origin": ORIGIN},
                           content_type="application/x-www-form-urlencoded")
    assert response.status_code == 303
    assert STORE[-1] == ("x", "typed")


def test_the_url_adapter_answers_other_paths_and_methods_during_an_action_post(
        client: FlaskClient) -> None:
    assert Page.get(client, "/page").form().submit(x="typed").status_code == 303
    assert STORE == [("path only", ("elsewhere", {})), ("method only", ("page_posted", {})),
                     ("x", "typed")]


# dispatch.py: the page an action goes back to.

def test_a_script_root_of_leading_slashes_goes_back_to_a_path_on_this_site() -> None:
    client = app_secure.create_app().test_client()
    mounted = {"SCRIPT_NAME": "//evil.example"}
    page = Page(client, "/plain", client.get("/plain", environ_overrides=mounted))
    response = post(client, page.form("#form").token(), "/plain", environ=mounted)
    assert response.status_code == 303
    assert response.headers["Location"] == "/evil.example/plain"
    assert STORE == [("save", "typed")]


def _limits_named(app: t.Any) -> list[str]:
    """The settings each ``FormTooLarge`` of ``app`` names, as it answers."""
    limits: list[str] = []

    @app.errorhandler(FormTooLarge)
    def note(error: FormTooLarge) -> tuple[str, int]:
        limits.append(error.limit)
        return "too large", 413

    return limits


@pytest.mark.parametrize(("setting", "content_type", "fields", "environ", "named"), [
    pytest.param({"MAX_CONTENT_LENGTH": 2048}, "application/x-www-form-urlencoded",
                 {"x": "y" * 4096}, {}, "MAX_CONTENT_LENGTH", id="a body over its length"),
    pytest.param({"MAX_CONTENT_LENGTH": 2048}, "application/x-www-form-urlencoded",
                 {"x": "y" * 4096}, {"wsgi.input_terminated": True,
                                     "HTTP_TRANSFER_ENCODING": "chunked"},
                 "MAX_CONTENT_LENGTH", id="a chunked body over the length"),
    pytest.param({"MAX_CONTENT_LENGTH": 1 << 20, "MAX_FORM_MEMORY_SIZE": 1024},
                 "multipart/form-data", {"x": "y" * 2048}, {},
                 "MAX_FORM_MEMORY_SIZE or MAX_FORM_PARTS", id="a field over its size"),
    pytest.param({"MAX_FORM_PARTS": 10}, "multipart/form-data",
                 {f"f{index}": "v" for index in range(20)}, {},
                 "MAX_FORM_MEMORY_SIZE or MAX_FORM_PARTS", id="too many fields"),
])
def test_a_post_over_a_size_limit_names_the_setting(
        setting: dict[str, int], content_type: str, fields: dict[str, str],
        environ: dict[str, t.Any], named: str, caplog: pytest.LogCaptureFixture) -> None:
    app = app_secure.create_app(**setting)
    limits = _limits_named(app)
    client = app.test_client()
    data = {"__action": token_of(client, "/plain"), **fields}
    with caplog.at_level(logging.INFO, "flask_server_actions"):
        response = client.post("/plain", data=data, content_type=content_type,
                               headers={"Origin": ORIGIN}, environ_overrides=environ)
    assert (response.status_code, limits) == (413, [named])
    assert f"Refused a form post to '/plain' over {named}" in caplog.text
    assert STORE == []


def test_a_body_of_exactly_the_length_limit_over_another_limit_names_that_one() -> None:
    app = app_secure.create_app(MAX_FORM_PARTS=10)
    limits = _limits_named(app)
    client = app.test_client()
    fields = {"__action": token_of(client, "/plain"), **{f"f{n}": "v" for n in range(20)}}
    body = "".join(f'--b\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'
                   for name, value in fields.items()) + "--b--\r\n"
    app.config["MAX_CONTENT_LENGTH"] = len(body)
    response = client.post("/plain", data=body, content_type="multipart/form-data; boundary=b",
                           headers={"Origin": ORIGIN})
    assert (response.status_code, limits) == (413, ["MAX_FORM_MEMORY_SIZE or MAX_FORM_PARTS"])


# origin.py: what a refused cross-site post says.

@pytest.mark.parametrize(("headers", "origin"), [
    ({"Sec-Fetch-Site": "cross-site"}, "Sec-Fetch-Site: cross-site"),
    ({"Origin": "null"}, "null"),
    ({"Origin": "https://evil.example"}, "https://evil.example"),
    ({"Referer": "https://evil.example/x"}, "https://evil.example/x"),
])
def test_a_cross_site_post_is_refused_naming_what_gave_it_away(
        headers: dict[str, str], origin: str) -> None:
    app = app_secure.create_app()
    seen: list[str] = []

    @app.errorhandler(CrossOriginAction)
    def note(error: CrossOriginAction) -> tuple[str, int]:
        seen.append(error.origin)
        return "refused", 403

    client = app.test_client()
    assert post(client, token_of(client, "/plain"), "/plain", headers=headers).status_code == 403
    assert seen == [origin]
    assert STORE == []


# dispatch.py: a form that cannot run is filled again with what was sent.

def test_another_sessions_token_from_this_site_refills_the_actions_form(
        client: FlaskClient) -> None:
    page = Page.get(client, "/pair")
    with client.session_transaction() as session:
        session.clear()
    response = page.form().submit(password="mine", confirm="also mine")
    assert response.status_code == 422
    shown = Page(client, "/pair", response)
    assert (shown.value("password"), shown.value("confirm")) == ("mine", "also mine")
    assert STORE == []


@pytest.mark.parametrize(("body", "refilled"), [
    ('["~gone",0,{},{"form":"tests.security.app_edges:PairForm"}]', ("mine", "also mine")),
    ('["~gone",0,{},{"form":"tests.nowhere:GoneForm"}]', ("", "")),
    ('["~gone"]', ("", "")),
])
def test_a_token_of_an_action_gone_refills_the_form_its_token_names_if_any(
        app: Flask, client: FlaskClient, body: str, refilled: tuple[str, str]) -> None:
    gone = rewritten(app, Page.get(client, "/pair").form().token(), body)
    response = client.post("/pair", data={"__action": gone, "password": "mine",
                                          "confirm": "also mine"}, headers={"Origin": ORIGIN})
    assert response.status_code == 422
    shown = Page(client, "/pair", response)
    assert (shown.value("password"), shown.value("confirm")) == refilled
    assert STORE == []


def rewritten(app: Flask, token: str, body: str) -> str:
    """``token`` sealed again around another ``body``: what only a token of
    another version of the app holds."""
    keys = app.extensions["server_actions"].keys(app)
    raw = decode(token)
    nonce = raw[9:21]
    plain = keys.current.decrypt(nonce, raw[21:], raw[:9])
    bindings = plain[:BINDING_SIZE + REQUEST_TAG_SIZE]
    return encode(raw[:21] + keys.current.encrypt(nonce, bindings + padded(body), raw[:9]))


def test_a_one_time_form_sent_again_is_refilled_with_what_was_sent_again(
        client: FlaskClient) -> None:
    form = Page.get(client, "/pair").form()
    assert form.submit(password="same", confirm="same").status_code == 303
    response = form.submit(password="again", confirm="again")
    assert response.status_code == 422
    assert Page(client, "/pair", response).value("password") == "again"
    assert STORE == [("change", "same")]


@pytest.mark.parametrize(("headers", "retargeted"), [
    ({"HX-Request": "true"}, True),
    ({"HX-Request": "true", "HX-Request-Type": "partial"}, True),
    ({"HX-Request": "true", "HX-Request-Type": "full"}, False),
    ({"HX-Request": "true", "HX-Boosted": "true"}, False),
    ({}, False),
])
def test_a_page_shown_again_to_htmx_replaces_the_body_unless_htmx_asked_for_it_whole(
        client: FlaskClient, headers: dict[str, str], retargeted: bool) -> None:
    form = Page.get(client, "/pair").form()
    with client.session_transaction() as session:
        session.clear()  # the token cannot run: the whole page comes back
    response = form.submit(headers=headers, password="a", confirm="a")
    assert response.status_code == 422
    swap = (response.headers.get("HX-Retarget"), response.headers.get("HX-Reswap"))
    assert swap == (("body", "innerHTML") if retargeted else (None, None))


@pytest.mark.parametrize(("page", "url"), [
    ("/plain", "/plain"),
    ("/Xmas?a=1", "/Xmas?a=1"),
    ("//evil.example/x", "/evil.example/x"),
    ("/\t/evil.example", "/%09/evil.example"),
    ("/a\\b", "/a%5Cb"),
])
def test_the_page_an_action_goes_back_to_is_a_path_on_this_site(page: str, url: str) -> None:
    assert page_url(page) == url


def test_a_token_that_does_not_authenticate_is_signalled_and_logged_with_why(
        caplog: pytest.LogCaptureFixture) -> None:
    app = app_secure.create_app()
    heard: list[tuple[str, str]] = []

    def hear(sender: Flask, name: str, ref: str, reason: str) -> None:
        assert sender is app
        heard.append((ref, reason))

    client = app.test_client()
    token = token_of(client, "/plain")
    forged = token[:-2] + ("AA" if not token.endswith("AA") else "BA")
    with action_refused.connected_to(hear, app), caplog.at_level(logging.WARNING,
                                                                  "flask_server_actions"):
        assert post(client, forged, "/plain").status_code == 400
    assert heard == [("", "token does not authenticate")]
    assert "Refused an action post to '/plain': token does not authenticate" in caplog.text


def test_a_validate_request_with_a_token_that_cannot_run_answers_its_notice_in_json(
        client: FlaskClient) -> None:
    form = Page.get(client, "/pair").form()
    with client.session_transaction() as session:
        session.clear()
    response = form.submit(headers={"Precognition": "true"}, password="a", confirm="a")
    # 419, as Laravel answers an expired page: never an empty "valid" 422.
    assert (response.status_code, response.json) == (
        419, {"message": SessionEnded.notice, "errors": {}})


# token/envelope.py: why a row part is refused.

@pytest.mark.parametrize(("row", "reason"), [
    ("AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA", "token row part does not authenticate"),
    ("not base64!", "token row part is not base64url"),
])
def test_a_forged_row_part_is_refused_saying_so(row: str, reason: str) -> None:
    keys, binding, now = KeyRing(["row secret"], "edges"), b"session!", int(time.time())
    token = seal(ActionToken("m:f", bytes(11), [], [], [1], {}), keys, binding, now)
    with pytest.raises(BadActionToken) as refused:
        open_token(f"{token.partition('.')[0]}.{row}", keys, binding, now, 60, 4096)
    assert refused.value.reason.startswith(reason)


def test_a_page_shown_again_keeps_every_value_of_a_repeated_field(client: FlaskClient) -> None:
    token = Page.get(client, "/page").form().token()
    with client.session_transaction() as session:
        session.clear()
    data = MultiDict([("__action", token), ("x", "typed"), ("tag", "a"), ("tag", "b")])
    response = client.post("/page", data=data, headers={"Origin": ORIGIN})
    assert response.status_code == 422
    assert Page(client, "/page", response).text("#tags") == "a,b"


# token/envelope.py: an expired token of another session is another session's.

def test_an_expired_token_of_another_session_without_headers_shows_nothing(
        monkeypatch: pytest.MonkeyPatch) -> None:
    # An attacker's own token, expired, posted by a page that strips Origin
    # and Referer: the victim must not be shown the attacker's text as theirs.
    app = app_secure.create_app()
    attacker, victim = app.test_client(), app.test_client()
    token = token_of(attacker, "/plain")
    token_of(victim, "/plain")
    later = time.time() + app.config["SERVER_ACTIONS_MAX_AGE"] + 60
    monkeypatch.setattr(time, "time", lambda: later)
    response = post(victim, token, "/plain", headers={}, x="the attacker wrote this")
    assert response.status_code == 400
    assert "the attacker wrote this" not in response.get_data(as_text=True)
    assert STORE == []


# limits.py: what a key function is given, and what a limit may say.

def test_a_key_function_counts_by_what_it_reads_of_the_call(client: FlaskClient) -> None:
    def join(team: str) -> int:
        return Page.get(client, f"/teams/{team}").form().submit(x="in").status_code

    assert [join("red"), join("red"), join("blue")] == [303, 429, 303]
    assert STORE == [("join", "red"), ("join", "blue")]


def test_a_limit_that_cannot_be_read_says_every_form_it_may_take() -> None:
    with pytest.raises(ValueError) as error:
        server_action(limit="5/fortnight")
    assert "'5/fortnight'" in str(error.value)
    assert str(error.value).endswith(
        'Write how many posts are allowed per second, minute, hour or day, such as'
        ' "5/minute" or "100/hour", or per a number of seconds, such as "10/30".')


def test_a_key_that_is_no_key_says_every_key_there_is() -> None:
    with pytest.raises(ValueError) as error:
        server_action(limit="5/minute", key="session")
    assert str(error.value) == (
        "server_action(key='session') is not a key. Use \"address\" (the client's address,"
        " the default), \"user\" (the logged-in user of Flask-Login, else the address) or"
        " a function taking the ActionCall and returning what posts are counted by.")


# guards.py: what a check is told and says, and the throttle's client.

def test_a_key_function_still_sees_what_was_captured_after_a_capture_not_yet_set(
        client: FlaskClient) -> None:
    def enlist(team: str) -> int:
        return Page.get(client, f"/late-teams/{team}").form().submit(x="in").status_code

    assert [enlist("red"), enlist("red"), enlist("blue")] == [303, 429, 303]


def test_a_check_answering_false_refuses_naming_the_action(client: FlaskClient) -> None:
    response = post(client, token_of(client, "/club"), "/club")
    assert response.status_code == 403
    assert "You are not allowed to use &#39;enter&#39;." in response.text
    assert STORE == []


def test_a_key_function_that_cannot_be_imported_names_the_option_and_the_action(
        app: Flask) -> None:
    app.testing = True
    with pytest.raises(UnresolvableAction) as error:
        app.test_client().get("/lambda-key")
    assert str(error.value).startswith("The key= check <function ")
    assert " of the action tests.security.app_edges:" in str(error.value)
    assert "lambda_key.<locals>.counted cannot be imported as" in str(error.value)


def test_a_require_check_that_cannot_be_imported_names_the_option_and_the_action() -> None:
    app = app_secure.create_app()
    app.testing = True
    with pytest.raises(UnresolvableAction) as error:
        app.test_client().get("/lambda-check")
    assert str(error.value).startswith("The require= check <function ")
    assert "lambda_check.<locals>.guarded cannot be imported as" in str(error.value)


@pytest.mark.parametrize("setting", ["1/1", "20/60"])
def test_a_throttle_of_any_positive_count_and_window_is_accepted(setting: str) -> None:
    app = app_secure.create_app(SERVER_ACTIONS_THROTTLE=setting)
    client = app.test_client()
    token_of(client)
    assert post(client, "garbage").status_code == 400


def test_a_throttle_setting_that_cannot_be_read_says_how_to_write_it() -> None:
    app = app_secure.create_app(SERVER_ACTIONS_THROTTLE="20 a minute")
    app.testing = True
    client = app.test_client()
    token_of(client)
    with pytest.raises(ValueError) as error:
        post(client, "garbage")
    assert str(error.value) == (
        "SERVER_ACTIONS_THROTTLE is '20 a minute'. Set it to \"refusals/seconds\", such as"
        " \"20/60\" for 20 refused tokens a minute per client, or to None to turn the"
        " throttle off.")


@pytest.mark.parametrize(("address", "client_seen"), [
    ("203.0.113.5", "203.0.113.5"),
    ("2001:db8:1:2::1", "2001:db8:1:2::/64"),
    ("", "unknown"),
])
def test_a_throttled_client_is_named_by_its_address_or_network(
        address: str, client_seen: str) -> None:
    app = app_secure.create_app(SERVER_ACTIONS_THROTTLE="1/60")
    seen: list[tuple[str, int]] = []

    @app.errorhandler(TooManyRefusals)
    def refused(error: TooManyRefusals) -> tuple[str, int]:
        seen.append((error.client, error.window))
        return "throttled", 429

    client = app.test_client()
    token_of(client)
    statuses = [post(client, "garbage", environ={"REMOTE_ADDR": address}).status_code
                for _ in range(2)]
    assert (statuses, seen) == ([400, 429], [(client_seen, 60)])


# precognition.py: a failed post of an action without a form, asking for JSON.

def test_an_expired_page_of_an_action_without_a_form_answers_json_419() -> None:
    app = app_secure.create_app()
    client = app.test_client()
    token = token_of(client)
    app.config["SERVER_ACTIONS_MAX_AGE"] = -1000
    response = post(client, token, headers={"Origin": ORIGIN, "Accept": "application/json"})
    assert (response.status_code, response.mimetype) == (419, "application/json")
    body = response.get_json()
    assert body["errors"] == {}
    assert body["message"]
    assert STORE == []


# uploads.py: how a kept file is shown, why a reference is refused, where
# kept files go, and how their bytes count.

def test_a_kept_file_is_shown_as_a_ticked_checkbox_in_its_label(tmp_path: t.Any) -> None:
    app = app_uploads.create_app(SERVER_ACTIONS_UPLOAD_DIR=str(tmp_path / "kept"))
    page = failed_with_report(app)
    [reference] = kept_references(page)
    shown = (f'<input type="file" name="attachment"><label class="action-kept-file">'
             f'<input type="checkbox" name="{FIELD}" value="{reference}" checked>'
             ' Keep <span>report.pdf</span></label>\n  <button>Save</button>')
    assert shown in page.response.get_data(as_text=True)


@pytest.mark.parametrize(("reference", "reason"), [
    ("!!!!", "a kept file's reference is not base64"),
    ("AAAA", "a kept file's reference is too short"),
    ("A" * 28, "a kept file's reference is too short"),  # a header and 12 bytes
    ("A" * 200, "a kept file's reference names no key of this app"),
    ("forged", "a kept file's reference is forged or of another session or action"),
])
def test_a_refused_reference_is_logged_with_why(
        tmp_path: t.Any, caplog: pytest.LogCaptureFixture, reference: str, reason: str) -> None:
    app = app_uploads.create_app(SERVER_ACTIONS_UPLOAD_DIR=str(tmp_path / "kept"))
    page = failed_with_report(app)
    if reference == "forged":
        [kept] = kept_references(page)
        middle = len(kept) // 2
        reference = kept[:middle] + ("B" if kept[middle] == "A" else "A") + kept[middle + 1:]
    with caplog.at_level(logging.INFO):
        response = send(page.form("#doc"), references=[reference], title="x")
    assert response.status_code == 400
    assert f"Refused a kept file of a post to '/docs': {reason}" in caplog.messages
    assert STORE == []


def test_kept_files_go_to_the_instance_folder_by_default(tmp_path: t.Any) -> None:
    app = app_uploads.create_app()
    app.instance_path = str(tmp_path)
    failed_with_report(app)
    assert len(os.listdir(tmp_path / "server-actions-uploads")) == 1



def test_an_ipv6_prefix_of_1_counts_half_the_address_space_as_one_client() -> None:
    app = app_secure.create_app(SERVER_ACTIONS_THROTTLE="1/60", SERVER_ACTIONS_IPV6_PREFIX=1)
    client = app.test_client()
    token_of(client)
    statuses = [post(client, "garbage", environ={"REMOTE_ADDR": address}).status_code
                for address in ("2001:db8::1", "3fff::1")]
    assert statuses == [400, 429]


def test_an_ipv6_prefix_out_of_range_says_what_it_may_be() -> None:
    app = app_secure.create_app(SERVER_ACTIONS_THROTTLE="1/60", SERVER_ACTIONS_IPV6_PREFIX=0)
    app.testing = True
    client = app.test_client()
    token_of(client)
    with pytest.raises(ValueError) as error:
        post(client, "garbage", environ={"REMOTE_ADDR": "2001:db8::1"})
    assert str(error.value) == (
        "SERVER_ACTIONS_IPV6_PREFIX is 0. Set it to the length of the IPv6"
        " network counted as one client, from 1 to 128: 64 (the default) for a /64,"
        " 48 for a /48, 128 for each address.")
