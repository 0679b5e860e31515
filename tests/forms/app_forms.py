"""An app with every kind of form an action can take: WTForms (decorated,
annotated, module-level), Flask-WTF with CSRFProtect, plain inputs, files."""

from __future__ import annotations

import typing as t

from flask import Flask
from flask import render_template_string
from flask_wtf import CSRFProtect
from flask_wtf import FlaskForm
from werkzeug.datastructures import FileStorage
from werkzeug.datastructures import MultiDict
from wtforms import BooleanField
from wtforms import FileField
from wtforms import Form
from wtforms import MultipleFileField
from wtforms import StringField
from wtforms.validators import DataRequired
from wtforms.validators import Length

from flask_server_actions import ActionError
from flask_server_actions import ServerActions
from flask_server_actions import action_state
from flask_server_actions import server_action

from ..store import STORE


class PostForm(Form):
    title = StringField("Title", [DataRequired(), Length(max=20)])
    published = BooleanField("Published")


class PostFlaskForm(FlaskForm):
    title = StringField("Title", [DataRequired()])


class UploadForm(Form):
    attachment = FileField("Attachment")
    photos = MultipleFileField("Photos")


NotAForm = dict

WTF_PAGE = """
{{ action.notice() }}
{% if state.value %}<p id="value">{{ state.value }}</p>{% endif %}
{% if state %}<p id="ref">[{{ state.ref }}]</p>{% endif %}
<form id="edit" method="post">
  {{ action(save) }}{% if csrf %}<input type="hidden" name="csrf_token" value="{{ csrf_token() }}">{% endif %}
  {{ form.title() }}{% for e in form.title.errors %}<span class="error">{{ e }}</span>{% endfor %}
  {% if form.published %}{{ form.published() }}{% endif %}
  <button>Save</button>
</form>
"""

PLAIN_PAGE = """
{{ action.notice() }}
<form id="plain" method="post" enctype="multipart/form-data">
  {{ action(save) }}
  <input name="name" value="{{ action.value('name', 'Ada') }}">
  {% for tag in ['red', 'green', 'blue'] %}
  <input type="checkbox" name="tags" value="{{ tag }}" id="tag-{{ tag }}"
         {% if action.checked('tags', tag, tag == 'green') %}checked{% endif %}>{% endfor %}
  <select name="sizes" multiple>{% for size in ['s', 'm', 'l'] %}
    <option {% if size in action.values('sizes', ['m']) %}selected{% endif %}>{{ size }}</option>
  {% endfor %}</select>
  <input type="file" name="attachment"><input type="file" name="photos" multiple>
  <button>Save</button>
</form>
"""

UPLOAD_PAGE = """
<form id="upload" method="post" enctype="multipart/form-data">
  {{ action(save) }}<input type="file" name="attachment"><input type="file" name="photos" multiple>
  <button>Send</button>
</form>
"""


def describe(file: FileStorage) -> tuple[str, bytes]:
    return (file.filename or "", file.read())


@server_action(form=PostForm)
def publish(form: PostForm) -> str:
    STORE.append(("publish", form.title.data))
    return f"published {form.title.data}"


@server_action
def annotated_publish(form: PostForm) -> None:
    STORE.append(("annotated_publish", form.title.data))


def _render(save: t.Callable[..., t.Any], title: str = "Hello",
            form_class: type[Form] = PostForm) -> str:
    state = action_state(save)
    form = state.form_for(form_class, data={"title": title})
    return render_template_string(WTF_PAGE, save=save, form=form, state=state, csrf=False)


def create_app(**config: t.Any) -> Flask:
    app = Flask(__name__)
    app.config.update(SECRET_KEY="forms secret", **config)
    ServerActions(app)
    CSRFProtect(app)

    @app.get("/posts/<int:post_id>")
    def edit_post(post_id: int) -> str:
        @server_action(form=PostForm)
        def save(form: PostForm) -> t.Any:
            title = form.title.data
            STORE.append(("save", post_id, title, form.published.data))
            if title == "taken":
                raise ActionError("That title is taken.", field="title")
            if title == "whole":
                raise ActionError("Something is off with the whole form.")
            if title == "state":
                return f"{post_id} saved"
            return None

        return _render(save)

    @app.get("/annotated")
    def annotated() -> str:
        # The return annotation names what only a type checker sees.
        def save(form: PostForm) -> TypeCheckingOnly:  # type: ignore[name-defined]  # noqa: F821
            "use server"
            STORE.append(("annotated", form.title.data))

        return _render(save)

    @app.get("/bound/<int:post_id>")
    def bound(post_id: int) -> str:
        def save(pid: int, form: PostForm) -> None:
            "use server"
            STORE.append(("bound", pid, form.title.data))

        form = action_state(save).form_for(PostForm)
        return render_template_string(
            '<form method="post">{{ action(save, pid) }}{{ form.title() }}<button>Go</button></form>',
            save=save, pid=post_id, form=form)

    @app.get("/raw")
    def raw() -> str:
        def save(form: Undefined) -> None:  # type: ignore[name-defined]  # noqa: F821
            "use server"
            STORE.append(("raw", form["title"]))

        def untyped(form):  # type: ignore[no-untyped-def]
            "use server"
            STORE.append(("untyped", form["title"]))

        return render_template_string(
            '<form method="post">{{ action(save) }}<input name="title"><button>Go</button>'
            '<button id="untyped" {{ action.button(untyped) }}>Go</button></form>',
            save=save, untyped=untyped)

    @app.get("/module")
    def module_level() -> str:
        return _render(publish)

    @app.get("/module-annotated")
    def module_annotated() -> str:
        return _render(annotated_publish)

    @app.route("/flask-wtf", methods=["GET", "POST"])
    def flask_wtf() -> str:
        def save(form: PostFlaskForm) -> None:
            "use server"
            STORE.append(("flask_wtf", form.title.data))

        state = action_state(save)
        form = state.form_for(PostFlaskForm, data={"title": "Hello"})
        return render_template_string(WTF_PAGE, save=save, form=form, state=state, csrf=True)

    @app.get("/plain")
    def plain() -> str:
        def save(form: MultiDict[str, t.Any]) -> None:
            "use server"
            if form["name"] == "taken":
                raise ActionError("That name is taken.", field="name")
            files = {key: [describe(f) for f in form.getlist(key) if isinstance(f, FileStorage)]
                     for key in ("attachment", "photos")}
            STORE.append(("plain", form["name"], form.getlist("tags"),
                          form.getlist("sizes"), files))

        return render_template_string(PLAIN_PAGE, save=save)

    @app.get("/uploads")
    def uploads() -> str:
        def save(form: UploadForm) -> None:
            "use server"
            photos = [describe(photo) for photo in form.photos.data]
            STORE.append(("uploads", describe(form.attachment.data), photos))

        return render_template_string(UPLOAD_PAGE, save=save)

    @app.route("/echo", methods=["POST"])
    def echo() -> str:
        from flask import request
        return f"echo {sorted(request.form)}"

    return app
