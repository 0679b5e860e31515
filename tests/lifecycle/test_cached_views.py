"""Pages behind Flask-Caching's ``@cache.cached`` shown again after a failed
action: each is its own page, rendered through the rest of its decorators
(the cache alone left out)."""

from __future__ import annotations

import functools
import typing as t

from flask import Flask
from flask import g
from flask import render_template_string
from flask_caching import Cache

from flask_server_actions import ActionError
from flask_server_actions import ServerActions

from ..html import Page

PAGE = """<h1>{{ title }} of {{ g.member }}</h1>{{ action.notice() }}
<form method="post">{{ action(add) }}<input name="text" value="{{ action.value('text') }}"><button>Add</button></form>"""


def as_member(view: t.Callable[..., str]) -> t.Callable[..., str]:
    """Sets who is looking, which the page shows."""
    @functools.wraps(view)
    def wrapper(**kwargs: t.Any) -> str:
        g.member = "ann"
        return view(**kwargs)
    return wrapper


def create_app() -> Flask:
    app = Flask(__name__)
    app.config.update(SECRET_KEY="cached views", CACHE_TYPE="SimpleCache")
    cache = Cache(app)
    ServerActions(app)

    def page(title: str) -> str:
        def add(form: t.Any) -> None:
            "use server"
            raise ActionError(f"{title} is read-only.")

        return render_template_string(PAGE, title=title, add=add)

    @app.get("/board")
    @cache.cached(timeout=300)
    @as_member
    def board() -> str:
        return page("Board")

    @app.get("/wall")
    @cache.cached(timeout=300)
    @as_member
    def wall() -> str:
        return page("Wall")

    return app


def test_each_cached_page_is_shown_again_as_itself_through_its_other_decorators() -> None:
    client = create_app().test_client()
    for url, title in [("/board", "Board"), ("/wall", "Wall")]:
        response = Page.get(client, url).form().submit(text="hello")
        assert response.status_code == 422
        shown = Page(client, url, response)
        assert shown.text("h1") == f"{title} of ann"
        assert shown.text(".action-notice") == f"{title} is read-only."
        assert 'value="hello"' in response.get_data(as_text=True)
