"""SQLAlchemy rows as captured values and bound arguments
(``ServerActions.use_sqlalchemy``), on Flask-SQLAlchemy and on a plain
``scoped_session``."""

from __future__ import annotations

import typing as t

import pytest
from flask import Flask
from flask.testing import FlaskClient

from flask_server_actions.errors import UnserializableValue
from flask_server_actions.testing import ActionClient

from ..databases import close_databases
from ..html import Page
from ..store import STORE
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
    assert "Note" in response.get_data(as_text=True)
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
    with pytest.raises(UnserializableValue, match=r"Note.*no primary key.*flush"):
        client.get("/notes/0")


def test_a_token_naming_a_class_no_longer_mapped_is_stale(app: Flask) -> None:
    serializer = app.extensions["server_actions"].serializer
    with pytest.raises(ValueError, match="no mapped class"):
        serializer.decode({"#x": ["model", ["gone.module:Gone", 1]]})
    with pytest.raises(ValueError, match="class and key"):
        serializer.decode({"#x": ["model", "1"]})


def test_a_row_forged_in_a_json_call_is_never_loaded(actions: ActionClient) -> None:
    # Only the token's values are decoded into rows; what a client sends is
    # plain JSON, so it cannot make the app load any row it names.
    forged = {"#x": ["model", ["tests.integrations.models_app:define_models.<locals>.Note", 1]]}
    result = actions.get("/notes/1").call("describe", forged)
    assert result.status_code == 200 and result.value == "dict"
