"""A small real app for the request lifecycle of an action post: blueprints
with their own guards, an app-level guard and URL preprocessor, a
``functools.wraps`` login decorator and Flask-Login's, a webhook that reads
its raw body, a page with its own POST view, a GET+POST view with a
Flask-WTF form, and a streamed page."""

from __future__ import annotations

import functools
import hashlib
import hmac
import typing as t

from flask import Blueprint
from flask import Flask
from flask import abort
from flask import current_app
from flask import g
from flask import redirect
from flask import render_template_string
from flask import request
from flask import session
from flask import stream_template_string
from flask import url_for
from flask_login import LoginManager
from flask_login import UserMixin
from flask_login import current_user
from flask_login import login_required as flask_login_required
from flask_login import login_user
from flask_login import logout_user
from flask_wtf import CSRFProtect
from flask_wtf import FlaskForm
from werkzeug.datastructures import MultiDict
from wtforms import StringField
from wtforms.validators import DataRequired

from flask_server_actions import ActionError
from flask_server_actions import ServerActions
from flask_server_actions import htmx
from flask_server_actions import server_action

from ..store import STORE
from . import team_actions

Form = MultiDict[str, t.Any]
#: What app-level hooks saw, one entry per request.
SEEN: list[dict[str, t.Any]] = []
#: Team names, by id.
TEAMS: dict[int, str] = {}

PAGE = """{{ action.notice() }}
<form id="main" method="post">{{ action(act, *args) }}
<input name="title" value="{{ action.value('title') }}"><button>Go</button></form>
<p id="lang">{{ lang }}</p>"""


#: The key a webhook's sender signs its body with.
WEBHOOK_KEY = b"webhook key"


@server_action(scope="app")
def search(form: Form) -> None:
    STORE.append(("search", form.get("title")))


def page(act: t.Callable[..., t.Any], *args: object, **context: t.Any) -> str:
    return render_template_string(PAGE, act=act, args=args, **context)


def login_required(view: t.Callable[..., t.Any]) -> t.Callable[..., t.Any]:
    """A hand-written login check, as apps write them."""
    @functools.wraps(view)
    def wrapper(*args: t.Any, **kwargs: t.Any) -> t.Any:
        if not session.get("user"):
            return redirect(url_for("sign_in", next=request.path))
        return view(*args, **kwargs)
    return wrapper


def feature(name: str) -> t.Callable[[t.Callable[..., t.Any]], t.Callable[..., t.Any]]:
    """A decorator with arguments: the page exists only while a flag is on."""
    def decorate(view: t.Callable[..., t.Any]) -> t.Callable[..., t.Any]:
        @functools.wraps(view)
        def wrapper(*args: t.Any, **kwargs: t.Any) -> t.Any:
            if name not in session.get("flags", ()):
                abort(404)
            return view(*args, **kwargs)
        return wrapper
    return decorate


def unwrapped_decorator(view: t.Callable[..., t.Any]) -> t.Callable[..., t.Any]:
    """A decorator that forgot functools.wraps."""
    def wrapper(*args: t.Any, **kwargs: t.Any) -> t.Any:
        return view(*args, **kwargs)
    return wrapper


class CachedCheck:
    """A decorator that is an object, not a closure: it cannot be rebuilt
    around an action."""

    def __init__(self, view: t.Callable[..., t.Any]) -> None:
        functools.update_wrapper(self, view)
        self.view = view

    def __call__(self, *args: t.Any, **kwargs: t.Any) -> t.Any:
        return self.view(*args, **kwargs)


def async_decorator(view: t.Callable[..., t.Any]) -> t.Callable[..., t.Any]:
    """An async wrapper: it would await the action as if it were the view."""
    @functools.wraps(view)
    async def wrapper(*args: t.Any, **kwargs: t.Any) -> t.Any:
        return await view(*args, **kwargs)
    return wrapper


def indirect(view: t.Callable[..., t.Any]) -> t.Callable[..., t.Any]:
    """A wrapper that reaches the view through a list, not a closure cell."""
    box = [view]

    @functools.wraps(view)
    def wrapper(*args: t.Any, **kwargs: t.Any) -> t.Any:
        return box[0](*args, **kwargs)
    return wrapper


def with_unassigned(view: t.Callable[..., t.Any]) -> t.Callable[..., t.Any]:
    """A wrapper closing over a name its decorator never assigns (an empty
    cell next to the view's)."""
    @functools.wraps(view)
    def wrapper(*args: t.Any, **kwargs: t.Any) -> t.Any:
        if not view:
            return never_set()  # pragma: no cover
        return view(*args, **kwargs)
    return wrapper
    never_set = None  # pragma: no cover


class User(UserMixin):
    def __init__(self, user_id: str) -> None:
        self.id = user_id


class TitleForm(FlaskForm):
    title = StringField(validators=[DataRequired()])


def labelled_action(label: str) -> t.Callable[..., t.Any]:
    """A helper that defines the action for the view that calls it."""
    def label_it(form: Form) -> None:
        "use server"
        STORE.append(("labelled", label, form["title"]))

    return label_it


def view_for(label: str) -> t.Callable[..., t.Any]:
    """A view made by a factory, taking any view arguments."""
    def labelled(**kwargs: t.Any) -> str:
        return page(labelled_action(label))

    return labelled


staff = Blueprint("staff", __name__, url_prefix="/staff")
admin = Blueprint("admin", __name__, url_prefix="/admin")


@admin.before_request
def admins_only() -> None:
    if session.get("role") != "admin":
        abort(403)


@admin.get("/")
def settings() -> str:
    def rename_site(form: Form) -> None:
        "use server"
        STORE.append(("rename site", form["title"]))

    return page(rename_site)


@staff.get("/desk")
def desk() -> str:
    def file_report(form: Form) -> None:
        "use server"
        STORE.append(("report", form["title"]))

    return page(file_report)


def create_app(**config: t.Any) -> Flask:
    app = Flask(__name__)
    app.config.update(SECRET_KEY="lifecycle secret", TESTING=True,
                      SERVER_ACTIONS_HTMX_SRC="/static/htmx.js", **config)
    ServerActions(app)
    csrf = CSRFProtect(app)  # the app's own posts keep Flask-WTF's CSRF check
    login_manager = LoginManager(app)
    login_manager.login_view = "sign_in"
    login_manager.user_loader(User)
    app.register_blueprint(admin)
    app.register_blueprint(staff)

    @app.url_value_preprocessor
    def pull_lang(endpoint: str | None, values: dict[str, t.Any] | None) -> None:
        g.lang = values.pop("lang", None) if values else None

    @app.url_defaults
    def add_lang(endpoint: str, values: dict[str, t.Any]) -> None:
        if "lang" not in values and app.url_map.is_endpoint_expecting(endpoint, "lang"):
            values["lang"] = g.lang

    @app.before_request
    def app_guard() -> None:
        rule = request.url_rule
        SEEN.append({"endpoint": request.endpoint, "blueprint": request.blueprint,
                     "view_args": request.view_args, "rule": rule.rule if rule else None})
        if request.blueprint == "staff" and session.get("role") != "staff":
            abort(403)
        team = (request.view_args or {}).get("team_id")
        if team is not None and session.get("team") != team:
            abort(403)

    @app.post("/sign-in")
    @csrf.exempt
    def sign_in() -> str:
        for key in ("user", "role", "team", "flags"):
            if key in request.form:
                session[key] = (int(request.form[key]) if key == "team"
                                else request.form.getlist(key) if key == "flags"
                                else request.form[key])
        if "login" in request.form:
            login_user(User(request.form["login"]))
        if "logout" in request.form:
            logout_user()
        return "signed in"

    @app.get("/<lang>/greet")
    def greet() -> str:
        lang = g.lang

        def say(form: Form) -> str:
            "use server"
            STORE.append(("say", lang, g.lang, form["title"]))
            return "said"

        return page(say, lang=g.lang)

    @app.get("/teams/<int:team_id>")
    def team(team_id: int) -> str:
        return page(team_actions.rename_team)

    @app.get("/account")
    @login_required
    def account() -> str:
        user = session["user"]

        def change_name(form: Form) -> None:
            "use server"
            STORE.append(("change name", user, form["title"]))

        STORE.append(("account view ran", user))
        return page(change_name)

    @app.get("/beta")
    @login_required
    @feature("beta")
    def beta() -> str:
        def try_it(form: Form) -> None:
            "use server"
            STORE.append(("beta", form["title"]))

        return page(try_it)

    @app.get("/profile")
    @flask_login_required
    def profile() -> str:
        def rename(form: Form) -> None:
            "use server"
            STORE.append(("profile", current_user.id, form["title"]))

        return page(rename)

    @app.get("/unwrapped")
    @unwrapped_decorator
    def unwrapped() -> str:
        def act(form: Form) -> None:
            "use server"

        return page(act)

    @app.get("/object-decorated")
    @CachedCheck
    def object_decorated() -> str:
        def act(form: Form) -> None:
            "use server"

        return page(act)

    app.add_url_rule("/labelled", view_func=view_for("blue"))

    @app.get("/indirect")
    @indirect
    def indirect_view() -> str:
        def act(form: Form) -> None:
            "use server"

        return page(act)

    @app.get("/unassigned")
    @with_unassigned
    def unassigned() -> str:
        def act(form: Form) -> None:
            "use server"
            STORE.append(("unassigned", form["title"]))

        return page(act)

    @app.errorhandler(404)
    def not_found(error: Exception) -> tuple[str, int]:
        # No route, so no page action: an action for every page.
        return page(search), 404

    @app.get("/async-decorated")
    @async_decorator
    async def async_decorated() -> str:
        def act(form: Form) -> None:
            "use server"

        return page(act)

    @app.post("/hooks/slack")
    @csrf.exempt
    def slack_webhook() -> dict[str, t.Any]:
        body = request.get_data()
        return {"length": len(body), "sha256": hashlib.sha256(body).hexdigest()}

    @app.route("/hooks/signed", methods=["GET", "POST"])
    @csrf.exempt
    def signed_webhook() -> t.Any:
        # A page with an action, and a webhook checking a signature over
        # the raw body at the same URL.
        if request.method == "GET":
            def ping(form: Form) -> None:
                "use server"
                STORE.append(("ping", form.get("title")))

            return page(ping)
        read = request.args["read"]
        if read == "form":
            return {"field": request.form.get("field")}
        body = request.stream.read() if read == "stream" else request.get_data()
        expected = hmac.new(WEBHOOK_KEY, body, hashlib.sha256).hexdigest()
        return {"signed": hmac.compare_digest(expected, request.headers["X-Signature"]),
                "length": len(body)}

    @app.get("/items")
    def items() -> str:
        def add_item(form: Form) -> t.Any:
            "use server"
            if not form["title"]:
                raise ActionError("A title, please.", field="title")
            STORE.append(("add item", form["title"]))
            return None

        return page(add_item)

    @app.post("/items")
    @csrf.exempt
    def create_item() -> tuple[str, int]:
        STORE.append(("POST view ran", request.form.get("title")))
        return "created", 201

    @app.route("/edit", methods=["GET", "POST"])
    def edit() -> t.Any:
        form = TitleForm()
        if form.validate_on_submit():
            STORE.append(("validate_on_submit ran", form.title.data))
            return redirect("/edit")

        def save(data: Form) -> str:
            "use server"
            if data["title"] == "bad":
                raise ActionError("Not that one.")
            return "saved"

        return render_template_string(
            '{{ action.form(save, block="body", target="#body") }}'
            '<input name="title" value="{{ action.value(\'title\') }}"><button>Go</button>'
            '</form>{% block body %}<div id="body">{{ form.title(id="wtf") }}</div>'
            '{% endblock %}', save=save, form=form)

    @app.get("/redirecting/<how>")
    def redirecting(how: str) -> str:
        def go(form: Form) -> t.Any:
            "use server"
            STORE.append(("go", how))
            if how == "307":
                return redirect(request.path, 307)
            if how == "raised-offsite":
                abort(redirect("https://evil.example/", 307))
            if how == "raised-home":
                abort(redirect("/items", 302))
            if how == "not-modified":
                return current_app.response_class(status=304)
            return None

        return page(go)

    @app.get("/gone")
    def gone() -> t.Any:
        if session.get("signed_out"):
            return redirect("/sign-in-page")

        def leave(form: Form) -> None:
            "use server"
            session["signed_out"] = True
            raise ActionError("Signed out meanwhile.")

        return page(leave)

    @app.get("/htmx-page")
    def htmx_page() -> str:
        def ping(form: Form) -> None:
            "use server"
            STORE.append(("ping", bool(htmx)))

        return render_template_string(
            '{{ action.form(ping, target="#x") }}<button>Go</button></form>'
            '{{ action.htmx_script() }}{{ action.client_script() }}'
            '<p {{ action.data(ping) }}>x</p>', ping=ping)

    @app.get("/streamed")
    def streamed() -> t.Any:
        def stream_act(form: Form) -> None:
            "use server"
            STORE.append(("streamed", form["title"]))

        return stream_template_string(PAGE, act=stream_act, args=())

    return app
