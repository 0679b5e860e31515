"""The lifecycle samples of the docs, run."""

from __future__ import annotations

from docs.examples.lifecycle import login

from ..html import Page


def test_login_required_guards_the_page_and_its_actions() -> None:
    app = login.app
    login.NOTES.clear()
    client = app.test_client()
    assert client.get("/notes").status_code == 401
    with client.session_transaction() as session:
        session["_user_id"] = "ada"
        session["_fresh"] = True
    page = Page.get(client, "/notes")
    assert page.form().submit(text="hello").status_code == 303
    assert login.NOTES == {"ada": "hello"}
    with client.session_transaction() as session:
        session.pop("_user_id")
    assert page.form().submit(text="anonymous").status_code == 401
    assert login.NOTES == {"ada": "hello"}
