"""A multi-tenant app, as the third attack found them: tenants by
subdomain, by query string and by URL prefix behind ``ProxyFix``, a URL
served by a ``GET`` view and a separate ``POST`` view, a page cached with
Flask-Caching, Flask-WTF's ``CSRFProtect`` and hooks that record what ran."""

from __future__ import annotations

import typing as t

from flask import Flask
from flask import abort
from flask import g
from flask import render_template_string
from flask import request
from flask import session
from flask_caching import Cache
from flask_wtf import CSRFProtect
from werkzeug.datastructures import MultiDict
from werkzeug.middleware.proxy_fix import ProxyFix

from flask_server_actions import ServerActions

from ..store import STORE

Form = MultiDict[str, t.Any]
#: Team names, by tenant.
TEAMS: dict[str, str] = {}
#: App code that ran for each request: ("hook", path) and ("view", name).
RAN: list[tuple[str, str]] = []

PAGE = """{{ action.notice() }}
<form id="main" method="post">{{ action(act) }}
<input name="title" value="{{ action.value('title') }}"><button>Go</button></form>"""


def page(act: t.Callable[..., t.Any]) -> str:
    return render_template_string(PAGE, act=act)


def rename_team(team: str) -> t.Callable[[Form], None]:
    """The action of a team's settings page."""
    def rename(form: Form) -> None:
        "use server"
        if session.get("admin_of") != team:
            abort(403)
        TEAMS[team] = form["title"]

    return rename


def create_app(**config: t.Any) -> Flask:
    app = Flask(__name__, subdomain_matching=True)
    app.config.update(SECRET_KEY="tenant secret", TESTING=True, SERVER_NAME="example.test",
                      CACHE_TYPE="SimpleCache", WTF_CSRF_SSL_STRICT=False, **config)
    ServerActions(app)
    csrf = CSRFProtect(app)
    cache = Cache(app)
    app.wsgi_app = ProxyFix(app.wsgi_app, x_prefix=1)  # type: ignore[method-assign]

    @app.url_value_preprocessor
    def pull_team(endpoint: str | None, values: dict[str, t.Any] | None) -> None:
        RAN.append(("preprocessor", request.path))
        g.team = (values or {}).get("team") or request.args.get("org")

    @app.before_request
    def record() -> None:
        RAN.append(("hook", request.path))

    @app.post("/sign-in")
    @app.post("/sign-in", subdomain="<tenant>", endpoint="tenant_sign_in")
    def sign_in(tenant: str = "") -> str:
        # Each host has its own (host-only) session cookie: sign in on each.
        session["admin_of"] = request.form["team"]
        return "signed in"

    csrf.exempt(sign_in)

    @app.get("/settings", subdomain="<team>")
    def team_settings(team: str) -> str:
        RAN.append(("view", "team_settings"))
        return page(rename_team(team))

    @app.get("/orgs")
    def org_settings() -> str:
        # The tenant comes from the query string, read by a hook; the page
        # checks its admin, and its action trusts the hook's tenant.
        RAN.append(("view", "org_settings"))
        if session.get("admin_of") != g.team:
            abort(403)

        def rename_org(form: Form) -> None:
            "use server"
            TEAMS[g.team] = form["title"]

        return page(rename_org)

    @app.get("/t/<team>/settings")
    def prefixed_settings(team: str) -> str:
        RAN.append(("view", "prefixed_settings"))
        return page(rename_team(team))

    @app.get("/settings")
    def own_settings() -> str:
        # The app's own settings, whose hooks check no team.
        RAN.append(("view", "own_settings"))
        return page(rename_team(session.get("admin_of", "")))

    @app.get("/notes")
    def notes() -> str:
        RAN.append(("view", "notes"))

        def add_note(form: Form) -> None:
            "use server"
            STORE.append(("note", form["title"]))

        return page(add_note)

    @app.post("/notes")
    def notes_posted() -> str:
        # The app's own POST view shows a form of its own, with a stricter
        # check than the page's: its token must not run under the GET view.
        RAN.append(("view", "notes_posted"))

        def publish_note(form: Form) -> None:
            "use server"
            STORE.append(("published", form["title"]))

        return page(publish_note)

    csrf.exempt(notes_posted)

    @app.get("/board")
    @cache.cached(timeout=300)
    def board() -> str:
        RAN.append(("view", "board"))

        def add_card(form: Form) -> None:
            "use server"
            STORE.append(("card", form["title"]))

        return page(add_card)

    return app
