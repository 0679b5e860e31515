"""Every message the library shows a user goes through one catalog: the
app's own wording, else the library's translations in the locale
Flask-Babel selects, else English."""

from __future__ import annotations

import importlib
import io
import pkgutil
import re
import time
import typing as t

import pytest
from babel.messages.extract import extract_from_dir
from babel.messages.mofile import read_mo
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from flask import Flask
from flask.testing import FlaskClient
from markupsafe import Markup

import flask_server_actions
from flask_server_actions import errors
from flask_server_actions import forms
from flask_server_actions.messages import MESSAGES
from flask_server_actions.messages import TRANSLATIONS
from flask_server_actions.messages import translate
from flask_server_actions.page import accessible
from flask_server_actions.page import notices

from ..html import ORIGIN
from ..html import Page
from ..store import STORE
from . import messages_app

LOCALES = ["de", "fr", "es"]


def _import_every_module() -> None:
    for module in pkgutil.iter_modules(flask_server_actions.__path__):
        importlib.import_module(f"flask_server_actions.{module.name}")


def _catalog(locale: str, kind: str) -> dict[str, str]:
    path = f"{TRANSLATIONS}/{locale}/LC_MESSAGES/flask_server_actions.{kind}"
    with open(path, "rb") as file:
        catalog = read_po(file) if kind == "po" else read_mo(file)
    return {str(message.id): str(message.string) for message in catalog if message.id}


def test_pybabel_extract_finds_every_message_and_nothing_else() -> None:
    _import_every_module()
    found = {message for _, _, message, _, _ in extract_from_dir(
        flask_server_actions.__path__[0], keywords={"N_": None})}
    assert found == set(MESSAGES)


@pytest.mark.parametrize("locale", LOCALES)
def test_every_message_is_translated_keeping_its_values(locale: str) -> None:
    _import_every_module()
    catalog = _catalog(locale, "po")
    for message in MESSAGES:
        assert catalog.get(message), f"{locale}: no translation of {message!r}"
        assert re.findall(r"%\(\w+\)s", catalog[message]) == re.findall(r"%\(\w+\)s", message)
    assert set(catalog) == set(MESSAGES)  # nothing stale in the catalog


@pytest.mark.parametrize("locale", LOCALES)
def test_the_compiled_catalog_is_its_po(locale: str) -> None:
    path = f"{TRANSLATIONS}/{locale}/LC_MESSAGES/flask_server_actions.po"
    with open(path, "rb") as file:
        compiled = io.BytesIO()
        write_mo(compiled, read_po(file))
    assert _catalog(locale, "mo") == _catalog(locale, "po")
    with open(path[:-2] + "mo", "rb") as file:
        assert file.read() == compiled.getvalue(), "run `bash scripts/translations compile`"


def _shown_strings() -> list[str]:
    """Every text of the library a user can read: error descriptions and
    notices, the forms' notices and the notice region's messages."""
    shown = [value for cls in vars(errors).values() if isinstance(cls, type)
             and issubclass(cls, errors.ServerActionError)
             for name in ("notice", "description", "called_wrongly")
             if isinstance(value := cls.__dict__.get(name), str)]
    return [*shown, forms.INVALID_NOTICE, forms.BROKEN_NOTICE, *notices.MESSAGES.values(),
            notices.SERVER_ERROR, notices.OTHER_ERROR, accessible.SUMMARY_HEADING,
            accessible.TITLE_PREFIX, accessible.KEEP_FILE]


def test_every_text_a_user_reads_is_a_message_of_the_catalog() -> None:
    _import_every_module()
    assert set(_shown_strings()) <= set(MESSAGES)


@pytest.fixture
def app() -> Flask:
    return messages_app.create_app()


def _expired_page(client: FlaskClient, monkeypatch: pytest.MonkeyPatch, language: str,
                  url: str = "/plain") -> str:
    form = Page.get(client, url).form("#form")
    later = time.time() + client.application.config["SERVER_ACTIONS_MAX_AGE"] + 1
    monkeypatch.setattr(time, "time", lambda: later)
    response = form.submit(title="getippt", headers={"Accept-Language": language})
    assert response.status_code == 422
    return response.get_data(as_text=True)


@pytest.mark.parametrize("language", LOCALES)
def test_an_expired_form_speaks_the_users_language_and_no_english(
        client: FlaskClient, monkeypatch: pytest.MonkeyPatch, language: str) -> None:
    _import_every_module()
    page = _expired_page(client, monkeypatch, language)
    catalog = _catalog(language, "po")
    assert catalog[errors.ExpiredToken.notice] in page.replace("&#39;", "'")
    # (a message the same in both languages, Spanish "Error: ", is not English left over)
    assert not [message for message in MESSAGES if message in page and catalog[message] != message]
    assert 'value="getippt"' in page  # the input is kept, in any language


def test_english_is_the_default(client: FlaskClient, monkeypatch: pytest.MonkeyPatch) -> None:
    assert errors.ExpiredToken.notice in _expired_page(client, monkeypatch, "en")


def test_the_apps_own_wording_wins_over_the_catalog(
        monkeypatch: pytest.MonkeyPatch) -> None:
    app = messages_app.create_app(SERVER_ACTIONS_MESSAGES={
        errors.ExpiredToken.notice: "Zu spät! Noch einmal, bitte."})
    page = _expired_page(app.test_client(), monkeypatch, "de")
    assert "Zu spät! Noch einmal, bitte." in page


def test_an_app_without_flask_babel_shows_english_or_its_own_wording() -> None:
    app = Flask(__name__)
    app.config["SERVER_ACTIONS_MESSAGES"] = {forms.INVALID_NOTICE: "Fix it."}
    with app.app_context():
        assert translate(forms.INVALID_NOTICE) == "Fix it."
        assert translate(errors.ExpiredToken.notice) == errors.ExpiredToken.notice
        assert translate(errors.RateLimited.notice,
                         **errors.RateLimited(retry_after=5).notice_values).endswith(
                             "in 5 seconds.")
    assert translate(notices.OTHER_ERROR, status=418) == "This could not be done (418)."


def test_a_refused_post_and_a_refused_call_speak_german(client: FlaskClient) -> None:
    Page.get(client, "/plain")
    german = {"Origin": ORIGIN, "Accept-Language": "de"}
    page = client.post("/plain", data={"__action": "A" * 60}, headers=german)
    assert page.status_code == 400
    assert _catalog("de", "po")[errors.BadActionToken.description] in page.get_data(
        as_text=True)
    call = client.post("/plain", json=[], headers={**german, "X-Server-Action": "A" * 60})
    assert call.status_code == 400
    assert call.json == {"error": _catalog("de", "po")[errors.BadActionToken.description]}


def test_a_rate_limit_says_when_to_try_again_in_german(client: FlaskClient) -> None:
    page = Page.get(client, "/limited")
    german = {"Accept-Language": "de"}
    assert page.form("#form").submit(title="one", headers=german).status_code == 303
    refused = Page.get(client, "/limited").form("#form").submit(title="two", headers=german)
    assert refused.status_code == 429
    text = refused.get_data(as_text=True)
    assert refused.headers["Retry-After"] in ("59", "60")
    assert "Zu viele Versuche: bitte versuchen Sie es in 1 Minute erneut." in text
    assert STORE == [("limited", "one")]


@pytest.mark.parametrize(("seconds", "english", "translated"), [
    (1, "1 second", {"de": "1 Sekunde", "fr": "1 seconde", "es": "1 segundo"}),
    (45, "45 seconds", {"de": "45 Sekunden", "fr": "45 secondes", "es": "45 segundos"}),
    (60, "1 minute", {"de": "1 Minute", "fr": "1 minute", "es": "1 minuto"}),
    (61, "2 minutes", {"de": "2 Minuten", "fr": "2 minutes", "es": "2 minutos"}),
    (600, "10 minutes", {"de": "10 Minuten", "fr": "10 minutes", "es": "10 minutos"}),
    (3600, "1 hour", {"de": "1 Stunde", "fr": "1 heure", "es": "1 hora"}),
    (5400, "2 hours", {"de": "2 Stunden", "fr": "2 heures", "es": "2 horas"}),
    (86400, "1 day", {"de": "1 Tag", "fr": "1 jour", "es": "1 día"}),
    (3 * 86400, "3 days", {"de": "3 Tagen", "fr": "3 jours", "es": "3 días"}),
])
def test_a_rate_limit_says_the_wait_in_words_a_person_reads(
        app: Flask, seconds: int, english: str, translated: dict[str, str]) -> None:
    """Rounded up: the user is never told to come back too early."""
    error = errors.RateLimited(retry_after=seconds)
    with app.test_request_context():
        assert translate(error.notice, **error.notice_values) == (
            f"Too many attempts: please try again in {english}.")
    for locale, words in translated.items():
        with app.test_request_context(headers={"Accept-Language": locale}):
            shown = translate(error.notice, **error.notice_values)
        assert words in shown and shown == _catalog(locale, "po")[error.notice] % {
            "wait": words, "seconds": seconds}


def test_the_forms_the_library_builds_keep_the_apps_wtforms_translations(
        client: FlaskClient) -> None:
    page = Page.get(client, "/validated").form("#form")
    response = page.submit(title="", headers={"Accept-Language": "de"})
    assert response.status_code == 422
    text = response.get_data(as_text=True)
    assert "Dieses Feld wird benötigt." in text  # WTForms' own German, through Flask-WTF
    assert _catalog("de", "po")[forms.INVALID_NOTICE] in text


def _values(message: str) -> list[str]:
    return re.findall(r"%\(\w+\)s", message)


@pytest.mark.parametrize("error", [errors.CallTooLarge(1024),
                                   errors.BadActionArguments("too many"),
                                   errors.RowNotFound("Task", [7])])
def test_a_message_with_values_is_formatted_after_it_is_translated(
        app: Flask, error: errors.ServerActionError) -> None:
    with app.test_request_context(headers={"Accept-Language": "fr"}):
        shown = error.user_message()
    description = t.cast(str, error.description)
    assert shown == _catalog("fr", "po")[description] % dict(error.message_values)
    assert not _values(shown)


def test_live_validation_and_the_error_summary_speak_german(client: FlaskClient) -> None:
    _import_every_module()
    form = Page.get(client, "/validated").form("#form")
    german = {"Accept-Language": "de"}
    live = form.submit(title="", headers={**german, "Precognition": "true"})
    assert live.status_code == 422
    catalog = _catalog("de", "po")
    assert live.json == {"message": catalog[forms.INVALID_NOTICE],
                         "errors": {"title": ["Dieses Feld wird benötigt."]}}
    page = form.submit(title="", headers=german).get_data(as_text=True)
    assert catalog[accessible.SUMMARY_HEADING] in page
    assert not [message for message in MESSAGES if message in page]


@pytest.mark.parametrize(("language", "title"), [("de", "Fehler: Page"), ("fr", "Erreur : Page"),
                                                 ("en", "Error: Page")])
def test_a_failed_pages_title_is_in_the_users_language(
        client: FlaskClient, language: str, title: str) -> None:
    form = Page.get(client, "/validated").form("#form")
    page = Page(client, "/validated",
                form.submit(title="", headers={"Accept-Language": language}))
    assert page.text("title") == title


def test_the_title_prefix_setting_still_wins_in_every_language() -> None:
    client = messages_app.create_app(SERVER_ACTIONS_ERROR_TITLE_PREFIX="Oops – ").test_client()
    form = Page.get(client, "/validated").form("#form")
    page = Page(client, "/validated", form.submit(title="", headers={"Accept-Language": "de"}))
    assert page.text("title") == "Oops – Page"


@pytest.mark.parametrize(("language", "label"), [("de", "folien.pdf behalten"),
                                                 ("fr", "Conserver folien.pdf"),
                                                 ("en", "Keep folien.pdf")])
def test_a_kept_files_label_is_in_the_users_language(
        app: Flask, language: str, label: str) -> None:
    from flask_server_actions.post.uploads import KeptFile

    kept = KeptFile(id="0" * 32, field="attachment", filename="folien.pdf", content_type="application/pdf",
                    size=3, issued_at=0, reference="ref")
    with app.test_request_context(headers={"Accept-Language": language}):
        html = str(Markup(kept.__html__()))
    assert re.sub(r"<[^>]+>", "", html).strip() == label
    assert "<span>folien.pdf</span>" in html
