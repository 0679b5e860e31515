"""The docs' code samples run here, so the docs cannot rot.

The pattern, for every page that shows code:

1. Put the code in real files under ``docs/examples/<page>/`` (a package:
   Python modules, plus ``templates/`` for Jinja). ``docs`` and
   ``docs/examples`` are packages, so a sample imports as
   ``docs.examples.<page>.app``.
2. Show it in the page with ``literalinclude`` (``:pyobject:`` or
   ``:lines:`` to show a part), or, where the source of the page should
   show it too (each page opens with its main recipe, readable on a code
   host or in an editor), with a ``code-block`` whose ``:caption:`` names
   the sample file and whose text is an excerpt of it, line for line
   (:func:`test_code_blocks_are_excerpts_of_their_samples`). Any other
   ``code-block:: python`` or ``html+jinja`` fails
   :func:`test_docs_show_code_only_from_sample_files`, and an unused file
   fails :func:`test_every_sample_file_is_shown`.
3. Drive the sample here through the test client with ``tests/html.py``
   (``Page.get(client, url).form(...).submit(...)``) and assert its effect.

README.md's code blocks must be excerpts of sample files
(:func:`test_readme_code_comes_from_the_samples`).
"""

from __future__ import annotations

import ast
import builtins
import copy
import datetime as dt
import decimal
import re
import textwrap
import types
import typing as t
import uuid
from pathlib import Path

import pytest
from bs4 import BeautifulSoup
from flask import Flask
from flask.testing import FlaskClient

from docs.examples.deployment import prefix
from docs.examples.quickstart import db as quickstart_db
from docs.examples.quickstart.app import app as quickstart_app
from flask_server_actions.errors import UnserializableValue

from ..databases import close_databases
from ..html import Page

ROOT = Path(__file__).resolve().parents[2]
DOCS = ROOT / "docs"
SAMPLES = DOCS / "examples"
# Languages that only illustrate (other frameworks, shells); Python and Jinja
# must come from sample files.
ILLUSTRATION = {"console", "sh", "text", "javascript", "jsx", "tsx", "ini", "nginx", "none"}


def rst_pages() -> list[Path]:
    return sorted(DOCS.glob("*.rst"))


_CODE_BLOCK = re.compile(
    r"^(?P<indent>[ ]*)\.\. (?:code-block|code|sourcecode)::[ ]*(?P<language>\S*)\n"
    r"(?P<options>(?:(?P=indent)[ ]+:[\w-]+:.*\n)*)"
    r"(?P<body>(?:[ ]*\n|(?P=indent)[ ]+.*\n)*)", re.M)
_CAPTION = re.compile(r":caption:[ ]*(\S+)")


def code_blocks(page: Path) -> list[tuple[str, str | None, str]]:
    """``(language, captioned sample file or None, dedented text)`` of each
    code-block of ``page``."""
    found = []
    for block in _CODE_BLOCK.finditer(page.read_text()):
        caption = _CAPTION.search(block["options"])
        found.append((block["language"], caption[1] if caption else None,
                      textwrap.dedent(block["body"]).strip("\n")))
    return found


def test_docs_show_code_only_from_sample_files() -> None:
    found = [(page.name, language) for page in rst_pages()
             for language, sample, _ in code_blocks(page)
             if language not in ILLUSTRATION and sample is None]
    assert found == [], (
        "Show Python and Jinja with literalinclude of a file under docs/examples/"
        " that tests/docs/ runs, or a code-block whose :caption: names that file")


def _is_excerpt(text: str, sample: str) -> bool:
    """Whether ``text`` is consecutive lines of ``sample`` (dedented alike)."""
    wanted, lines = text.splitlines(), sample.splitlines()
    return any(textwrap.dedent("\n".join(lines[start:start + len(wanted)])) == text
               for start in range(len(lines) - len(wanted) + 1))


def test_code_blocks_are_excerpts_of_their_samples() -> None:
    blocks = [(page.name, sample, text) for page in rst_pages()
              for _, sample, text in code_blocks(page) if sample is not None]
    assert len(blocks) >= 9  # the opening recipes at least
    for page, sample, text in blocks:
        assert sample.startswith("docs/examples/"), (page, sample)
        assert _is_excerpt(text, (ROOT / sample).read_text()), (
            f"{page}: a code-block captioned {sample} is not an excerpt of it")


#: The pages that open with their main recipe in a code-block (before their
#: first section), and the sample it comes from.
OPENINGS = {
    "index.rst": "docs/examples/quickstart/app.py",
    "quickstart.rst": "docs/examples/quickstart/app.py",
    "values.rst": "docs/examples/values/app.py",
    "forms.rst": "docs/examples/forms/post.py",
    "integrations.rst": "docs/examples/integrations/app.py",
    "testing.rst": "docs/examples/testing/test_tasks.py",
    "deployment.rst": "docs/examples/deployment/settings.py",
    "security.rst": "docs/examples/security_checks.py",
    "configuration.rst": "docs/examples/deployment/settings.py",
}


@pytest.mark.parametrize(("name", "sample"), OPENINGS.items())
def test_each_page_opens_with_its_recipe_in_its_source(name: str, sample: str) -> None:
    text = (DOCS / name).read_text()
    first_section = re.search(r"\n[^\n]+\n(-{3,}|~{3,})\n", text)
    opening = text[:first_section.start()] if first_section else text
    assert f":caption: {sample}" in opening


def test_every_sample_file_is_shown() -> None:
    included = {(DOCS / name).resolve() for page in rst_pages()
                for name in re.findall(r"\.\. literalinclude::\s*(\S+)", page.read_text())}
    included |= {(ROOT / sample).resolve() for page in rst_pages()
                 for _, sample, _ in code_blocks(page) if sample is not None}
    samples = {path.resolve() for path in SAMPLES.rglob("*")
               if path.is_file() and path.suffix in {".py", ".html"}
               and path.name != "__init__.py" and "__pycache__" not in path.parts}
    assert sorted(map(str, samples - included)) == []


def test_readme_code_comes_from_the_samples() -> None:
    readme = (ROOT / "README.md").read_text()
    blocks = re.findall(r"```(\w[\w+-]*)\n(.*?)```", readme, re.S)
    sources = "\n".join(path.read_text() for path in SAMPLES.rglob("*")
                        if path.is_file() and path.suffix in {".py", ".html"})
    code = [body for language, body in blocks if language not in ILLUSTRATION]
    assert code, "README.md shows no code"
    for body in code:
        for line in textwrap.dedent(body).splitlines():
            assert line.strip() in sources, f"README line not in docs/examples: {line!r}"


def test_readme_python_defines_every_name_it_uses() -> None:
    # Read top to bottom, as a new user copies them: every name the README's
    # Python uses is a builtin or defined or imported in one of its blocks.
    readme = (ROOT / "README.md").read_text()
    trees = [ast.parse(textwrap.dedent(body))
             for body in re.findall(r"```python\n(.*?)```", readme, re.S)]
    nodes = [node for tree in trees for node in ast.walk(tree)]
    bound = {alias.asname or alias.name.partition(".")[0] for node in nodes
             if isinstance(node, ast.Import | ast.ImportFrom) for alias in node.names}
    bound |= {node.name for node in nodes if isinstance(node, ast.FunctionDef | ast.ClassDef)}
    bound |= {node.arg for node in nodes if isinstance(node, ast.arg)}
    bound |= {node.id for node in nodes
              if isinstance(node, ast.Name) and isinstance(node.ctx, ast.Store)}
    used = {node.id for node in nodes
            if isinstance(node, ast.Name) and isinstance(node.ctx, ast.Load)}
    assert sorted(used - bound - set(dir(builtins))) == []


# quickstart.rst and index.rst


@pytest.fixture
def quickstart() -> t.Iterator[FlaskClient]:
    users, posts = copy.deepcopy((quickstart_db.USERS, quickstart_db.POSTS))
    yield quickstart_app.test_client()
    quickstart_db.USERS[:] = users
    quickstart_db.POSTS.clear()
    quickstart_db.POSTS.update(posts)


def sign_in(client: FlaskClient, name: str) -> None:
    with client.session_transaction() as session:
        session["user"] = name


def test_quickstart_inline_action_updates_the_post(quickstart: FlaskClient) -> None:
    sign_in(quickstart, "ada")
    response = Page.get(quickstart, "/posts/1").form().submit(title="Hello, actions")
    assert (response.status_code, response.headers["Location"]) == (303, "/posts/1")
    assert Page.get(quickstart, "/posts/1").text("h1") == "Hello, actions"


@pytest.mark.parametrize("user", [None, "grace"])
def test_quickstart_actions_refuse_other_users(quickstart: FlaskClient, user: str | None) -> None:
    if user:
        sign_in(quickstart, user)
    page = Page.get(quickstart, "/posts/1")
    assert page.form().submit(title="Defaced").status_code == 403
    assert page.form().submit("button:nth-of-type(2)").status_code == 403
    assert quickstart_db.POSTS[1]["title"] == "Hello"


def test_quickstart_button_action_deletes_with_its_bound_id(quickstart: FlaskClient) -> None:
    sign_in(quickstart, "ada")
    response = Page.get(quickstart, "/posts/1").form().submit("button:nth-of-type(2)")
    assert (response.status_code, response.headers["Location"]) == (303, "/")
    assert quickstart_db.POSTS == {}


def test_quickstart_module_action_creates_a_user(quickstart: FlaskClient) -> None:
    sign_in(quickstart, "ada")
    Page.get(quickstart, "/").form("#create").submit(name="linus")
    assert "linus" in Page.get(quickstart, "/").text("ul")


def test_quickstart_guest_cannot_create_a_user(quickstart: FlaskClient) -> None:
    assert Page.get(quickstart, "/").form("#create").submit(name="eve").status_code == 403
    assert quickstart_db.USERS == ["ada", "grace"]


def test_quickstart_fetch_users_shows_the_result(quickstart: FlaskClient) -> None:
    response = Page.get(quickstart, "/").form("#fetch").submit()
    assert Page(quickstart, "/", response).text("#fetched") == "ada, grace"


# comparison.rst: the same page with a hand-written route and Flask-WTF


@pytest.fixture
def with_routes(quickstart: FlaskClient) -> FlaskClient:
    from docs.examples.comparison.with_routes import app

    return app.test_client()


def test_flask_wtf_version_updates_the_post(with_routes: FlaskClient) -> None:
    sign_in(with_routes, "ada")
    response = Page.get(with_routes, "/posts/1").form().submit(title="Hello, WTForms")
    assert response.status_code == 303
    assert quickstart_db.POSTS[1]["title"] == "Hello, WTForms"


def test_flask_wtf_version_refuses_a_post_without_csrf_token(with_routes: FlaskClient) -> None:
    sign_in(with_routes, "ada")
    assert with_routes.post("/posts/1/delete").status_code == 400
    assert Page.get(with_routes, "/posts/1").form("form:nth-of-type(2)").submit().status_code == 303
    assert quickstart_db.POSTS == {}


# deployment.rst: the settings module, and key rotation with it


def settings_app(monkeypatch: pytest.MonkeyPatch, **env: str) -> Flask:
    from examples.blog.app import create_app

    for name, value in env.items():
        monkeypatch.setenv(name, value)
    app = create_app({"DATABASE": env["BLOG_DATABASE"]})
    app.config.from_pyfile(str(SAMPLES / "deployment" / "settings.py"))
    app.config["SESSION_COOKIE_SECURE"] = False  # the test client speaks http
    return app


def rotated_submit(monkeypatch: pytest.MonkeyPatch, tmp_path: Path, fallbacks: str) -> int:
    """Render a form under key "old", submit it to an app whose key is "new"."""
    database = str(tmp_path / "blog.sqlite3")
    old = settings_app(monkeypatch, SECRET_KEY="old", BLOG_DATABASE=database)
    client = old.test_client()
    Page.get(client, "/").form("#sign-in").submit(username="ada")
    form = Page.get(client, "/posts/1").form("#edit-post")
    new = settings_app(monkeypatch, SECRET_KEY="new", SECRET_KEY_FALLBACKS=fallbacks,
                       BLOG_DATABASE=database)
    with new.test_client() as other:
        cookie = client.get_cookie("session")
        assert cookie is not None
        other.set_cookie("session", cookie.value)
        form.page.client = other
        return form.submit(title="Rotated").status_code


def test_deployment_settings_keep_old_forms_working_during_rotation(
        monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    assert rotated_submit(monkeypatch, tmp_path, fallbacks="old") == 303


def test_deployment_settings_retired_key_asks_for_a_reload(
        monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    assert rotated_submit(monkeypatch, tmp_path, fallbacks="") == 400


# values.rst: what an action can capture and be bound to


@pytest.fixture
def values() -> t.Iterator[types.ModuleType]:
    from docs.examples.values import app as sample

    yield sample
    sample.BOOKINGS.clear()
    sample.PAID.clear()


def test_values_captured_come_back_equal_and_of_the_same_type(
        values: types.ModuleType) -> None:
    client = values.app.test_client()
    response = Page.get(client, "/rooms/2").form().submit(note="window seat")
    assert response.status_code == 303
    booking = values.BOOKINGS[1]
    assert booking.pop("room") is values.ROOMS[2]  # loaded again by register_type
    expected = {
        "day": dt.date(2026, 12, 1),
        "shown_at": dt.datetime(2026, 11, 28, 15, 0, tzinfo=dt.timezone.utc),
        "starts": dt.time(9, 30), "length": dt.timedelta(hours=1, minutes=30),
        "price": decimal.Decimal("120.50"),
        "request_id": uuid.UUID("12345678-1234-5678-1234-567812345678"),
        "seats": (1, 2), "needs": {"projector"}, "per_seat": {1: "ada", 2: "grace"},
        "note": "window seat",
    }
    assert booking == expected
    assert {name: type(value) for name, value in booking.items()} == {
        name: type(value) for name, value in expected.items()}


def test_values_bound_argument_picks_the_row(values: types.ModuleType) -> None:
    client = values.app.test_client()
    for _ in range(2):
        Page.get(client, "/rooms/1").form().submit()
    response = Page.get(client, "/rooms/1").form().submit("li:first-child button")
    assert response.status_code == 303
    assert list(values.BOOKINGS) == [2]


def test_values_an_unregistered_object_fails_at_render_naming_it(
        values: types.ModuleType, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(values.app.config, "TESTING", True)  # let the error through
    with pytest.raises(UnserializableValue) as caught:
        values.app.test_client().get("/invoices/7")
    assert (caught.value.name, caught.value.value_type) == ("invoice", values.Invoice)
    assert "register_type" in str(caught.value)


# deployment.rst: URL prefixes

PROXIED = {"X-Forwarded-Prefix": "/board", "X-Forwarded-Host": "example.com",
           "X-Forwarded-Proto": "https", "X-Forwarded-For": "203.0.113.7"}


def _prefixed_submit(headers: dict[str, str], environ: dict[str, str],
                     post_headers: dict[str, str] | None = None) -> t.Any:
    prefix.CARDS.clear()
    client = prefix.app.test_client()
    html = client.get("/cards", headers=headers, environ_overrides=environ)
    token = BeautifulSoup(html.get_data(as_text=True), "html.parser").select_one(
        'input[name="__action"]')["value"]  # type: ignore[index]
    sent = post_headers if post_headers is not None else headers
    return client.post("/cards", data={"__action": token, "title": "Ship"},
                       headers={"Origin": "https://example.com", **sent},
                       environ_overrides=environ)


def test_behind_a_proxy_with_a_prefix_actions_stay_under_it() -> None:
    response = _prefixed_submit(PROXIED, {})
    assert (response.status_code, response.headers["Location"]) == (303, "/board/cards")
    assert prefix.CARDS == ["Ship"]


def test_under_script_name_actions_stay_under_it() -> None:
    environ = {"SCRIPT_NAME": "/board", "wsgi.url_scheme": "https", "HTTP_HOST": "example.com"}
    response = _prefixed_submit({}, environ)
    assert (response.status_code, response.headers["Location"]) == (303, "/board/cards")


def test_a_token_of_one_prefix_does_not_run_under_another() -> None:
    response = _prefixed_submit(PROXIED, {}, {**PROXIED, "X-Forwarded-Prefix": "/other"})
    assert response.status_code == 400


def test_a_factory_with_sqlalchemy_serves_each_app_its_own_rows() -> None:
    from docs.examples.quickstart import factory_sqlalchemy as sample

    apps = [sample.create_app(), sample.create_app()]  # one database each
    try:
        first = apps[0].test_client()
        response = Page.get(first, "/notes/1").form().submit(text="renamed")
        assert response.status_code == 303
        assert Page.get(first, "/notes/1").text("#text") == "renamed"
        assert Page.get(apps[1].test_client(), "/notes/1").text("#text") == "first"
    finally:
        for app in apps:
            close_databases(app)
