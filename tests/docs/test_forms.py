"""The samples of docs/forms.rst run as documented."""

from __future__ import annotations

import io
import types
import typing as t

import pytest
from werkzeug.test import TestResponse

from ..html import Page


def _page(response: TestResponse, url: str, client: t.Any) -> Page:
    return Page(client, url, response)


def test_wtforms_sample_saves_a_valid_form(sample: t.Callable[[str], types.ModuleType]) -> None:
    module = sample("forms.post")
    client = module.app.test_client()
    page = Page.get(client, "/posts/1")
    assert page.value("title") == "Hello"
    assert page.form().submit(title="Renamed", body="b").status_code == 303
    assert module.POSTS[1] == {"title": "Renamed", "body": "b"}


@pytest.mark.parametrize(("title", "error"), [
    ("", "This field is required."),
    ("Taken", "Another post has this title."),
])
def test_wtforms_sample_shows_errors_and_keeps_input(
        sample: t.Callable[[str], types.ModuleType], title: str, error: str) -> None:
    module = sample("forms.post")
    module.POSTS[2] = {"title": "Taken", "body": ""}
    client = module.app.test_client()
    response = Page.get(client, "/posts/1").form().submit(title=title, body="kept")
    assert response.status_code == 422
    page = _page(response, "/posts/1", client)
    assert page.text(".error") == error
    assert (page.value("title"), page.value("body")) == (title, "kept")


def test_state_sample_shows_the_returned_value_and_the_flash(
        sample: t.Callable[[str], types.ModuleType]) -> None:
    module = sample("forms.inbox")
    client = module.app.test_client()
    page = Page.get(client, "/inbox")
    redirected = page.form("form:nth-of-type(2)").submit(subject="Hi")
    assert Page.get(client, redirected.headers["Location"]).text(".flash") == "Added Hi."
    response = Page.get(client, "/inbox").form().submit()
    assert response.status_code == 200
    assert _page(response, "/inbox", client).text(".result") == "Archived 4 messages."


def test_plain_sample_refills_every_input(sample: t.Callable[[str], types.ModuleType]) -> None:
    module = sample("forms.profile")
    client = module.app.test_client()
    form = Page.get(client, "/profile").form()
    response = client.post("/profile", data={"__action": form.token(), "name": "",
                                             "languages": ["Rust", "Go"]},
                           headers={"Origin": "http://localhost"})
    assert response.status_code == 422
    page = _page(response, "/profile", client)
    assert page.text(".error") == "Please give your name."
    assert [o.get_text() for o in page.soup.select("option[selected]")] == ["Rust", "Go"]
    assert page.soup.select_one("input[name=newsletter][checked]") is None


def test_plain_sample_receives_files(sample: t.Callable[[str], types.ModuleType]) -> None:
    module = sample("forms.profile")
    client = module.app.test_client()
    form = Page.get(client, "/profile").form()
    response = form.submit(name="Ada", newsletter="on", files={
        "avatar": (io.BytesIO(b"a"), "me.png"),
        "photos": [(io.BytesIO(b"1"), "1.png"), (io.BytesIO(b"2"), "2.png")]})
    assert response.status_code == 303
    assert module.PROFILES == [{"name": "Ada", "languages": [], "newsletter": True,
                                "avatar": "me.png", "photos": ["1.png", "2.png"]}]


def test_plain_sample_refuses_a_body_over_its_limit(
        sample: t.Callable[[str], types.ModuleType]) -> None:
    module = sample("forms.profile")
    assert module.app.config["MAX_CONTENT_LENGTH"] == 8 * 1024 * 1024
    # A smaller limit keeps the test's body in memory (werkzeug's test client
    # spools bigger ones to a temporary file).
    module.app.config["MAX_CONTENT_LENGTH"] = 64 * 1024
    client = module.app.test_client()
    response = Page.get(client, "/profile").form().submit(
        name="Ada", files={"avatar": (io.BytesIO(b"x" * 100 * 1024), "big.png")})
    assert response.status_code == 413
    assert module.PROFILES == []


def test_flask_wtf_sample_works_under_csrfprotect(
        sample: t.Callable[[str], types.ModuleType]) -> None:
    module = sample("forms.flask_wtf_names")
    client = module.app.test_client()
    response = Page.get(client, "/names").form().submit(name="")
    assert response.status_code == 422
    again = _page(response, "/names", client)
    assert again.form().submit(name="Ada").status_code == 303
    assert module.NAMES == ["Ada"]


def test_choices_sample_validates_with_the_choices_of_the_page(
        sample: t.Callable[[str], types.ModuleType]) -> None:
    module = sample("forms.choices")
    client = module.app.test_client()
    form = Page.get(client, "/teams/1/tasks").form()
    assert form.submit(title="Plan", owner="grace").status_code == 303
    response = form.submit(title="Plan", owner="linus")  # of another team
    assert response.status_code == 422
    page = _page(response, "/teams/1/tasks", client)
    assert page.text(".error") == "Not a valid choice."
    assert page.value("title") == "Plan"
    assert module.TASKS == [(1, "Plan", "grace")]


def test_app_action_sample_signs_out_a_demoted_admin(
        sample: t.Callable[[str], types.ModuleType]) -> None:
    module = sample("forms.everywhere")
    client = module.app.test_client()
    with client.session_transaction() as session:
        session.update(user="ann", role="admin")
    form = Page.get(client, "/admin").form("#sign-out")
    with client.session_transaction() as session:
        session["role"] = "member"  # demoted while the page was open
    response = form.submit()
    assert (response.status_code, response.headers["Location"]) == (303, "/admin")
    with client.session_transaction() as session:
        assert "user" not in session


def test_app_action_sample_works_on_the_404_page(
        sample: t.Callable[[str], types.ModuleType]) -> None:
    module = sample("forms.everywhere")
    client = module.app.test_client()
    with client.session_transaction() as session:
        session["user"] = "ann"
    response = client.get("/missing")
    assert response.status_code == 404
    assert _page(response, "/missing", client).form("#sign-out").submit().status_code == 303
    assert "Signed out." in client.get("/missing").get_data(as_text=True)


def test_languages_sample_speaks_german_and_its_own_english(
        sample: t.Callable[[str], types.ModuleType], monkeypatch: pytest.MonkeyPatch) -> None:
    import time

    module = sample("forms.languages")
    client = module.app.test_client()
    forms = [Page.get(client, "/notes").form() for _ in range(2)]
    later = time.time() + module.app.config["SERVER_ACTIONS_MAX_AGE"] + 1
    monkeypatch.setattr(time, "time", lambda: later)
    english = forms[0].submit(text="hello", headers={"Accept-Language": "en"})
    assert "This form expired." in english.get_data(as_text=True)
    german = forms[1].submit(text="hallo", headers={"Accept-Language": "de-DE,de"})
    assert german.status_code == 422
    assert "Dieses Formular ist abgelaufen." in german.get_data(as_text=True)
    assert module.NOTES == []
    from flask_server_actions.errors import AlreadySubmitted
    from flask_server_actions.messages import translate

    with module.app.test_request_context(headers={"Accept-Language": "de"}):
        assert translate(AlreadySubmitted.notice) == "Got it already: no need to send it twice."


def test_signup_sample_validates_live_and_marks_errors(
        sample: t.Callable[[str], types.ModuleType]) -> None:
    module = sample("forms.signup")
    client = module.app.test_client()
    form = Page.get(client, "/signup").form()
    live = form.submit(headers={"Precognition": "true",
                                "Precognition-Validate-Only": "username"}, username="ada")
    assert live.status_code == 422
    assert live.get_json()["errors"] == {"username": ["This username is taken."]}
    assert module.USERS == {"ada"}
    page = _page(form.submit(username=""), "/signup", client)
    assert page.text("title") == "Error: Sign up"
    field = page.soup.select_one("input#username")
    assert field["aria-invalid"] == "true" and field.has_attr("data-action-live")
    assert page.text("#username-error") == "This field is required."
    assert page.soup.select_one(".action-error-summary a")["href"] == "#username"
    assert form.submit(username="grace").status_code == 303
    assert module.USERS == {"ada", "grace"}


def test_choices_sample_validates_live_with_its_setup(
        sample: t.Callable[[str], types.ModuleType]) -> None:
    module = sample("forms.choices")
    client = module.app.test_client()
    form = Page.get(client, "/teams/1/tasks").form()
    live = {"Precognition": "true"}
    assert form.submit(title="Plan", owner="grace", headers=live).status_code == 204
    response = form.submit(title="Plan", owner="linus", headers=live)  # of another team
    assert response.status_code == 422
    assert response.get_json()["errors"] == {"owner": ["Not a valid choice."]}
    assert module.TASKS == []
