"""Several apps from one factory: what is registered on the extension an app
was given to (``ServerActions(app)``) is that app's, with no app context;
on a shared extension, hooks and types registered in an app's context are
that app's own; the pattern that would share them by mistake is an error."""

from __future__ import annotations

import typing as t

import pytest
from flask import Flask
from flask.testing import FlaskClient

from docs.examples.quickstart.factory import Room
from docs.examples.quickstart.factory import create_app
from flask_server_actions import ServerActions
from flask_server_actions.errors import DuplicateRegistration

from ..html import Page


def signed_in(app: Flask, user: str = "ada") -> FlaskClient:
    client = app.test_client()
    with client.session_transaction() as session:
        session["user"] = user
    return client


def book(client: FlaskClient) -> int:
    return Page.get(client, "/rooms/1").form().submit().status_code


def test_a_post_to_one_app_runs_only_that_apps_hooks() -> None:
    open_rooms, closed_rooms = {1: Room(1, "Open")}, {1: Room(1, "Closed")}
    open_app = create_app(open_rooms)
    closed_app = create_app(closed_rooms, closed=True)  # created last: its hook must stay its own
    assert book(signed_in(open_app)) == 303
    assert book(signed_in(closed_app)) == 503
    assert (open_rooms[1].bookings, closed_rooms[1].bookings) == (["ada"], [])


def test_each_app_loads_bound_values_with_its_own_types() -> None:
    first, second = {1: Room(1, "First")}, {1: Room(1, "Second")}
    first_app, _ = create_app(first), create_app(second)
    assert book(signed_in(first_app)) == 303
    assert (first[1].bookings, second[1].bookings) == (["ada"], [])


def test_a_check_the_factory_registers_checks_every_app() -> None:
    for app in (create_app({1: Room(1, "A")}), create_app({1: Room(1, "B")})):
        page = Page.get(app.test_client(), "/rooms/1")
        assert page.form().submit().status_code == 401


def test_a_shared_extensions_hook_for_every_app_registered_by_a_factory_is_an_error(
        ) -> None:
    shared = ServerActions()

    def factory() -> Flask:
        app = Flask(__name__)
        shared.init_app(app)

        @shared.before_action  # outside the app's context: for every app
        def check(call: t.Any) -> None:
            pass

        return app

    factory()
    with pytest.raises(DuplicateRegistration, match=r"ServerActions\(app\)"):
        factory()


def test_a_type_for_every_app_registered_again_with_other_functions_is_an_error() -> None:
    shared = ServerActions()
    shared.register_type(Room, dump=id, load=str)
    shared.register_type(Room, dump=id, load=str)  # the same functions: harmless
    with pytest.raises(DuplicateRegistration, match="app_context"):
        shared.register_type(Room, dump=lambda room: room.id, load=str)


def test_an_apps_hooks_are_listed_on_its_extension() -> None:
    ext = create_app({}).extensions["server_actions"]
    assert [hook.__name__ for hook in ext.before_action_funcs] == [
        "signed_in", "open_for_bookings"]


def test_types_for_every_app_serve_an_app_with_its_own_whenever_registered() -> None:
    shared = ServerActions()
    app = Flask(__name__)
    shared.init_app(app)
    with app.app_context():
        shared.register_type(Room, dump=lambda room: room.id, load=str)
        shared.register_type(complex, dump=str, load=complex)
    shared.register_type(range, dump=lambda r: [r.start, r.stop], load=lambda p: range(*p))
    with app.app_context():
        assert shared.serializer.decode(shared.serializer.encode(range(2, 5))) == range(2, 5)
        assert shared.serializer.decode(shared.serializer.encode(1j)) == 1j
    # Outside any app: the types for every app only.
    assert shared.serializer.decode(shared.serializer.encode(range(2, 5))) == range(2, 5)
    with pytest.raises(TypeError):
        shared.serializer.encode(1j)


def test_sqlalchemy_rows_set_up_by_a_factory_for_every_app_are_no_error() -> None:
    # Flask-SQLAlchemy's db.session serves every app: registering it again
    # for each app the factory makes replaces the registration.
    from sqlalchemy.orm import DeclarativeBase
    from sqlalchemy.orm import Session

    class Base(DeclarativeBase):
        pass

    shared = ServerActions()
    for _ in range(2):
        shared.init_app(Flask(__name__))
        shared.use_sqlalchemy(Session(), Base)
    # ... and its rollback runs once per re-render, not once per app made.
    assert len(shared.before_rerender_funcs) == 1


def test_rerender_hooks_registered_in_an_app_context_are_that_apps_own() -> None:
    shared = ServerActions()
    first, second = Flask(__name__), Flask(__name__)
    calls: list[str] = []
    for name, app in (("first", first), ("second", second)):
        shared.init_app(app)
        with app.app_context():
            shared.before_rerender(lambda name=name: calls.append(name))

    def everywhere() -> None:
        calls.append("every app")

    shared.before_rerender(everywhere)
    for hook in shared.rerender_hooks(second):
        hook()
    assert calls == ["every app", "second"]


def test_sqlalchemy_rows_set_up_in_an_app_context_roll_back_that_app_only() -> None:
    from sqlalchemy.orm import DeclarativeBase
    from sqlalchemy.orm import Session

    class Base(DeclarativeBase):
        pass

    shared = ServerActions()
    app, other = Flask(__name__), Flask(__name__)
    shared.init_app(app)
    shared.init_app(other)
    with app.app_context():
        shared.use_sqlalchemy(Session(), Base)
    assert shared.before_rerender_funcs == []
    assert len(shared.rerender_hooks(app)) == 1
    assert shared.rerender_hooks(other) == []
