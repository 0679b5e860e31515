"""The notes example (Flask-SQLAlchemy, Flask-Login, Flask-WTF), driven by
the test client for users."""

from __future__ import annotations

import typing as t
from pathlib import Path

import pytest
from flask import Flask

from examples.notes.app import create_app
from examples.notes.models import Note
from examples.notes.models import add_user
from examples.notes.models import db
from flask_server_actions.testing import ActionClient
from flask_server_actions.testing import Page

from ..databases import close_databases


@pytest.fixture
def notes_app(tmp_path: Path) -> t.Iterator[Flask]:
    app = create_app({"SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'notes.sqlite'}",
                      "SECRET_KEY": "test", "NOTES_DEMO_USER": ("ann@example.com", "ann pw")})
    with app.app_context():
        add_user("bob@example.com", "bob pw")
    yield app
    close_databases(app)


@pytest.fixture
def actions(notes_app: Flask) -> ActionClient:
    return ActionClient(notes_app)


def sign_in(actions: ActionClient, email: str = "ann@example.com",
            password: str = "ann pw") -> Page:
    return actions.get("/sign-in").form("sign-in").submit(email=email, password=password)


def titles(page: Page) -> list[str]:
    return [text.strip() for text in page.html.split('<a href="/notes/')[1:]
            for text in [text.partition(">")[2].partition("<")[0]]]


def test_pages_need_a_signed_in_user(actions: ActionClient) -> None:
    page = actions.get("/")
    assert page.url == "/sign-in?next=%2Fnotes" and "Sign in" in page


def test_a_wrong_password_shows_the_form_again(actions: ActionClient) -> None:
    page = sign_in(actions, password="guess")
    assert page.status_code == 422 and page.notices == ["Wrong email or password."]
    assert 'value="ann@example.com"' in page


def test_sign_in_add_and_delete_a_note(actions: ActionClient) -> None:
    page = sign_in(actions)
    assert page.url == "/notes" and "ann@example.com" in page
    page = page.form("add").submit(title="Groceries", body="milk")
    assert page.redirects == [303] and titles(page) == ["Groceries"]
    assert "Added “Groceries”." in page
    page = page.form(button="Delete Groceries").submit()
    assert titles(page) == []


def test_an_invalid_note_keeps_the_input(actions: ActionClient) -> None:
    page = sign_in(actions).form("add").submit(title="", body="kept")
    assert page.status_code == 422 and "This field is required." in page
    assert "kept</textarea>" in page


def test_a_failed_save_is_rolled_back(actions: ActionClient) -> None:
    page = sign_in(actions)
    page = page.form("add").submit(title="One").form("add").submit(title="Two")
    edit = actions.get("/notes/2")
    page = edit.form("edit").submit(title="One")
    assert page.status_code == 422
    assert "You have another note with that title." in page
    assert "<h1>Two</h1>" in page  # not the rejected title: it was rolled back
    assert titles(actions.get("/notes")) == ["One", "Two"]
    assert edit.form("edit").submit(title="Second").url == "/notes"
    assert titles(actions.get("/notes")) == ["One", "Second"]


def test_a_note_deleted_elsewhere_answers_404(notes_app: Flask,
                                              actions: ActionClient) -> None:
    page = sign_in(actions).form("add").submit(title="Gone soon")
    with notes_app.app_context():
        db.session.delete(db.session.get(Note, 1))
        db.session.commit()
    assert page.form(button="Delete Gone soon").submit().status_code == 404


def test_signing_out_ends_the_forms_of_the_signed_in_user(actions: ActionClient) -> None:
    page = sign_in(actions)
    add = page.form("add")
    page = page.form("sign-out").submit()
    assert page.url == "/sign-in"
    sign_in(actions, "bob@example.com", "bob pw")
    page = add.submit(title="Planted by ann's page")
    assert page.status_code == 422
    assert titles(actions.get("/notes")) == []


def test_another_users_note_is_not_found(actions: ActionClient) -> None:
    sign_in(actions).form("add").submit(title="Ann's")
    actions.get("/notes").form("sign-out").submit()
    sign_in(actions, "bob@example.com", "bob pw")
    assert actions.get("/notes/1").status_code == 404


def _p_in_p(html: str) -> list[int]:
    """Where a ``<p>`` opens inside an open ``<p>`` (the parser would
    close the first: the field's wrapper would end before its error)."""
    from html.parser import HTMLParser

    found: list[int] = []

    class Nesting(HTMLParser):
        depth = 0

        def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
            if tag == "p":
                if self.depth:
                    found.append(self.getpos()[0])
                self.depth += 1

        def handle_endtag(self, tag: str) -> None:
            if tag == "p":
                self.depth -= 1

    Nesting().feed(html)
    return found


def test_no_paragraph_opens_inside_another(actions: ActionClient) -> None:
    assert not _p_in_p(actions.get("/sign-in").html)
    page = sign_in(actions)
    assert not _p_in_p(page.html)
    page = page.form("add").submit(title="A note")
    note = actions.get(f"/notes/{titles(page).index('A note') + 1}")
    assert not _p_in_p(note.html)


def test_its_error_pages_are_its_own(actions: ActionClient) -> None:
    page = actions.get("/no-such-page")
    assert page.status_code == 404
    assert "<main>" in page.html and "Back to your notes" in page
