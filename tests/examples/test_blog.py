"""The demo blog, end to end through the test client, as a browser uses it."""

from __future__ import annotations

import pathlib
import sqlite3
from contextlib import closing

import pytest
from flask import Flask
from flask.testing import FlaskClient

from examples.blog import db as blog_db
from examples.blog.app import create_app

from ..html import Page


@pytest.fixture
def database(tmp_path: pathlib.Path) -> pathlib.Path:
    return tmp_path / "blog.sqlite3"


@pytest.fixture
def app(database: pathlib.Path) -> Flask:
    return create_app({"DATABASE": str(database), "SECRET_KEY": "test secret"})


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    return app.test_client()


def query(database: pathlib.Path, sql: str, *params: object) -> list[tuple[object, ...]]:
    """Read the file the app wrote, through a connection of our own."""
    with closing(sqlite3.connect(database)) as connection:
        return connection.execute(sql, params).fetchall()


def user_id(client: FlaskClient, name: str) -> str:
    page = Page.get(client, "/signin")
    option = next(o for o in page.soup.select("option") if o.get_text() == name)
    return str(option["value"])


def sign_in(client: FlaskClient, name: str) -> None:
    response = Page.get(client, "/signin").form("#sign-in").submit(
        user_id=user_id(client, name))
    assert response.status_code == 303 and response.location == "/posts"


def post_id(database: pathlib.Path, title: str) -> int:
    return int(query(database, "SELECT id FROM posts WHERE title = ?", title)[0][0])


def post_id_after_first_request(client: FlaskClient, database: pathlib.Path) -> int:
    Page.get(client, "/")
    return post_id(database, "Notes on the analytical engine")


@pytest.fixture
def signed_in(client: FlaskClient) -> FlaskClient:
    sign_in(client, "ada")
    return client


def test_first_request_creates_and_seeds_the_database(
        client: FlaskClient, database: pathlib.Path) -> None:
    assert not database.exists()
    page = Page.get(client, "/")
    assert page.text("#users") == "adagracelinus"
    assert query(database, "SELECT name FROM users ORDER BY name") == [
        ("ada",), ("grace",), ("linus",)]


def test_create_user_writes_the_database_and_flashes(
        signed_in: FlaskClient, database: pathlib.Path) -> None:
    response = Page.get(signed_in, "/").form("#create-user").submit(name="barbara")
    assert response.status_code == 303 and response.location == "/"
    page = Page.get(signed_in, "/")
    assert "barbara" in page.text("#users")
    assert page.text(".flashes") == "Created the user barbara."
    assert query(database, "SELECT 1 FROM users WHERE name = 'barbara'") == [(1,)]


@pytest.mark.parametrize(("name", "message"), [
    ("", "Enter a name."),
    ("  ", "Enter a name."),
    ("grace", "There is already a user called 'grace'."),
])
def test_invalid_user_name_shows_the_page_again_with_the_input(
        signed_in: FlaskClient, database: pathlib.Path, name: str, message: str) -> None:
    form = Page.get(signed_in, "/").form("#create-user")
    response = form.submit(name=name)
    assert response.status_code == 422
    page = Page(signed_in, "/", response)
    assert page.text("#name-error") == message
    assert page.value("name") == name
    assert query(database, "SELECT count(*) FROM users") == [(3,)]


def test_fetch_users_shows_the_names_on_the_page(client: FlaskClient) -> None:
    response = Page.get(client, "/").form("#fetch-users").submit("button")
    assert response.status_code == 200
    assert Page(client, "/", response).text("#fetched") == "ada, grace, linus"


def test_posts_are_listed_with_their_authors(client: FlaskClient) -> None:
    page = Page.get(client, "/posts")
    rows = [li.get_text(" ", strip=True) for li in page.soup.select("#posts li")]
    assert rows == ["Finding the first bug by grace Delete",
                    "Notes on the analytical engine by ada Delete"]


def test_create_post_redirects_to_the_new_post(
        signed_in: FlaskClient, database: pathlib.Path) -> None:
    response = Page.get(signed_in, "/posts").form("#create-post").submit(
        title="Sketches", body="On punched cards.")
    new_id = post_id(database, "Sketches")
    assert response.status_code == 303 and response.location == f"/posts/{new_id}"
    assert query(database, "SELECT body FROM posts WHERE id = ?", new_id) == [
        ("On punched cards.",)]
    assert Page.get(signed_in, f"/posts/{new_id}").text("#post h1") == "Sketches"


def test_update_post_inline_action_saves_the_post_it_captured(
        signed_in: FlaskClient, database: pathlib.Path) -> None:
    ada_post = post_id(database, "Notes on the analytical engine")
    url = f"/posts/{ada_post}"
    response = Page.get(signed_in, url).form("#update-post").submit(
        title="Notes, revised", body="Now with loops.")
    assert response.status_code == 303 and response.location == url
    page = Page.get(signed_in, url)
    assert page.text("#post h1") == "Notes, revised"
    assert page.text(".flashes") == "Saved."
    assert query(database, "SELECT title, body FROM posts WHERE id = ?", ada_post) == [
        ("Notes, revised", "Now with loops.")]


def test_update_post_with_an_empty_title_keeps_the_input(
        signed_in: FlaskClient, database: pathlib.Path) -> None:
    url = f"/posts/{post_id(database, 'Notes on the analytical engine')}"
    response = Page.get(signed_in, url).form("#update-post").submit(title="", body="kept")
    assert response.status_code == 422
    page = Page(signed_in, url, response)
    assert page.text("#title-error") == "A post needs a title."
    assert page.text("#update-post textarea") == "kept"


def test_delete_post_removes_the_row(signed_in: FlaskClient, database: pathlib.Path) -> None:
    ada_post = post_id(database, "Notes on the analytical engine")
    response = Page.get(signed_in, "/posts").form("#posts").submit(
        f"#post-{ada_post} button")
    assert response.status_code == 303 and response.location == "/posts"
    page = Page.get(signed_in, "/posts")
    assert page.text(f"#post-{ada_post}") == ""
    assert page.text(".flashes") == "Deleted 'Notes on the analytical engine'."
    assert query(database, "SELECT count(*) FROM posts WHERE id = ?", ada_post) == [(0,)]


def test_deleting_someone_elses_post_is_forbidden(
        signed_in: FlaskClient, database: pathlib.Path) -> None:
    grace_post = post_id(database, "Finding the first bug")
    response = Page.get(signed_in, "/posts").form("#posts").submit(
        f"#post-{grace_post} button")
    assert response.status_code == 403
    assert query(database, "SELECT count(*) FROM posts WHERE id = ?", grace_post) == [(1,)]


def test_updating_someone_elses_post_is_forbidden(
        client: FlaskClient, database: pathlib.Path) -> None:
    # The author renders the edit form; another user submits it.
    sign_in(client, "ada")
    ada_post = post_id(database, "Notes on the analytical engine")
    form = Page.get(client, f"/posts/{ada_post}").form("#update-post")
    with client.session_transaction() as session:
        session["user_id"] = int(user_id(client, "grace"))
    assert form.submit(title="Hijacked").status_code == 403
    assert query(database, "SELECT title FROM posts WHERE id = ?", ada_post) == [
        ("Notes on the analytical engine",)]


@pytest.mark.parametrize(("url", "form", "button", "fields"), [
    ("/", "#create-user", None, {"name": "mallory"}),
    ("/posts", "#create-post", None, {"title": "spam"}),
    ("/posts", "#posts", "button", {}),
])
def test_signed_out_writes_are_refused(
        client: FlaskClient, database: pathlib.Path, url: str, form: str,
        button: str | None, fields: dict[str, str]) -> None:
    page = Page.get(client, url)
    everything = "SELECT id, name FROM users UNION ALL SELECT id, title FROM posts"
    before = query(database, everything)
    response = page.form(form).submit(button, **fields)
    assert response.status_code == 401
    assert "Sign in first" in response.get_data(as_text=True)
    assert query(database, everything) == before


def test_update_form_of_a_signed_out_user_is_refused(
        client: FlaskClient, database: pathlib.Path) -> None:
    ada_post = post_id_after_first_request(client, database)
    sign_in(client, "ada")
    form = Page.get(client, f"/posts/{ada_post}").form("#update-post")
    with client.session_transaction() as session:
        del session["user_id"]
    assert form.submit(title="Anonymous").status_code == 401


def test_edit_form_is_shown_to_the_author_only(
        client: FlaskClient, database: pathlib.Path) -> None:
    url = f"/posts/{post_id_after_first_request(client, database)}"
    assert Page.get(client, url).soup.select_one("#update-post") is None
    sign_in(client, "grace")
    assert Page.get(client, url).soup.select_one("#update-post") is None
    sign_in(client, "ada")
    assert Page.get(client, url).soup.select_one("#update-post") is not None


def test_sign_out_ends_the_session_and_its_forms(signed_in: FlaskClient) -> None:
    form = Page.get(signed_in, "/").form("#create-user")
    response = Page.get(signed_in, "/").form("#sign-out").submit()
    assert response.status_code == 303 and response.location == "/"
    page = Page.get(signed_in, "/")
    assert page.text(".flashes") == "Signed out."
    assert page.soup.select_one("#sign-out") is None
    # A form rendered before signing out is stale now: shown again, input kept.
    stale = form.submit(name="after")
    assert stale.status_code == 422 and Page(signed_in, "/", stale).value("name") == "after"


def test_sign_in_without_a_user_is_refused_with_a_message(client: FlaskClient) -> None:
    response = Page.get(client, "/signin").form("#sign-in").submit(user_id="999")
    assert response.status_code == 422
    assert "Choose a user." in response.get_data(as_text=True)


def test_unknown_post_is_not_found(client: FlaskClient) -> None:
    assert client.get("/posts/999").status_code == 404


def test_settings_come_from_the_environment(
        monkeypatch: pytest.MonkeyPatch, database: pathlib.Path) -> None:
    monkeypatch.setenv("BLOG_DATABASE", str(database))
    monkeypatch.setenv("BLOG_SECRET_KEY", "from the environment")
    app = create_app()
    assert app.config["DATABASE"] == str(database)
    assert app.config["SECRET_KEY"] == "from the environment"


def test_dev_secret_is_made_once_and_kept(
        monkeypatch: pytest.MonkeyPatch, tmp_path: pathlib.Path) -> None:
    monkeypatch.delenv("BLOG_SECRET_KEY", raising=False)
    monkeypatch.setattr("examples.blog.app.HERE", str(tmp_path))
    first = create_app({"DATABASE": ":memory:"}).config["SECRET_KEY"]
    second = create_app({"DATABASE": ":memory:"}).config["SECRET_KEY"]
    assert len(first) >= 32 and first == second
    assert (tmp_path / "instance" / "secret_key").read_text() == first


def test_htmx_is_loaded_only_when_configured(database: pathlib.Path) -> None:
    plain = create_app({"DATABASE": str(database), "SECRET_KEY": "x"})
    assert "<script" not in plain.test_client().get("/").get_data(as_text=True)
    with_htmx = create_app({"DATABASE": str(database), "SECRET_KEY": "x",
                            "HTMX_SRC": "/static/htmx.js"})
    assert '<script src="/static/htmx.js">' in with_htmx.test_client().get("/").get_data(
        as_text=True)


def test_flask_actions_list_shows_every_blog_action(app: Flask) -> None:
    result = app.test_cli_runner().invoke(args=["actions", "list"])
    assert result.exit_code == 0
    # Other modules of actions imported by the test session are listed too.
    listed = {line.split()[0] for line in result.output.splitlines()[2:]
              if line.startswith("examples.blog.")}
    assert listed == {
        f"examples.blog.actions:{name}" for name in (
            "create_post", "create_user", "delete_post", "fetch_users", "sign_in", "sign_out")
    } | {"examples.blog.views:show_post.<locals>.update_post"}


def test_creating_the_database_twice_seeds_it_once(database: pathlib.Path) -> None:
    # Two workers starting on a new file: the second one finds the seed.
    for _ in range(2):
        with closing(blog_db.connect(str(database))) as connection:
            blog_db.create(connection)
    assert query(database, "SELECT count(*) FROM users") == [(3,)]
    assert query(database, "SELECT count(*) FROM posts") == [(2,)]
