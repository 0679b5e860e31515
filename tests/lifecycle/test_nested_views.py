"""Views and decorators defined two functions deep (an app factory that
registers its pages from helpers): a wrapper without ``functools.wraps``
still hides the view it wraps, a helper beside the view is still only a
helper, and a class-based view served by an object of its own is named."""

from __future__ import annotations

import functools
import typing as t

import pytest
from flask import Flask
from flask import render_template_string
from flask.views import MethodView

from flask_server_actions import ServerActions
from flask_server_actions.errors import UnguardedView

from ..html import Page
from ..store import STORE

FORM = '<form method="post">{{ action(act) }}<button>Go</button></form>'


class BoardView(MethodView):
    def get(self) -> str:
        def act(form: t.Any) -> None:
            "use server"
            STORE.append(("board",))

        return render_template_string(FORM, act=act)


class OwnAsView:
    """What an ``as_view`` of its own could return: an object, not a function."""

    def __init__(self, view: t.Callable[..., t.Any]) -> None:
        self.view = view
        self.view_class = BoardView

    def __call__(self, **kwargs: t.Any) -> t.Any:
        return self.view(**kwargs)


def create_app() -> Flask:
    app = Flask(__name__)
    app.config.update(SECRET_KEY="nested views", TESTING=True)
    ServerActions(app)

    def make_checker() -> t.Callable[[t.Callable[..., str]], t.Callable[..., str]]:
        def no_wraps(view: t.Callable[..., str]) -> t.Callable[..., str]:
            def checked(**kwargs: t.Any) -> str:  # forgot functools.wraps
                return view(**kwargs)
            return checked
        return no_wraps

    def register_pages() -> None:
        @app.get("/hidden")
        @make_checker()
        def hidden() -> str:
            def act(form: t.Any) -> None:
                "use server"
                STORE.append(("hidden",))

            return render_template_string(FORM, act=act)

        def helper() -> str:
            def act(form: t.Any) -> None:
                "use server"
                STORE.append(("helper",))

            return render_template_string(FORM, act=act)

        @app.get("/helped")
        def helped() -> str:
            return helper()

    register_pages()
    own = OwnAsView(BoardView.as_view("board"))
    app.add_url_rule("/board", view_func=functools.wraps(own)(lambda **kwargs: own(**kwargs)))
    return app


def test_a_wrapper_without_wraps_two_functions_deep_still_hides_its_view() -> None:
    with pytest.raises(UnguardedView) as raised:
        create_app().test_client().get("/hidden")
    assert "create_app.<locals>.make_checker.<locals>.no_wraps.<locals>.checked" in (
        raised.value.decorator)
    assert str(raised.value).startswith(
        "The view 'create_app.<locals>.register_pages.<locals>.hidden' is wrapped by")


def test_a_helper_beside_a_view_two_functions_deep_is_only_a_helper() -> None:
    client = create_app().test_client()
    assert Page.get(client, "/helped").form().submit().status_code == 303
    assert STORE == [("helper",)]


def test_a_class_view_served_by_an_object_of_its_own_is_named() -> None:
    with pytest.raises(UnguardedView) as raised:
        create_app().test_client().get("/board")
    assert raised.value.decorator == "tests.lifecycle.test_nested_views.OwnAsView"
    assert str(raised.value).startswith(
        "The view class BoardView is served by tests.lifecycle.test_nested_views.OwnAsView,"
        " not by the function View.as_view makes")
