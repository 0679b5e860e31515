"""The app the security tests attack: one page per property."""

from __future__ import annotations

import json
import typing as t

from flask import Flask
from flask import Response
from flask import redirect
from flask import render_template_string
from flask import request
from flask import session
from werkzeug.middleware.proxy_fix import ProxyFix
from wtforms import Form
from wtforms import StringField
from wtforms.validators import Length

from flask_server_actions import ActionStore
from flask_server_actions import ServerActions
from flask_server_actions import server_action

from ..store import STORE
from . import app_actions
from . import app_checks

#: What the confidentiality tests look for in the HTML.
SECRET = "cap-secret: Tr0ub4dor&3 correct horse battery staple"

FORM = """
{{ action.notice() }}
<form id="form" method="post">
  {{ action(fn, *args) }}
  <input name="x" value="{{ action.value('x') }}">
  <button>Go</button>
</form>
"""


CALLS = """
<form id="form" method="post">{{ action(delete) }}<button>Delete</button></form>
<button id="rename" {{ action.data(rename) }}>Rename</button>
<button id="tag" {{ action.data(tag, row) }}>Tag</button>
<button id="review" {{ action.data(review) }}>Review</button>
<button id="search" {{ action.data(search) }}>Search</button>
<button id="fields" {{ action.data(fields) }}>Fields</button>
"""


class ReviewForm(Form):
    note = StringField(validators=[Length(max=10)])


class FieldsForm(Form):
    """Whatever a call sends for these names, as the form receives it."""

    tags = StringField()
    agree = StringField()
    spam = StringField()
    gone = StringField()
    count = StringField()
    price = StringField()
    name = StringField()


def page(fn: t.Callable[..., t.Any], *args: object) -> str:
    return render_template_string(FORM, fn=fn, args=args)


def create_app(secret: str = "security secret", name: str = __name__,
               store: ActionStore | None = None, proxy_fix: bool = False,
               merge_slashes: bool = True, **config: t.Any) -> Flask:
    app = Flask(name)
    app.url_map.merge_slashes = merge_slashes
    app.config.update(SECRET_KEY=secret, **config)
    actions = ServerActions(app, store=store)
    if proxy_fix:
        app.wsgi_app = ProxyFix(app.wsgi_app, x_host=1)  # type: ignore[method-assign]

    @app.get("/plain")
    def plain() -> str:
        def save(form: t.Any) -> None:
            "use server"
            STORE.append(("save", form["x"]))

        return page(save)

    @app.get("/secret")
    def secret_page() -> str:
        secret = SECRET

        def reveal(form: t.Any) -> None:
            "use server"
            STORE.append(("reveal", secret))

        return page(reveal)

    @app.get("/secret-bound")
    def secret_bound_page() -> str:
        # The secret as a bound argument: it travels in the token's row part.
        def reveal_bound(value: str, form: t.Any) -> None:
            "use server"
            STORE.append(("reveal", value))

        return page(reveal_bound, SECRET)

    @app.get("/pay")
    def pay() -> str:
        @server_action(once=True)
        def charge(form: t.Any) -> None:
            STORE.append(("charge", form["x"]))

        return page(charge)

    @app.get("/pay-state")
    def pay_state() -> str:
        @server_action(once=True)
        def charge_and_show(form: t.Any) -> str:
            STORE.append(("charge_and_show", form["x"]))
            return "charged"

        return page(charge_and_show)

    @app.get("/transfer")
    def transfer() -> str:
        return page(app_actions.transfer, 10)

    @app.get("/admin/<int:item>")
    def admin(item: int) -> str:
        @server_action(require=app_checks.admin_only)
        def purge(form: t.Any) -> None:
            STORE.append(("purge", item))

        return page(purge)

    @app.get("/members")
    def members() -> str:
        @server_action(require=app_checks.login_page)
        def post_message(form: t.Any) -> None:
            STORE.append(("post_message", form["x"]))

        return page(post_message)

    @app.get("/lambda-check")
    def lambda_check() -> str:
        @server_action(require=lambda call: None)
        def guarded(form: t.Any) -> None:
            STORE.append(("guarded", form["x"]))

        return page(guarded)

    @app.get("/late")
    def late() -> str:
        def uses_later(form: t.Any) -> None:
            "use server"
            STORE.append(("late", later))

        html = page(uses_later)
        later = 1
        return html + str(later)

    @app.get("/capture/<kind>")
    def capture(kind: str) -> str:
        values: dict[str, t.Any] = {"huge": "x" * 10_000, "deep": [], "fine": "ok"}
        nested = values["deep"]
        for _ in range(40):
            nested.append([])
            nested = nested[0]
        blob = values[kind]

        def keep(form: t.Any) -> None:
            "use server"
            STORE.append(("keep", len(str(blob))))

        return page(keep)

    @app.get("/go")
    def go() -> str:
        def leave(form: t.Any) -> t.Any:
            "use server"
            STORE.append(("leave", form["x"]))
            return redirect(form["x"])

        return page(leave)

    @app.get("/hx-headers")
    def hx_headers() -> str:
        def answer(form: t.Any) -> Response:
            "use server"
            # The answer's headers, as [name, value] pairs in JSON.
            response = Response()
            for name, value in json.loads(form["x"]):
                response.headers.add(name, value)
            return response

        return page(answer)

    @app.get("/cached")
    def cached() -> t.Any:
        def save(form: t.Any) -> None:
            "use server"
            STORE.append(("cached", form["x"]))

        response = app.make_response(page(save))
        response.cache_control.public = True
        response.cache_control.max_age = 600
        response.cache_control.s_maxage = 3600
        response.headers["Surrogate-Control"] = "max-age=3600"
        response.headers["CDN-Cache-Control"] = "max-age=3600"
        return response

    @app.get("/uncached")
    def uncached() -> t.Any:
        response = app.make_response("no form here")
        response.cache_control.public = True
        response.cache_control.max_age = 600
        return response

    @app.get("/rows/<int:row>")
    def rows(row: int) -> str:
        # The usual way to bind a loop value: a default sealed in the token.
        def delete(form: t.Any, row_id: int = row) -> None:
            "use server"
            STORE.append(("delete", row_id, form))

        def rename(name: t.Any, row_id: int = row) -> dict[str, t.Any]:
            "use server"
            STORE.append(("rename", row_id, name))
            return {"row": row_id, "name": name}

        def tag(row_id: int, label: t.Any) -> None:
            "use server"
            STORE.append(("tag", row_id, label))

        @server_action(form=ReviewForm)
        def review(form: t.Any) -> str:
            STORE.append(("review", row, form.note.data))
            return "reviewed"

        @server_action(form=FieldsForm)
        def fields(form: FieldsForm) -> dict[str, list[str]]:
            return {field.name: field.raw_data for field in form if field.raw_data}

        return render_template_string(CALLS, row=row, delete=delete, rename=rename, tag=tag,
                                      review=review, search=app_actions.page_of,
                                      fields=fields)

    @app.get("/<path:anywhere>")
    def anywhere(anywhere: str) -> str:
        def note(form: t.Any) -> None:
            "use server"
            STORE.append(("note", anywhere))

        return page(note)

    @app.post("/login")
    def login() -> str:
        session["member"] = True
        if request.args.get("admin"):
            session["admin"] = True
        return "ok"

    @app.post("/logout")
    def logout() -> str:
        session.clear()
        return "bye"


    app.extensions["test.actions"] = actions
    return app
