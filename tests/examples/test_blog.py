"""The demo blog, driven end to end as a browser with JavaScript off would."""

from __future__ import annotations

import contextlib
import sqlite3
import typing as t
from pathlib import Path

import pytest
from bs4 import BeautifulSoup
from flask import Flask
from flask.testing import FlaskClient
from werkzeug.test import TestResponse

from examples.blog.app import ROOT
from examples.blog.app import create_app
from examples.blog.app import htmx_source

from ..html import Page


@pytest.fixture
def database(tmp_path: Path) -> Path:
    return tmp_path / "blog.sqlite3"


@pytest.fixture
def blog(database: Path) -> Flask:
    return create_app({"DATABASE": str(database), "SECRET_KEY": "blog test secret",
                       "TESTING": True})


@pytest.fixture
def client(blog: Flask) -> FlaskClient:
    return blog.test_client()


def query(database: Path, sql: str, *params: object) -> list[tuple[t.Any, ...]]:
    """Read the SQLite file directly, not through the app."""
    # `with conn:` only commits; closing() closes (Python 3.13 warns otherwise).
    with contextlib.closing(sqlite3.connect(database)) as conn:
        return conn.execute(sql, params).fetchall()


def titles(database: Path) -> set[str]:
    return {title for (title,) in query(database, "SELECT title FROM posts")}


def post_id(database: Path, title: str) -> int:
    return int(query(database, "SELECT id FROM posts WHERE title = ?", title)[0][0])


def sign_in(client: FlaskClient, name: str, url: str = "/") -> Page:
    response = Page.get(client, url).form("#sign-in").submit(username=name)
    assert response.status_code == 303
    return Page.get(client, url)


def came_back(client: FlaskClient, url: str, response: t.Any, status: int = 422) -> Page:
    """The page shown again after a refused or stateful submission."""
    assert response.status_code == status, response.get_data(as_text=True)
    return Page(client, url, response)


def follow(client: FlaskClient, response: t.Any) -> Page:
    assert response.status_code == 303, response.get_data(as_text=True)
    return Page.get(client, response.headers["Location"])


def test_first_request_creates_and_seeds_the_database(client: FlaskClient,
                                                      database: Path) -> None:
    assert not database.exists()
    page = Page.get(client, "/")
    assert [li.get_text() for li in page.soup.select("#user-list li")] == ["ada", "grace", "linus"]
    assert query(database, "SELECT COUNT(*) FROM posts") == [(3,)]


def test_pages_work_without_javascript(client: FlaskClient) -> None:
    for url in ("/", "/posts", "/posts/1"):
        assert Page.get(client, url).soup.select("script") == []


def test_sign_in_and_out(client: FlaskClient) -> None:
    page = sign_in(client, "ada")
    assert page.text("#user-name") == "ada"
    assert page.text(".flash") == "Signed in as ada."
    page = follow(client, page.form("#sign-out").submit())
    assert page.soup.select_one("#sign-in") is not None
    assert page.text(".flash") == "Signed out."


def test_sign_in_as_nobody_keeps_the_name_typed(client: FlaskClient) -> None:
    response = Page.get(client, "/").form("#sign-in").submit(username="mallory")
    page = came_back(client, "/", response)
    assert page.text(".action-notice") == "No user by that name."
    assert page.value("username") == "mallory"


def test_create_user_writes_the_database_and_lists_it(client: FlaskClient,
                                                      database: Path) -> None:
    page = sign_in(client, "ada")
    page = follow(client, page.form("#create-user").submit(name="barbara"))
    assert query(database, "SELECT name FROM users WHERE name = 'barbara'") == [("barbara",)]
    assert "barbara" in [li.get_text() for li in page.soup.select("#user-list li")]
    assert page.text(".flash") == "Created user barbara."


@pytest.mark.parametrize(("name", "message"), [
    ("", "A user needs a name."),
    ("grace", "There is already a user named grace."),
])
def test_invalid_user_is_refused_with_input_kept(client: FlaskClient, database: Path,
                                                 name: str, message: str) -> None:
    page = sign_in(client, "ada")
    response = page.form("#create-user").submit(name=name)
    page = came_back(client, "/", response)
    assert page.text("#name-error") == message
    assert page.value("name") == name
    assert query(database, "SELECT COUNT(*) FROM users") == [(3,)]


def test_guest_cannot_create_a_user_and_keeps_the_input(client: FlaskClient,
                                                        database: Path) -> None:
    response = Page.get(client, "/").form("#create-user").submit(name="eve")
    page = came_back(client, "/", response)
    assert page.text(".action-notice") == "Sign in to create users."
    assert page.value("name") == "eve"
    assert query(database, "SELECT COUNT(*) FROM users WHERE name = 'eve'") == [(0,)]


def test_fetch_users_shows_the_result_on_the_page(client: FlaskClient, database: Path) -> None:
    page = Page.get(client, "/")
    assert page.soup.select_one("#fetched-users") is None
    with contextlib.closing(sqlite3.connect(database)) as conn, conn:  # behind the app's back
        conn.execute("INSERT INTO users (name) VALUES ('margaret')")
    response = page.form("#fetch-users").submit("#fetch-users button")
    fetched = came_back(client, "/", response, 200).soup.select("#fetched-users li")
    assert [li.get_text() for li in fetched] == ["ada", "grace", "linus", "margaret"]


def test_posts_are_listed_with_links(client: FlaskClient) -> None:
    page = Page.get(client, "/posts")
    rows = page.soup.select("#post-rows tr")
    assert [row["id"] for row in rows] == ["post-3", "post-2", "post-1"]
    assert rows[0].select_one("a")["href"] == "/posts/3"


def test_create_post(client: FlaskClient, database: Path) -> None:
    page = sign_in(client, "grace", "/posts")
    page = follow(client, page.form("#create-post").submit(title="COBOL", body="Readable."))
    assert query(database, "SELECT u.name, p.body FROM posts p JOIN users u"
                           " ON u.id = p.author_id WHERE p.title = 'COBOL'") == [("grace", "Readable.")]
    assert "COBOL" in page.text("#post-rows")


def test_update_post_inline_action_captures_the_post_id(client: FlaskClient,
                                                         database: Path) -> None:
    page = sign_in(client, "ada", "/posts/1")
    response = page.form("#edit-post").submit(title="Notes, revised", body="New body")
    assert response.headers["Location"] == "/posts/1"
    page = follow(client, response)
    assert page.text("#post-title") == "Notes, revised"
    assert page.text(".flash") == "Post saved."
    assert query(database, "SELECT title, body FROM posts WHERE id = 1") == [
        ("Notes, revised", "New body")]


def test_update_post_without_title_keeps_the_body_typed(client: FlaskClient,
                                                        database: Path) -> None:
    page = sign_in(client, "ada", "/posts/1")
    response = page.form("#edit-post").submit(title=" ", body="Half-written thought")
    page = came_back(client, "/posts/1", response)
    assert page.text("#title-error") == "A post needs a title."
    assert page.text("textarea[name=body]") == "Half-written thought"
    assert titles(database) >= {"Notes on the analytical engine"}


def test_delete_post_with_a_button_bound_to_its_id(client: FlaskClient, database: Path) -> None:
    page = sign_in(client, "ada", "/posts")
    response = page.form("#delete-post-3").submit("#delete-post-3 button")
    assert response.headers["Location"] == "/posts"
    page = follow(client, response)
    assert page.soup.select_one("#post-3") is None
    assert page.text(".flash") == "Deleted 'On poetical science'."
    assert query(database, "SELECT id FROM posts ORDER BY id") == [(1,), (2,)]


def test_deleting_twice_is_harmless(client: FlaskClient, database: Path) -> None:
    page = sign_in(client, "ada", "/posts")
    form = page.form("#delete-post-3")
    form.submit("#delete-post-3 button")
    page = follow(client, form.submit("#delete-post-3 button"))
    assert [p.get_text() for p in page.soup.select(".flash")] == [
        "Deleted 'On poetical science'.", "That post was already deleted."]
    assert query(database, "SELECT COUNT(*) FROM posts") == [(2,)]


def test_only_authors_see_edit_and_delete(client: FlaskClient) -> None:
    assert Page.get(client, "/posts/1").soup.select_one("#edit-post") is None
    page = sign_in(client, "grace", "/posts")
    assert [form["id"] for form in page.soup.select("#post-rows form")] == ["delete-post-2"]
    assert Page.get(client, "/posts/1").soup.select_one("#edit-post") is None


@pytest.mark.parametrize(("url", "form", "button"), [
    ("/posts/1", "#edit-post", None),
    ("/posts", "#delete-post-1", "#delete-post-1 button"),
])
def test_another_user_is_refused_403(client: FlaskClient, database: Path, url: str,
                                     form: str, button: str | None) -> None:
    # Ada opens her post, then the browser signs in as grace (another tab):
    # the token is still valid for the session, the action must refuse.
    page = sign_in(client, "ada", url)
    before = query(database, "SELECT * FROM posts ORDER BY id")
    sign_out = page.form("#sign-out")
    assert sign_out  # ada is signed in
    with client.session_transaction() as session:
        session["user_id"] = 2  # grace
    response = page.form(form).submit(button, title="Hijacked")
    assert response.status_code == 403
    assert "Only ada may change this post." in response.get_data(as_text=True)
    assert query(database, "SELECT * FROM posts ORDER BY id") == before


def test_signing_out_ends_the_forms_of_the_session(client: FlaskClient,
                                                   database: Path) -> None:
    page = sign_in(client, "ada", "/posts/1")
    edit = page.form("#edit-post")
    page.form("#sign-out").submit()
    response = edit.submit(title="After sign-out")
    page = came_back(client, "/posts/1", response)
    assert "Your session changed" in page.text(".action-notice")
    assert page.value("title") == "After sign-out"
    assert "After sign-out" not in titles(database)


def test_missing_post_is_404(client: FlaskClient) -> None:
    response = client.get("/posts/99")
    assert response.status_code == 404
    assert "Back to the blog" in response.get_data(as_text=True)


def test_htmx_is_included_only_when_configured(database: Path, tmp_path: Path) -> None:
    (tmp_path / "htmx4.js").write_text("/* htmx */")
    blog = create_app({"DATABASE": str(database), "SECRET_KEY": "s",
                       "SERVER_ACTIONS_HTMX_SRC": tmp_path / "htmx4.js"})
    client = blog.test_client()
    page = Page.get(client, "/")
    assert [tag["src"] for tag in page.soup.select("script[src]")] == [
        "/_server_actions/htmx.js", "/_server_actions/static/progress.js",
        "/_server_actions/static/client.js"]
    with client.get("/_server_actions/htmx.js") as response:
        assert response.get_data(as_text=True) == "/* htmx */"


@pytest.mark.parametrize(("value", "expected"), [
    (None, None),
    ("/static/htmx.js", "/static/htmx.js"),
    ("https://example.com/htmx.js", "https://example.com/htmx.js"),
    (".artifacts/htmx/htmx4.js", ROOT / ".artifacts" / "htmx" / "htmx4.js"),
])
def test_htmx_source_is_a_url_or_a_file_of_the_repository(value: str | None,
                                                          expected: object) -> None:
    assert htmx_source(value) == expected


def test_secret_key_comes_from_the_environment(monkeypatch: pytest.MonkeyPatch,
                                               database: Path) -> None:
    monkeypatch.setenv("BLOG_SECRET_KEY", "from env")
    monkeypatch.setenv("BLOG_SECRET_KEY_FALLBACKS", "old1 old2")
    monkeypatch.setenv("BLOG_DATABASE", str(database))
    blog = create_app()
    assert blog.config["SECRET_KEY"] == "from env"
    assert blog.config["SECRET_KEY_FALLBACKS"] == ["old1", "old2"]
    assert blog.config["DATABASE"] == str(database)


def test_two_instances_with_one_secret_accept_each_others_forms(database: Path) -> None:
    config = {"DATABASE": str(database), "SECRET_KEY": "shared"}
    first, second = create_app(config), create_app(config)
    client = first.test_client()
    page = sign_in(client, "ada", "/posts/1")
    with second.test_client() as other:
        other.set_cookie("session", client.get_cookie("session").value)  # type: ignore[union-attr]
        page.client = other
        response = page.form("#edit-post").submit(title="Saved by the second instance")
    assert response.status_code == 303
    assert "Saved by the second instance" in titles(database)


def test_dev_secret_is_generated_once_and_shared(tmp_path: Path, database: Path,
                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("BLOG_SECRET_KEY", raising=False)
    first = create_app({"DATABASE": str(database)})
    assert first.config["SECRET_KEY"]
    second = create_app({"DATABASE": str(database)})
    assert second.config["SECRET_KEY"] == first.config["SECRET_KEY"]


def test_flask_actions_list_shows_every_blog_action(blog: Flask) -> None:
    result = blog.test_cli_runner().invoke(args=["actions", "list"])
    assert result.exit_code == 0
    # Modules of actions that other tests imported are listed too: keep the blog's.
    rows = [line.split() for line in result.output.splitlines()
            if line.startswith("examples.blog.")]
    assert sorted((row[0], row[1]) for row in rows) == sorted(
        [(f"examples.blog.actions:{name}", "module") for name in (
            "create_post", "create_user", "delete_post", "fetch_users", "sign_in", "sign_out")]
        + [("examples.blog.views:show_post.<locals>.update_post", "inline")])


# With htmx: each form is answered with its block and the flashed messages
# out of band (tests/browser/ swaps them in a real browser).

HX = {"HX-Request": "true"}


def html_of(response: TestResponse) -> BeautifulSoup:
    return BeautifulSoup(response.get_data(as_text=True), "html.parser")


def test_create_user_answers_the_users_block_and_the_messages(client: FlaskClient,
                                                              database: Path) -> None:
    page = sign_in(client, "ada")
    response = page.form("#create-user").submit(name="margaret", headers=HX)
    html = html_of(response)
    assert response.status_code == 200
    assert [li.get_text() for li in html.select("section#users #user-list li")][-1] == "margaret"
    assert html.select_one("#messages[hx-swap-oob] .flash").get_text() == "Created user margaret."
    assert html.find("header") is None
    assert query(database, "SELECT COUNT(*) FROM users WHERE name = 'margaret'") == [(1,)]


def test_guest_gets_the_block_back_with_the_notice_and_input(client: FlaskClient) -> None:
    page = sign_in(client, "ada")
    with client.session_transaction() as session:
        session.pop("user_id")
    response = page.form("#create-user").submit(name="margaret", headers=HX)
    html = html_of(response)
    assert response.status_code == 422
    assert html.select_one("#create-user input[name=name]")["value"] == "margaret"
    assert "Sign in" in html.select_one("#messages[hx-swap-oob]").get_text()


def test_delete_answers_the_posts_block(client: FlaskClient, database: Path) -> None:
    page = sign_in(client, "ada", "/posts")
    response = page.form("#delete-post-3").submit("#delete-post-3 button", headers=HX)
    html = html_of(response)
    assert html.select_one("section#posts #post-3") is None
    assert html.select_one("section#posts #post-1") is not None
    assert query(database, "SELECT id FROM posts ORDER BY id") == [(1,), (2,)]


def test_refused_edit_shows_the_error_page_as_a_page(client: FlaskClient) -> None:
    page = sign_in(client, "ada", "/posts/1")
    with client.session_transaction() as session:
        session["user_id"] = 2  # grace, in another tab
    response = page.form("#edit-post").submit(title="Defaced", headers=HX)
    assert response.status_code == 403
    assert (response.headers["HX-Retarget"], response.headers["HX-Reswap"]) == ("body", "innerHTML")
    assert "Only ada may change this post." in response.get_data(as_text=True)


def test_publishing_the_same_form_twice_publishes_once(client: FlaskClient,
                                                       database: Path) -> None:
    form = sign_in(client, "grace", "/posts").form("#create-post")
    assert form.submit(title="Once", body="").status_code == 303
    page = came_back(client, "/posts", form.submit(title="Once", body=""))
    assert "already" in page.text(".action-notice")
    assert page.value("title") == "Once"
    assert query(database, "SELECT COUNT(*) FROM posts WHERE title = 'Once'") == [(1,)]


def test_a_page_without_a_route_shows_the_layout_and_signs_out(client: FlaskClient) -> None:
    # The layout's sign-out is an action for every page: it runs from the
    # 404 page (no route), where a page action could not.
    assert client.get("/no/such/page").status_code == 404
    sign_in(client, "ada")
    response = client.get("/no/such/page")
    assert response.status_code == 404
    response = Page(client, "/no/such/page", response).form("#sign-out").submit()
    assert (response.status_code, response.headers["Location"]) == (303, "/no/such/page")
    assert Page.get(client, "/").text(".flash") == "Signed out."
