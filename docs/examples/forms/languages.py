"""Messages in the user's language, with the app's own wording for one
(docs/forms.rst)."""

from __future__ import annotations

import typing as t

from flask import Flask
from flask import render_template_string
from flask import request
from flask_babel import Babel

from flask_server_actions import ServerActions
from flask_server_actions.errors import AlreadySubmitted

app = Flask(__name__)
app.config["SECRET_KEY"] = "change me"
# Say one your way: the app's wording wins over the catalog, in every locale.
app.config["SERVER_ACTIONS_MESSAGES"] = {
    AlreadySubmitted.notice: "Got it already: no need to send it twice.",
}
ServerActions(app)
Babel(app, locale_selector=lambda: request.accept_languages.best_match(["en", "de", "fr", "es"]))

NOTES: list[str] = []


@app.get("/notes")
def notes() -> str:
    def add_note(form: t.Any) -> None:
        "use server"
        NOTES.append(form["text"])

    return render_template_string(
        """{{ action.notice() }}
        <form method="post">{{ action(add_note) }}
          <input name="text" value="{{ action.value('text') }}"><button>Add</button>
        </form>""", add_note=add_note)
