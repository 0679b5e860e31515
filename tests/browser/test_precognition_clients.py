"""Laravel's own Precognition clients, from the npm registry, in Chromium:
the core ``client`` and ``createValidator`` (``laravel-precognition`` 2) and
the Vue flavour's ``useForm`` (``laravel-precognition-vue`` 1), with their
default settings, against a form with a required title and one with a
required PDF. ``scripts/fetch-precognition`` fetches and bundles them into
``.artifacts/precognition/`` (run here, as ``scripts/setup-env`` runs it)."""

from __future__ import annotations

import shutil
import subprocess
import threading
import typing as t

import pytest
from flask import Flask
from flask import send_from_directory
from werkzeug.serving import make_server

from ..forms.clients_app import create_app
from ..store import STORE
from .conftest import ROOT

if t.TYPE_CHECKING:
    from playwright.sync_api import Browser
    from playwright.sync_api import Page

BUNDLES = ROOT / ".artifacts" / "precognition"
REQUIRED = "This field is required."
TOO_LONG = "Field cannot be longer than 20 characters."
NOT_PDF = "File does not have an approved extension: pdf"

# What the tests call in the page: each function returns what the client
# reported, once its request finished.
HARNESS = """
<script src="/precognition/core.js"></script>
<script src="/precognition/vue.js"></script>
<script>
const tokenOf = (selector) => document.querySelector(`${selector} input[name="__action"]`).value;
const rejections = [];
window.addEventListener('unhandledrejection', (event) => {
  event.preventDefault();
  rejections.push({status: event.reason?.response?.status ?? null,
                   message: String(event.reason?.message ?? event.reason)});
});
const fileOf = (file) => new File([file.content], file.name, {type: file.type});
// What the client reports once the validation it sends next has finished
// (rejections are reported just after); "timedOut" if none finishes.
const afterValidation = (validator, report) => new Promise((resolve) => {
  const timer = setTimeout(() => resolve({timedOut: true}), 5000);
  validator.on('validatingChanged', () => {
    if (!validator.validating()) {
      clearTimeout(timer);
      setTimeout(() => resolve(report()), 100);
    }
  });
});

// createValidator, as the core's docs show it: validate one field.
window.validateWith = (selector, data, name, {file = null, validateFiles = false} = {}) => {
  const sent = {__action: tokenOf(selector), ...data};
  if (file) sent.attachment = fileOf(file);
  const validator = LaravelPrecognition.createValidator(
    (client) => client.post(location.pathname, sent));
  if (validateFiles) validator.validateFiles();
  const reported = afterValidation(validator, () => ({
    errors: validator.errors(), valid: validator.valid(), rejections}));
  validator.validate(name, sent[name]);
  return reported;
};

// The core client's post: a validate request, or with {precognitive: false} a submit.
window.postWith = async (selector, data, config = {}, file = null) => {
  const sent = {__action: tokenOf(selector), ...data};
  if (file) sent.attachment = fileOf(file);
  try {
    const response = await LaravelPrecognition.client.post(location.pathname, sent, config);
    return {status: response.status, headers: response.headers,
            page: typeof response.data === 'string' && response.data.includes('<title>Write')};
  } catch (error) {
    return {failed: true, status: error.response?.status ?? null,
            data: error.response?.data ?? null, message: String(error.message)};
  }
};

// The Vue flavour's useForm.
window.useFormOf = (selector, data) => {
  window.form = LaravelPrecognitionVue.useForm(
    'post', location.pathname, {__action: tokenOf(selector), ...data});
};
window.validateField = (name, value) => {
  // A second validation within the debounce time (1.5 s) is sent at its end.
  const reported = afterValidation(form.validator(), () => ({
    errors: {...form.errors}, valid: form.valid(name), invalid: form.invalid(name),
    rejections}));
  form[name] = value;
  form.validate(name);
  return reported;
};
window.submitForm = async () => {
  try {
    const response = await form.submit();
    return {status: response.status, errors: {...form.errors}};
  } catch (error) {
    return {failed: true, status: error.response?.status ?? null, errors: {...form.errors},
            hasErrors: form.hasErrors};
  }
};
</script>
"""


@pytest.fixture(scope="module")
def bundles() -> None:
    """The clients, fetched from the npm registry and bundled (once)."""
    if not shutil.which("npm"):
        pytest.fail("npm is missing: install Node.js (Debian's nodejs and npm), then run"
                    " `bash scripts/fetch-precognition`.", pytrace=False)
    subprocess.run(["bash", str(ROOT / "scripts" / "fetch-precognition")], check=True)


@pytest.fixture(scope="module")
def served(bundles: None) -> t.Iterator[tuple[Flask, str]]:
    app = create_app(scripts=HARNESS)

    @app.get("/precognition/<name>")
    def bundle(name: str) -> t.Any:
        return send_from_directory(BUNDLES, name)

    http = make_server("127.0.0.1", 0, app, threaded=True)
    threading.Thread(target=http.serve_forever, daemon=True).start()
    try:
        yield app, f"http://127.0.0.1:{http.server_port}"
    finally:
        http.shutdown()


@pytest.fixture
def page(browser: Browser, served: tuple[Flask, str]) -> t.Iterator[Page]:
    """The form page, loaded in a fresh context, with the clients."""
    app, url = served
    context = browser.new_context()
    page = context.new_page()
    page.set_default_timeout(10_000)
    page.goto(url + "/write")
    STORE.clear()
    max_age = app.config["SERVER_ACTIONS_MAX_AGE"]
    try:
        yield page
    finally:
        context.close()
        app.config["SERVER_ACTIONS_MAX_AGE"] = max_age


@pytest.fixture
def expire(served: tuple[Flask, str]) -> t.Callable[[], None]:
    """Make every token of the pages already shown expired."""
    def expire() -> None:
        served[0].config["SERVER_ACTIONS_MAX_AGE"] = -1000

    return expire


def call(page: Page, function: str, *args: object) -> t.Any:
    return page.evaluate(f"([args]) => {function}(...args)", [list(args)])


PDF = {"content": "%PDF-1.4 a letter", "name": "letter.pdf", "type": "application/pdf"}
TEXT = {"content": "a letter", "name": "letter.txt", "type": "text/plain"}


# The core client and createValidator.

def test_client_validate_request_of_a_valid_form_succeeds(page: Page) -> None:
    answer = call(page, "postWith", "#note", {"title": "Hello"}, {"validate": ["title"]})
    assert answer["status"] == 204
    assert answer["headers"]["precognition-success"] == "true"
    assert STORE == []


def test_create_validator_reports_a_valid_field(page: Page) -> None:
    report = call(page, "validateWith", "#note", {"title": "Hello"}, "title")
    assert report == {"errors": {}, "valid": ["title"], "rejections": []}


def test_create_validator_reports_an_invalid_field(page: Page) -> None:
    report = call(page, "validateWith", "#note", {"title": "x" * 21}, "title")
    assert report == {"errors": {"title": [TOO_LONG]}, "valid": [], "rejections": []}


def test_create_validator_reports_only_the_field_it_validates(page: Page) -> None:
    # The title is invalid too, but only the tags were touched.
    report = call(page, "validateWith", "#note", {"title": "", "tags": ["cats"]}, "tags")
    assert list(report["errors"]) == ["tags"]
    assert report["valid"] == []


def test_a_file_is_left_out_of_a_validate_request_unless_asked(page: Page) -> None:
    # The PDF is required and this one is not a PDF: left out, it is not validated.
    report = call(page, "validateWith", "#post", {"title": "Hello"}, "title", {"file": TEXT})
    assert report == {"errors": {}, "valid": ["title"], "rejections": []}


@pytest.mark.parametrize(("file", "errors"), [(TEXT, {"attachment": [NOT_PDF]}), (PDF, {})])
def test_validate_files_sends_and_validates_the_file(
        page: Page, file: dict[str, str], errors: dict[str, list[str]]) -> None:
    report = call(page, "validateWith", "#post", {"title": "Hello"}, "attachment",
                  {"file": file, "validateFiles": True})
    assert report["errors"] == errors
    assert report["valid"] == ([] if errors else ["attachment"])


def test_create_validator_reports_an_expired_page_as_a_failure(
        page: Page, expire: t.Callable[[], None]) -> None:
    expire()
    report = call(page, "validateWith", "#note", {"title": "Hello"}, "title")
    assert report["valid"] == []  # never "valid"
    assert [rejection["status"] for rejection in report["rejections"]] == [419]
    answer = call(page, "postWith", "#note", {"title": "Hello"})
    assert answer["failed"] and answer["status"] == 419
    assert answer["data"]["message"]


def test_client_submit_runs_the_action_and_follows_its_redirect(page: Page) -> None:
    answer = call(page, "postWith", "#note", {"title": "Hello", "tags": ["news"],
                                              "draft": True}, {"precognitive": False})
    assert answer["status"] == 200 and answer["page"]
    assert STORE == [("note", "Hello", ["news"], True, None)]


def test_client_submit_with_a_file_runs_the_action(page: Page) -> None:
    answer = call(page, "postWith", "#post", {"title": "Hello"}, {"precognitive": False}, PDF)
    assert answer["status"] == 200
    assert STORE == [("publish", "Hello", "letter.pdf", PDF["content"].encode())]


def test_client_failed_submit_answers_its_errors(page: Page) -> None:
    answer = call(page, "postWith", "#post", {"title": ""}, {"precognitive": False})
    assert answer["failed"] and answer["status"] == 422
    assert answer["data"]["errors"] == {"title": [REQUIRED], "attachment": [REQUIRED]}
    assert STORE == []


# The Vue flavour's useForm.

def test_use_form_validates_a_field(page: Page) -> None:
    call(page, "useFormOf", "#note", {"title": ""})
    report = call(page, "validateField", "title", "x" * 21)
    assert report["errors"] == {"title": TOO_LONG} and report["invalid"]
    report = call(page, "validateField", "title", "Hello")
    assert report["errors"] == {} and report["valid"]


def test_use_form_reports_an_expired_page_as_a_failure(
        page: Page, expire: t.Callable[[], None]) -> None:
    call(page, "useFormOf", "#note", {"title": ""})
    expire()
    report = call(page, "validateField", "title", "Hello")
    assert not report["valid"]
    assert [rejection["status"] for rejection in report["rejections"]] == [419]


def test_use_form_submit_runs_the_action(page: Page) -> None:
    call(page, "useFormOf", "#note", {"title": "Hello"})
    answer = call(page, "submitForm")
    assert answer == {"status": 200, "errors": {}}
    assert STORE == [("note", "Hello", [], False, None)]


def test_use_form_failed_submit_shows_the_errors(page: Page) -> None:
    call(page, "useFormOf", "#note", {"title": "x" * 21})
    answer = call(page, "submitForm")
    assert answer == {"failed": True, "status": 422, "errors": {"title": TOO_LONG},
                      "hasErrors": True}
    assert STORE == []
