"""The code samples of the docs (docs/examples/) run as documented."""

from __future__ import annotations

import importlib
import pathlib
import sys
import types
import typing as t

import pytest
from flask.testing import FlaskClient

from .html import Page

EXAMPLES = pathlib.Path(__file__).parent.parent / "docs" / "examples"
Load = t.Callable[[str], types.ModuleType]


@pytest.fixture
def load(monkeypatch: pytest.MonkeyPatch) -> t.Iterator[Load]:
    """Import a sample by its module name, fresh for each test, as the docs
    run it: ``docs/examples`` on ``sys.path``."""
    monkeypatch.syspath_prepend(str(EXAMPLES))

    def forget() -> None:
        for name, module in list(sys.modules.items()):
            if pathlib.Path(getattr(module, "__file__", None) or "/").parent == EXAMPLES:
                del sys.modules[name]

    forget()
    yield importlib.import_module
    forget()


@pytest.fixture
def quickstart(load: Load) -> types.ModuleType:
    return load("quickstart")


@pytest.fixture
def client(quickstart: types.ModuleType) -> FlaskClient:
    return t.cast(FlaskClient, quickstart.app.test_client())


def sign_in(client: FlaskClient, user: str) -> None:
    with client.session_transaction() as session:
        session["user"] = user


def test_quickstart_create_user_adds_the_user(
        client: FlaskClient, load: Load) -> None:
    response = Page.get(client, "/").form().submit(name="linus")
    assert response.status_code == 303 and response.location == "/"
    assert load("quickstart_actions").USERS == ["ada", "grace", "linus"]


def test_quickstart_create_user_without_a_name_keeps_the_page(
        client: FlaskClient, load: Load) -> None:
    response = Page.get(client, "/").form().submit(name="")
    assert response.status_code == 422
    assert Page(client, "/", response).text(".action-notice") == "Enter a name."
    assert load("quickstart_actions").USERS == ["ada", "grace"]


def test_quickstart_fetch_users_shows_the_result(client: FlaskClient) -> None:
    response = Page.get(client, "/").form().submit("button:nth-of-type(2)")
    assert Page(client, "/", response).text("#fetched") == "ada, grace"


def test_quickstart_remove_user_gets_its_bound_name(
        client: FlaskClient, load: Load) -> None:
    Page.get(client, "/").form().submit("li:first-child button")
    assert load("quickstart_actions").USERS == ["grace"]


@pytest.mark.parametrize(("user", "status", "title"), [
    ("ada", 303, "Hi"),
    ("grace", 403, "Hello"),
])
def test_quickstart_update_post_checks_the_author(
        client: FlaskClient, quickstart: types.ModuleType, user: str, status: int,
        title: str) -> None:
    sign_in(client, user)
    assert Page.get(client, "/posts/1").form().submit(title="Hi").status_code == status
    assert quickstart.POSTS[1]["title"] == title


def test_quickstart_delete_post_leaves_for_the_index(
        client: FlaskClient, quickstart: types.ModuleType) -> None:
    sign_in(client, "ada")
    response = Page.get(client, "/posts/1").form().submit("button:nth-of-type(2)")
    assert response.status_code == 303 and response.location == "/"
    assert quickstart.POSTS == {}


def instance(load: Load, monkeypatch: pytest.MonkeyPatch, key: str,
             old: str = "") -> FlaskClient:
    monkeypatch.setenv("APP_SECRET_KEY", key)
    monkeypatch.setenv("APP_OLD_SECRET_KEYS", old)
    return t.cast(FlaskClient, load("deployment").create_app().test_client())


def submit_elsewhere(page: Page, other: FlaskClient, text: str) -> int:
    """Post a form rendered by one instance to another, with the cookies."""
    cookie = page.client.get_cookie("session")
    assert cookie is not None
    other.set_cookie("session", cookie.value)
    page.client = other
    return page.form().submit(text=text).status_code


@pytest.mark.parametrize(("key", "old", "status"), [
    ("k1", "", 303),        # another worker or instance with the same key
    ("k2", "x,k1", 303),    # after rotation, the old key among the fallbacks
    ("k2", "", 422),        # the old key retired: the form comes back, input kept
])
def test_deployment_instances_share_tokens_through_the_secret(
        load: Load, monkeypatch: pytest.MonkeyPatch, key: str, old: str,
        status: int) -> None:
    page = Page.get(instance(load, monkeypatch, "k1"), "/notes")
    other = instance(load, monkeypatch, key, old)
    assert submit_elsewhere(page, other, "hello") == status
    assert load("deployment_views").NOTES == (["hello"] if status == 303 else [])


@pytest.mark.parametrize("sample", ["comparison_route", "comparison_action"])
@pytest.mark.parametrize(("title", "status", "saved"), [
    ("Hi", 303, "Hi"),
    ("", 422, "Hello"),
])
def test_comparison_samples_behave_alike(
        load: Load, sample: str, title: str, status: int, saved: str) -> None:
    module = load(sample)
    client = module.app.test_client()
    response = Page.get(client, "/posts/1").form().submit(title=title)
    assert response.status_code == status
    assert module.POSTS[1] == saved
    if status == 303:
        assert response.location == "/posts/1"


def test_every_python_sample_is_loaded_by_a_test() -> None:
    tested = pathlib.Path(__file__).read_text() + (
        pathlib.Path(__file__).parent / "security" / "test_docs_examples.py").read_text()
    samples = sorted(path.stem for path in EXAMPLES.glob("*.py"))
    assert samples and [name for name in samples if f'"{name}"' not in tested] == []
