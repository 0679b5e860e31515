"""An app in its users' languages: Flask-Babel picks the locale from the
``Accept-Language`` header; pages with a plain form, a Flask-WTF form, a
rate-limited action and a JSON call."""

from __future__ import annotations

import typing as t

from flask import Flask
from flask import render_template_string
from flask import request
from flask_babel import Babel
from flask_wtf import FlaskForm
from wtforms import StringField
from wtforms.validators import DataRequired

from flask_server_actions import ServerActions
from flask_server_actions import server_action

from ..store import STORE

PAGE = """<title>{{ action.title("Page") }}</title>{{ action.notice() }}
<form id="form" method="post">{{ action(act) }}{{ action.error_summary() }}
<input name="title" value="{{ action.value('title') }}">
{% if form %}{{ form.title.errors|join(' ') }}{% endif %}<button>Go</button></form>"""


class TitleForm(FlaskForm):
    title = StringField(validators=[DataRequired()])


def create_app(**config: t.Any) -> Flask:
    app = Flask(__name__)
    app.config.update(SECRET_KEY="messages secret", **config)
    ServerActions(app)
    Babel(app, locale_selector=lambda: request.accept_languages.best_match(
        ["en", "de", "fr", "es"]))

    @app.get("/plain")
    def plain() -> str:
        def save(form: t.Any) -> None:
            "use server"
            STORE.append(("save", form["title"]))

        return render_template_string(PAGE, act=save, form=None)

    @app.get("/validated")
    def validated() -> str:
        @server_action(form=TitleForm)
        def save_title(form: TitleForm) -> None:
            STORE.append(("save", form.title.data))

        from flask_server_actions import action_state

        return render_template_string(PAGE, act=save_title,
                                      form=action_state(save_title).form)

    @app.get("/limited")
    def limited() -> str:
        @server_action(limit="1/minute")
        def once_a_minute(form: t.Any) -> None:
            STORE.append(("limited", form["title"]))

        return render_template_string(PAGE, act=once_a_minute, form=None)

    return app
