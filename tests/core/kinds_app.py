"""An app whose actions capture every kind of value and use every kind of
signature: the serialization and closure tests drive it."""

from __future__ import annotations

import datetime as dt
import decimal
import functools
import typing as t
import uuid
from dataclasses import dataclass

from flask import Flask
from flask import abort
from flask import render_template_string
from flask.views import MethodView
from werkzeug.datastructures import MultiDict

from flask_server_actions import ServerActions

from ..store import STORE
from . import decorated

Form = MultiDict[str, t.Any]

PAGE = """
{{ action.notice() }}
<form id="main" method="post">
  {{ action(act, *args) }}
  <input name="title" value="{{ action.value('title') }}">
  <button>Go</button>
</form>
"""


def page(act: t.Callable[..., t.Any], *args: object) -> str:
    """The page with one form, whose action is ``act(*args, form)``."""
    return render_template_string(PAGE, act=act, args=args)


@dataclass
class Row:
    """A database row, like an ORM's, captured by its primary key."""

    id: int
    title: str


#: The "database" rows are loaded from when a form is submitted.
DATABASE: dict[int, Row] = {}

UTC_PLUS_2 = dt.timezone(dt.timedelta(hours=2))
#: One value per tagged type, nested ones last.
SAMPLES: dict[str, object] = {
    "str": "héllo <b>&amp;</b>",
    "int": -(2**70),
    "float": 2.5,
    "bool": True,
    "none": None,
    "list": [1, "a", None],
    "dict": {"a": 1, "b": [2]},
    "dict-int-keys": {1: "one", (2, 3): "tuple key", None: 0},
    "dict-hash-key": {"#t": [1, 2]},
    "tuple": (1, "a"),
    "set": {1, 2, 3},
    "frozenset": frozenset({"x"}),
    "date": dt.date(2024, 2, 29),
    "datetime-naive": dt.datetime(2024, 2, 29, 13, 14, 15, 16),
    "datetime-aware": dt.datetime(2024, 2, 29, 13, 14, tzinfo=UTC_PLUS_2),
    "time": dt.time(23, 59, 58, 500),
    "timedelta": dt.timedelta(days=-1, seconds=5, microseconds=7),
    "uuid": uuid.UUID("12345678-1234-5678-1234-567812345678"),
    "decimal": decimal.Decimal("3.14159265358979323846"),
    "bytes": b"\x00\xffbinary",
    "nested": {"rows": [(dt.date(2024, 1, 1), {b"k"}), {"#x": frozenset({1})}]},
}


class Thing(MethodView):
    """A class-based view defined at module level."""

    def get(self, thing_id: int) -> str:
        def act(form: Form) -> None:
            "use server"
            STORE.append(("thing", thing_id, form["title"]))

        return page(act)


def load_row(row_id: int) -> Row:
    """Reload a row on submit; one deleted meanwhile is a 404."""
    if row_id not in DATABASE:
        abort(404)
    return DATABASE[row_id]


def create_app(type_name: str = "Row", **config: t.Any) -> Flask:
    app = Flask(__name__)
    app.config.update(SECRET_KEY="kinds secret", **config)
    actions = ServerActions(app)
    actions.register_type(Row, dump=lambda row: row.id, load=load_row, name=type_name)

    @app.get("/capture/<name>")
    def capture(name: str) -> str:
        value = SAMPLES[name]

        def act(form: Form) -> None:
            "use server"
            STORE.append(("captured", value))

        return page(act)

    @app.get("/bind/<name>")
    def bind(name: str) -> str:
        def act(value: object, form: Form) -> None:
            "use server"
            STORE.append(("bound", value))

        return page(act, SAMPLES[name])

    @app.get("/rows/<int:row_id>")
    def edit_row(row_id: int) -> str:
        row = DATABASE[row_id]

        def act(same_row: Row, form: Form) -> None:
            "use server"
            STORE.append(("row", row, same_row))

        return page(act, row)

    @app.get("/empty-cell")
    def empty_cell() -> str:
        def act(form: Form) -> None:
            "use server"
            try:
                STORE.append(("later", later))
            except NameError:
                STORE.append(("later", "unassigned"))

        html = page(act)
        later = "assigned after the page was rendered"  # noqa: F841 - read by act
        return html

    @app.get("/defaults")
    def defaults() -> str:
        def shout(text: str) -> str:  # a helper of the view, not an action
            return text.upper()

        greeting, mark = shout("hello"), "!"

        def act(form: Form, greeting: str = greeting, *, mark: str = mark) -> None:
            "use server"
            STORE.append(("defaults", greeting, mark, form["title"]))

        return page(act)

    @app.get("/no-form")
    def no_form() -> str:
        def act() -> None:
            "use server"
            STORE.append(("no form",))

        return page(act)

    @app.get("/varargs")
    def varargs() -> str:
        def act(*parts: t.Any) -> None:
            "use server"
            STORE.append(("varargs", parts[:-1], parts[-1]["title"]))

        return page(act, 1, "two")

    @app.get("/total")
    def total() -> str:
        def act(first: int, second: int, third: int) -> int:
            "use server"
            return first + second + third

        return render_template_string('<p id="token" {{ action.data(act) }}></p>', act=act)

    @app.get("/module/<name>")
    def module_action(name: str) -> str:
        return page(getattr(decorated, name))

    # A view that is not a plain function: `flask actions list` skips it.
    app.add_url_rule("/partial", "partial", functools.partial(str, "partial"))

    class LocalThing(MethodView):
        def get(self, thing_id: int) -> str:
            def act(form: Form) -> None:
                "use server"
                STORE.append(("local thing", thing_id, form["title"]))

            return page(act)

    app.add_url_rule("/things/<int:thing_id>", view_func=Thing.as_view("thing"))
    app.add_url_rule("/local-things/<int:thing_id>",
                     view_func=LocalThing.as_view("local_thing"))
    return app
