"""A table whose rows each bind one of two actions: tokens that share an
envelope per action and differ in their row parts."""

from __future__ import annotations

import typing as t

from flask import Flask
from flask import render_template_string

from flask_server_actions import ServerActions

from ..store import STORE

TABLE = """{% for row in rows %}
<form id="remove-{{ row }}" method="post">{{ action(remove, row) }}<button>Remove</button></form>
<form id="archive-{{ row }}" method="post">{{ action(archive, row) }}<button>Archive</button></form>
{% endfor %}
<form id="clear" method="post">{{ action(clear) }}<button>Clear</button></form>"""


def remove(row: int, form: t.Any) -> None:
    """use server"""
    STORE.append(("remove", row))


def archive(row: int, form: t.Any) -> None:
    """use server"""
    STORE.append(("archive", row))


def create_app() -> Flask:
    app = Flask(__name__)
    app.config.update(SECRET_KEY="table secret", SERVER_ACTIONS_THROTTLE=None)
    ServerActions(app)

    @app.get("/table")
    def table() -> str:
        def clear(form: t.Any) -> None:
            "use server"
            STORE.append(("clear",))

        return render_template_string(TABLE, rows=(1, 2, 3), remove=remove,
                                      archive=archive, clear=clear)

    return app
