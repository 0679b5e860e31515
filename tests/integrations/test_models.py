"""SQLAlchemy rows as captured values and bound arguments
(``ServerActions.use_sqlalchemy``), on Flask-SQLAlchemy and on a plain
``scoped_session``."""

from __future__ import annotations

import logging
import re
import typing as t

import pytest
import sqlalchemy
from flask import Flask
from flask.testing import FlaskClient

from flask_server_actions.errors import UnserializableValue
from flask_server_actions.integrations.models import SQLAlchemyRows
from flask_server_actions.testing import ActionClient

from ..databases import close_databases
from ..html import Page
from ..store import STORE
from .models_app import CREATED
from .models_app import create_flask_sqlalchemy_app
from .models_app import create_plain_sqlalchemy_app


@pytest.fixture(params=["flask_sqlalchemy", "plain"])
def app(request: pytest.FixtureRequest) -> t.Iterator[Flask]:
    app = (create_flask_sqlalchemy_app() if request.param == "flask_sqlalchemy"
           else create_plain_sqlalchemy_app())
    yield app
    close_databases(app)


def database(app: Flask) -> tuple[t.Any, dict[str, type]]:
    return t.cast("tuple[t.Any, dict[str, type]]", app.extensions["test.database"])


def test_a_captured_row_travels_as_its_key(app: Flask, client: FlaskClient) -> None:
    page = Page.get(client, "/notes/1")
    response = page.form("#rename").submit(title="Renamed")
    assert response.status_code == 303
    # Bound and captured rows are loaded once, into the request's session.
    assert STORE == [("rename", "Note", 1, True)]
    assert "<li>Renamed</li>" in client.get("/notes/1").get_data(as_text=True)


def test_a_subclass_of_a_mapped_class_comes_back_as_itself(client: FlaskClient) -> None:
    Page.get(client, "/notes/2").form("#rename").submit(title="Shopping")
    assert STORE == [("rename", "Checklist", 2, True)]


def test_a_composite_key_travels_whole(client: FlaskClient) -> None:
    assert Page.get(client, "/notes/1").form("#tag").submit().status_code == 303
    assert STORE == [("retag", "ann", "work")]


def test_a_row_deleted_since_the_page_was_shown_answers_404(app: Flask,
                                                            client: FlaskClient) -> None:
    form = Page.get(client, "/notes/1").form("#rename")
    session, models = database(app)
    with app.app_context():
        session.delete(session.get(models["Note"], 1))
        session.commit()
    response = form.submit(title="Too late")
    assert response.status_code == 404
    assert "The Note this form was for no longer exists." in response.get_data(as_text=True)
    assert STORE == []


def test_a_failed_action_is_rolled_back_before_the_page_is_shown_again(
        client: FlaskClient) -> None:
    response = Page.get(client, "/notes/1").form("#create").submit(title="Phantom")
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert "Notes are closed today." in html
    assert "Phantom" not in html
    assert "Phantom" not in client.get("/notes/1").get_data(as_text=True)


def test_a_row_without_a_key_is_refused_at_render_time(client: FlaskClient) -> None:
    with pytest.raises(UnserializableValue) as raised:
        client.get("/notes/0")
    # The row's own repr (SQLAlchemy's or the object's) in the middle.
    assert re.fullmatch(
        r"define_models\.<locals>\.Note <.*Note.*> has no primary key yet, so it cannot"
        r" travel in a token: add it to the session and flush \(or commit\) before"
        r" rendering the page\.", str(raised.value))
    assert raised.value.value_type.__qualname__ == "define_models.<locals>.Note"  # type: ignore[union-attr]


def test_a_token_naming_a_class_no_longer_mapped_is_stale(app: Flask) -> None:
    serializer = app.extensions["server_actions"].serializer
    with pytest.raises(ValueError, match="no mapped class"):
        serializer.decode({"#x": ["model", ["gone.module:Gone", 1, "digest"]]})
    for malformed in ("1", ["tests.integrations.models_app:define_models.<locals>.Note", 1],
                      [1, 1, "digest"]):
        with pytest.raises(ValueError) as raised:
            serializer.decode({"#x": ["model", malformed]})
        assert str(raised.value) == "a SQLAlchemy row needs [class, key and digest]"
    # A composite key without its digest, as pages shown before the upgrade
    # carry it.
    tag = "tests.integrations.models_app:define_models.<locals>.Tag"
    with pytest.raises(ValueError, match="Tag needs 2 key values and a digest"):
        serializer.decode({"#x": ["model", [tag, "ann", "work"]]})


def test_a_row_forged_in_a_json_call_is_never_loaded(actions: ActionClient) -> None:
    # Only the token's values are decoded into rows; what a client sends is
    # plain JSON, so it cannot make the app load any row it names.
    forged = {"#x": ["model", ["tests.integrations.models_app:define_models.<locals>.Note", 1]]}
    result = actions.get("/notes/1").call("describe", forged)
    assert result.status_code == 200 and result.value == "dict"


# What identifies a row: its class, its key and its identity columns. A
# token acts on the row it was minted for, never on another one given its
# key since, and not on one that changed since the page was shown.

#: Each model, with the status a form of a row answers when another row got
#: its key: 404 when the model names the columns that identify a row; else
#: 422, as for a row that changed (no column tells them apart).
REUSED_KEY = [("Task", 422), ("Ticket", 422), ("Card", 404), ("Account", 422)]
FORMS = ["#bound", "#captured"]


def _key(model: str) -> t.Any:
    return "ann@example.org" if model == "Account" else 1


def _url(model: str) -> str:
    return f"/rows/{model}/{_key(model)}"


def _replace_with_bobs_row(app: Flask, model: str) -> None:
    """Delete ann's row and add bob's, which gets the same key."""
    session, models = database(app)
    cls = models[model]
    with app.app_context():
        session.delete(session.get(cls, _key(model)))
        session.commit()
        fields = CREATED.get(model, {})
        if model == "Card":
            fields = {"created": fields["created"].replace(hour=10)}
        if model == "Account":
            fields = {"email": _key(model)}
        bobs = cls(owner="bob", **fields)
        session.add(bobs)
        session.commit()
        assert sqlalchemy.inspect(bobs).identity == (_key(model),), "the key is not reused"


def _row(app: Flask, model: str) -> tuple[str, bool]:
    session, models = database(app)
    with app.app_context():
        row = session.get(models[model], _key(model))
        return row.owner, row.done


@pytest.mark.parametrize("selector", FORMS)
@pytest.mark.parametrize(("model", "status"), REUSED_KEY)
def test_a_form_never_acts_on_another_row_given_its_key(
        app: Flask, client: FlaskClient, caplog: pytest.LogCaptureFixture, model: str,
        status: int, selector: str) -> None:
    caplog.set_level(logging.INFO, "flask_server_actions")
    form = Page.get(client, _url(model)).form(selector)
    _replace_with_bobs_row(app, model)
    response = form.submit(note="mine")
    assert response.status_code == status
    assert STORE == []
    assert _row(app, model) == ("bob", False)
    body = response.get_data(as_text=True)
    # The page's own URL holds the key here; why the post was refused does not.
    logged = caplog.text.replace(_url(model), "")
    assert "ann@example.org" not in body and "ann@example.org" not in logged
    assert ("out of date" in body) is (status == 422)
    assert (f"the {model} changed since the page was shown" in logged) is (status == 422)


@pytest.mark.parametrize("selector", FORMS)
def test_a_deleted_rows_404_does_not_show_its_key(app: Flask, client: FlaskClient,
                                                 selector: str) -> None:
    form = Page.get(client, _url("Account")).form(selector)
    session, models = database(app)
    with app.app_context():
        session.delete(session.get(models["Account"], "ann@example.org"))
        session.commit()
    response = form.submit(note="mine")
    assert response.status_code == 404
    body = response.get_data(as_text=True)
    assert "Account" in body
    assert "ann@example.org" not in body and "ann@example.org" not in repr(response.headers)


def _change(app: Flask, model: str, **values: t.Any) -> None:
    """Another user's request changes the row."""
    session, models = database(app)
    with app.app_context():
        cls = models[model]
        session.execute(sqlalchemy.update(cls).where(
            sqlalchemy.inspect(cls).primary_key[0] == _key(model)).values(**values))
        session.commit()


@pytest.mark.parametrize("selector", FORMS)
@pytest.mark.parametrize("model", ["Task", "Ticket", "Account"])
def test_a_row_changed_since_the_page_was_shown_shows_it_again_with_the_input(
        app: Flask, client: FlaskClient, model: str, selector: str) -> None:
    form = Page.get(client, _url(model)).form(selector)
    _change(app, model, done=True)
    response = form.submit(note="mine")
    assert response.status_code == 422
    page = Page(client, _url(model), response)
    assert "out of date" in page.response.get_data(as_text=True)
    assert page.text("#row") == "ann: done"
    assert page.form(selector).fields()[-1] == ("note", "mine")
    assert STORE == []
    assert _row(app, model) == ("ann", True)


@pytest.mark.parametrize(("model", "values"), [
    ("Task", {"touched": 99}),  # set on every update: it tells nothing more
    ("Task", {"details": "long text"}),  # deferred: rendering does not load it
    ("Card", {"done": True}),  # Card names the columns that identify it
])
def test_a_change_to_a_column_that_does_not_identify_the_row_still_acts(
        app: Flask, client: FlaskClient, model: str, values: dict[str, t.Any]) -> None:
    form = Page.get(client, _url(model)).form("#bound")
    _change(app, model, **values)
    assert form.submit(note="mine").status_code == 303
    assert STORE == [("toggle", "ann")]


def test_a_versioned_row_changed_and_changed_back_is_stale(app: Flask,
                                                          client: FlaskClient) -> None:
    form = Page.get(client, _url("Ticket")).form("#bound")
    session, models = database(app)
    with app.app_context():
        for done in (True, False):
            session.get(models["Ticket"], 1).done = done
            session.commit()
    assert form.submit(note="mine").status_code == 422
    assert STORE == []


@pytest.mark.parametrize("selector", FORMS)
def test_a_form_shown_before_rows_carried_their_identity_is_stale(
        app: Flask, client: FlaskClient, selector: str) -> None:
    """A token of the key alone, as rows travelled before: nothing runs, the
    input is kept."""
    session, models = database(app)
    base = models["Note"].__bases__[0]
    rows = SQLAlchemyRows(session, base)
    serializer = app.extensions["server_actions"].serializer
    serializer.register(base, "model", lambda row: rows.dump(row)[:-1], rows.load)
    form = Page.get(client, _url("Task")).form(selector)
    response = form.submit(note="mine")
    assert response.status_code == 422
    page = Page(client, _url("Task"), response)
    assert "earlier version of the site" in response.get_data(as_text=True)
    assert page.form(selector).fields()[-1] == ("note", "mine")
    assert STORE == []
    assert _row(app, "Task") == ("ann", False)


@pytest.mark.parametrize(("model", "named"), [
    ("Misnamed", "colour, which is"), ("Misnamed2", "colour, size, which are"),
])
def test_an_identity_naming_no_column_is_refused_at_render_time(
        client: FlaskClient, model: str, named: str) -> None:
    with pytest.raises(UnserializableValue) as raised:
        client.get(f"/rows/{model}/1")
    cls = f"define_models.<locals>.{model}"
    assert str(raised.value) == (
        f"{cls}.__server_actions_identity__ names {named} not a column attribute of {cls}:"
        " name the columns that identify a row, such as 'id', 'owner'.")
    assert raised.value.value_type.__qualname__ == cls  # type: ignore[union-attr]
