"""Pages behind Flask-Caching's ``@cache.cached`` shown again after a failed
action: each is its own page, rendered through the rest of its decorators
(the cache alone left out)."""

from __future__ import annotations

import functools
import typing as t

from flask import Flask
from flask import render_template_string
from flask_caching import Cache

from flask_server_actions import ActionError
from flask_server_actions import ServerActions

from ..html import Page

PAGE = """<h1>{{ title }} of {{ member }}</h1>{{ action.notice() }}
<form method="post">{{ action(add) }}<input name="text" value="{{ action.value('text') }}"><button>Add</button></form>"""


def as_member(view: t.Callable[..., str]) -> t.Callable[..., str]:
    """Gives the view who is looking, which the page shows."""
    @functools.wraps(view)
    def wrapper(**kwargs: t.Any) -> str:
        return view(member="ann", **kwargs)
    return wrapper


def create_app() -> Flask:
    app = Flask(__name__)
    app.config.update(SECRET_KEY="cached views", CACHE_TYPE="SimpleCache")
    cache = Cache(app)
    ServerActions(app)

    def page(title: str, member: str) -> str:
        def add(form: t.Any) -> None:
            "use server"
            raise ActionError(f"{title} is read-only.")

        return render_template_string(PAGE, title=title, member=member, add=add)

    @app.get("/board")
    @cache.cached(timeout=300)
    @as_member
    def board(member: str) -> str:
        return page("Board", member)

    @app.get("/wall")
    @cache.cached(timeout=300)
    @as_member
    def wall(member: str) -> str:
        return page("Wall", member)

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
