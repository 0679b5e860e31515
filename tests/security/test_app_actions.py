"""Actions for every page (``@server_action(scope="app")``): posted to the
extension's URL, guarded by the app's hooks and their own checks only, and
every other guarantee kept: session, origin, host and script root binding,
expiry, a sealed return URL. Each attack is refused."""

from __future__ import annotations

import logging
import time

import pytest
from flask import Flask
from flask import render_template_string
from flask.testing import FlaskClient
from werkzeug.test import TestResponse

from flask_server_actions import server_action
from flask_server_actions.errors import UnresolvableAction
from flask_server_actions.marking import ActionOptions

from ..html import ORIGIN
from ..html import Page
from ..store import STORE
from . import app_wide
from .app_wide import create_app

RUN = "/_server_actions/run"


@pytest.fixture
def app() -> Flask:
    return create_app()


def sign_in(client: FlaskClient, role: str = "admin") -> None:
    with client.session_transaction() as session:
        session.update(user="ann", role=role)


def token(client: FlaskClient, url: str, form: str = "#sign-out") -> str:
    return Page.get(client, url).form(form).token()


def post(client: FlaskClient, url: str, sent: str, **headers: str) -> TestResponse:
    return client.post(url, data={"__action": sent}, headers={"Origin": ORIGIN, **headers})


def test_a_demoted_admin_can_still_sign_out(client: FlaskClient) -> None:
    sign_in(client)
    form = Page.get(client, "/admin/?tab=users").form("#sign-out")
    sign_in(client, role="user")  # demoted while the admin page was open
    assert client.get("/admin/").status_code == 403
    response = form.submit()
    assert response.status_code == 303
    assert response.headers["Location"] == "/admin/?tab=users"  # the page it was on
    assert STORE == [("sign out", "ann")]
    with client.session_transaction() as session:
        assert "user" not in session


def test_an_app_action_runs_from_the_404_page(client: FlaskClient) -> None:
    sign_in(client)
    response = client.get("/nowhere")
    assert response.status_code == 404
    form = Page(client, "/nowhere", response).form("#sign-out")
    assert form.submit().status_code == 303
    assert STORE == [("sign out", "ann")]


def test_the_apps_hooks_guard_it(app: Flask, client: FlaskClient) -> None:
    sign_in(client)
    form = Page.get(client, "/").form("#sign-out")
    app.config["MAINTENANCE"] = True
    assert form.submit().status_code == 503
    assert STORE == []


def test_its_own_require_check_guards_it(client: FlaskClient) -> None:
    response = Page.get(client, "/").form("#language").submit(lang="fr")
    assert response.status_code == 403
    assert STORE == []


def test_a_failed_app_action_goes_back_with_its_message(client: FlaskClient) -> None:
    sign_in(client)
    response = Page.get(client, "/?page=2").form("#language").submit(lang="de")
    assert response.status_code == 303
    assert response.headers["Location"] == "/?page=2"
    with client.session_transaction() as session:
        assert session["_flashes"] == [("error", "We speak en and fr.")]
    back = Page.get(client, "/?page=2")
    assert back.text(".flash") == "We speak en and fr."
    assert STORE == []


def test_it_answers_htmx_with_a_client_redirect(client: FlaskClient) -> None:
    sign_in(client)
    sent = token(client, "/admin/")
    response = post(client, RUN, sent, **{"HX-Request": "true"})
    assert response.headers["HX-Redirect"] == "/admin/"
    assert STORE == [("sign out", "ann")]


def test_a_json_call_runs_it(client: FlaskClient) -> None:
    sign_in(client)
    sent = str(Page.get(client, "/").soup.select_one("[data-server-action]")[  # type: ignore[index]
        "data-server-action"])
    response = client.post(RUN, json=[{}], headers={"X-Server-Action": sent, "Origin": ORIGIN})
    assert response.status_code == 200
    assert STORE == [("sign out", "ann")]


def test_an_app_token_posted_to_a_page_is_refused(client: FlaskClient) -> None:
    sign_in(client)
    response = Page.get(client, "/").form("#misplaced").submit()
    assert response.status_code == 400
    assert post(client, "/admin/", token(client, "/admin/")).status_code == 400
    assert STORE == []


@pytest.mark.parametrize(("url", "form", "logged"), [
    ("/admin/", "#sign-out", "an app action (shown on '/admin/') posted to a page"),
    (RUN, "#rename", "a page's action posted to the app URL"),
])
def test_the_log_says_which_kind_of_action_went_astray(
        client: FlaskClient, caplog: pytest.LogCaptureFixture, url: str, form: str,
        logged: str) -> None:
    sign_in(client)
    with caplog.at_level(logging.WARNING, "flask_server_actions"):
        response = post(client, url, token(client, "/admin/", form))
    assert response.status_code == 400
    [record] = [record for record in caplog.records if record.name == "flask_server_actions"]
    assert logged in record.getMessage()
    assert "posted to" not in response.get_data(as_text=True)  # the log's, not the page's


def test_a_page_token_posted_to_the_app_url_is_refused(client: FlaskClient) -> None:
    sign_in(client)
    assert post(client, RUN, token(client, "/admin/", "#rename")).status_code == 400
    assert STORE == []


@pytest.mark.parametrize(("environ", "status"), [
    ({"HTTP_HOST": "other.example", "HTTP_ORIGIN": "http://other.example"}, 400),  # another host
    ({"SCRIPT_NAME": "/mounted"}, 400),  # under another script root
    ({"HTTP_ORIGIN": "https://evil.example"}, 403),  # another site
])
def test_it_runs_only_on_the_host_and_script_root_that_minted_it(
        client: FlaskClient, environ: dict[str, str], status: int) -> None:
    sign_in(client)
    sent = token(client, "/")
    response = client.post(RUN, data={"__action": sent},
                           environ_overrides={"HTTP_ORIGIN": ORIGIN, **environ})
    assert response.status_code == status
    assert STORE == []


def test_another_sessions_token_is_refused(app: Flask, client: FlaskClient) -> None:
    sign_in(client)
    sent = token(client, "/")
    other = app.test_client()
    sign_in(other)
    assert other.post(RUN, data={"__action": sent}).status_code == 400
    assert STORE == []


@pytest.mark.parametrize("change", ["tamper", "expire"])
def test_a_tampered_or_expired_token_never_runs(
        app: Flask, client: FlaskClient, monkeypatch: pytest.MonkeyPatch, change: str) -> None:
    sign_in(client)
    sent = token(client, "/?from=1")
    if change == "tamper":
        assert post(client, RUN, sent[:-6] + "AAAAAA").status_code == 400
    else:
        later = time.time() + app.config["SERVER_ACTIONS_MAX_AGE"] + 1
        monkeypatch.setattr(time, "time", lambda: later)
        response = post(client, RUN, sent)
        assert (response.status_code, response.headers["Location"]) == (303, "/?from=1")
        # Read while the clock is still late: the session cookie is signed then.
        assert "expired" in Page.get(client, "/").text(".flash")
    assert STORE == []


def test_an_action_no_longer_for_the_app_is_not_run_unguarded(
        client: FlaskClient, monkeypatch: pytest.MonkeyPatch,
        caplog: pytest.LogCaptureFixture) -> None:
    sign_in(client)
    sent = token(client, "/admin/")
    # A deploy made sign_out a page action: its old tokens must not run
    # outside the page's guards.
    monkeypatch.setattr(app_wide.sign_out, "__server_action__", ActionOptions())
    with caplog.at_level(logging.INFO):
        response = post(client, RUN, sent)
    assert response.status_code == 303
    assert STORE == []
    assert (f"Stale action post to {RUN!r}: tests.security.app_wide:sign_out is no longer an"
            " action for every page") in caplog.messages


def test_the_app_url_is_no_page(client: FlaskClient) -> None:
    assert client.get(RUN).status_code == 404
    assert client.post(RUN, data={"name": "x"}).status_code == 405


def test_an_app_action_is_defined_at_module_level(app: Flask) -> None:
    app.testing = True

    @app.get("/inline")
    def inline() -> str:
        @server_action(scope="app")
        def act(form: object) -> None:
            pass

        return render_template_string("{{ action(act) }}", act=act)

    with pytest.raises(UnresolvableAction, match=r"scope=\"app\".*module level"):
        app.test_client().get("/inline")


def test_scope_is_page_or_app() -> None:
    with pytest.raises(ValueError, match="scope="):
        server_action(scope="site")  # type: ignore[call-overload]


def test_a_value_returned_goes_back_without_a_message(client: FlaskClient) -> None:
    response = Page.get(client, "/?banner=1").form("#dismiss").submit()
    assert (response.status_code, response.headers["Location"]) == (303, "/?banner=1")
    assert Page.get(client, "/").text(".flash") == ""
    assert STORE == [("dismissed",)]
