"""An app with every kind of control, for the test client's tests."""

from __future__ import annotations

import typing as t

from flask import Flask
from flask import redirect
from flask import render_template
from flask import render_template_string
from flask import request
from jinja2 import DictLoader
from werkzeug.datastructures import MultiDict
from wtforms import Form
from wtforms import StringField
from wtforms.validators import DataRequired
from wtforms.validators import Length

from flask_server_actions import ActionError
from flask_server_actions import ServerActions
from flask_server_actions import server_action

from ..store import STORE

PAGE = """<h1>Inbox</h1>{{ action.notice() }}
<form id="compose" method="post">{{ action(send) }}
  <input name="to" value="ann">
  <input type="hidden" name="kind" value="mail">
  <input name="off" value="x" disabled>
  <input type="checkbox" name="urgent" value="yes">
  <input type="checkbox" name="copy" checked>
  <input type="radio" name="tone" value="warm">
  <input type="radio" name="tone" value="dry" checked>
  <input type="file" name="attachment">
  <textarea name="body">
Hello</textarea>
  <select name="lang"><option>en</option><option value="fr">French</option></select>
  <select name="tags" multiple><option selected>a</option><option value="b" selected>B</option>
    <option>c</option></select>
  <select name="empty" multiple><option>z</option></select>
  <button>Send</button>
  <button {{ action.button(discard, 7) }}>Discard <b>draft</b></button>
  <input type="submit" value="Send later" name="later">
  <button type="button">Not a submit button</button>
</form>
<form id="search" action="/search?old=1"><input name="q" value="x"><button>Search</button></form>
<form id="bare" method="post">{{ action(send) }}<input name="to"></form>
<div {{ action.data(add, 2) }}></div>
<div {{ action.data(refuse) }}></div>
<div data-server-action="not a token"></div></button><input name="outside">
"""


@server_action
def send(form: MultiDict[str, t.Any]) -> t.Any:
    STORE.append(("send", sorted(form.items(multi=True))))
    if form.get("to") == "nobody":
        raise ActionError("Nobody cannot receive mail.", field="to")
    if form.get("to") == "back":
        return "sent back"
    return None


@server_action
def discard(draft: int, form: MultiDict[str, t.Any]) -> t.Any:
    STORE.append(("discard", draft))
    return redirect("/search?q=discarded")


@server_action
def add(bound: int, sent: int) -> dict[str, int]:
    return {"sum": bound + sent}


@server_action
def refuse() -> None:
    raise ActionError("No.")


UPLOADS = """<form id="upload" method="post" enctype="multipart/form-data">{{ action(upload) }}
  <input name="title" value="Report"><input type="file" name="doc">
  <input type="file" name="more" multiple><button>Upload</button>
</form>
<form id="urlencoded" method="post">{{ action(upload) }}<input type="file" name="doc">
  <button>Upload</button></form>
"""

NOTES = {"notes.html": """<h1>Notes</h1>
{% block notes %}<ul id="notes">{% for note in notes %}<li>{{ note }}</li>{% endfor %}</ul>
{% endblock %}
{{ action.form(add_note, block="notes", target="#notes", id="add") }}<input name="text">
  <button>Add</button></form>
<form id="leave" method="post">{{ action(leave) }}<button>Leave</button></form>
<form method="post"><button id="clear" {{ action.button(clear_notes, block="notes",
  target="#notes") }}>Clear</button></form>
"""}


@server_action
def upload(form: MultiDict[str, t.Any]) -> None:
    files = [(name, file.filename, file.content_type, file.read())
             for name, file in form.items(multi=True) if hasattr(file, "filename")]
    STORE.append(("upload", form.get("title"), files))


@server_action
def add_note(form: MultiDict[str, t.Any]) -> None:
    STORE.append(("note", form["text"], request.headers.get("X-Team")))


@server_action
def clear_notes(form: MultiDict[str, t.Any]) -> None:
    STORE[:] = [entry for entry in STORE if entry[0] != "note"]


@server_action
def leave(form: MultiDict[str, t.Any]) -> t.Any:
    return redirect("/uploads")


class TitleForm(Form):
    title = StringField("Title", [DataRequired(), Length(max=5)])
    body = StringField("Body", [Length(max=5)])


@server_action(form=TitleForm)
def retitle(form: TitleForm) -> None:
    STORE.append(("retitle", form.title.data))


TITLED = """{{ action.notice() }}<p role="alert"> </p>
<form id="titled" method="post" enctype="multipart/form-data">{{ action(retitle) }}
  {{ action.error_summary() }}
  <label for="title">Title</label><input {{ action.field("title") }}>{{ action.field_error("title") }}
  <label for="body">Body</label><input {{ action.field("body") }}>{{ action.field_error("body") }}
  <input type="file" name="doc"><button>Save</button></form>
"""


@server_action
def sign_in(form: MultiDict[str, t.Any]) -> t.Any:
    return redirect(request.args.get("next", "/"))


def create_app() -> Flask:
    app = Flask(__name__)
    app.config["SECRET_KEY"] = "testing secret"
    app.jinja_loader = DictLoader(NOTES)
    ServerActions(app)

    @app.route("/")
    def inbox() -> str:
        return render_template_string(
            PAGE + '{% if action_state().value %}<p id="value">{{ action_state().value }}</p>'
            "{% endif %}", send=send, discard=discard, add=add, refuse=refuse)

    @app.get("/search")
    def search() -> str:
        return f"found {request.args.get('q')} old={request.args.get('old')}"

    @app.get("/uploads")
    def uploads() -> str:
        return render_template_string(UPLOADS, upload=upload)

    @app.get("/notes")
    def notes() -> str:
        notes = [entry[1] for entry in STORE if entry[0] == "note"]
        return render_template("notes.html", notes=notes, add_note=add_note, leave=leave,
                               clear_notes=clear_notes)

    @app.get("/one")
    def one() -> str:
        return render_template_string('<form method="post">{{ action(send) }}<input name="to">'
                                      "<button>Go</button></form>", send=send)

    @app.before_request
    def files_validated() -> None:
        if "Precognition" in request.headers:
            STORE.append(("validated", request.mimetype, sorted(request.files)))

    @app.get("/titled")
    def titled() -> str:
        return render_template_string(TITLED, retitle=retitle)

    @app.get("/signin")
    @app.get("/in/<path:place>")
    def signin(place: str = "") -> str:
        return render_template_string('<form method="post">{{ action(sign_in) }}'
                                      "<button>Sign in</button></form>", sign_in=sign_in)

    return app
