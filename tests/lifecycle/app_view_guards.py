"""Pages of the lifecycle app guarded in the ways the view-guard tests
attack: decorators on a class-based view's methods, decorators that read
the function they wrap (its name, its marks), and decorators without
:func:`functools.wraps` applied where the view is registered."""

from __future__ import annotations

import functools
import typing as t

from flask import Flask
from flask import abort
from flask import current_app
from flask import request
from flask import session
from flask.views import MethodView
from flask.views import View
from flask_login import LoginManager
from flask_login import current_user
from flask_login import login_required as flask_login_required

from ..store import STORE
from .app_lifecycle import Form
from .app_lifecycle import User
from .app_lifecycle import page
from .app_lifecycle import unwrapped_decorator

ViewFunc = t.Callable[..., t.Any]
#: Ids of users deactivated since they signed in: Flask-Login's user loader
#: finds no one, and ``current_user`` is anonymous (no login change ends
#: their tokens).
DEACTIVATED: set[str] = set()
#: Views only admins may see, by ``__name__`` (an ACL keyed by the view's name).
ADMIN_VIEWS = {"audit_log"}
#: The same, by ``module.qualname``.
ADMIN_QUALNAMES = {f"{__name__}.add_pages.<locals>.payroll"}


def role_required(role: str) -> t.Callable[[ViewFunc], ViewFunc]:
    """A role check, written with functools.wraps."""
    def decorate(view: ViewFunc) -> ViewFunc:
        @functools.wraps(view)
        def wrapper(*args: t.Any, **kwargs: t.Any) -> t.Any:
            if session.get("role") != role:
                abort(403)
            return view(*args, **kwargs)
        return wrapper
    return decorate


def acl_by_name(view: ViewFunc) -> ViewFunc:
    """An ACL keyed by the wrapped view's ``__name__``."""
    @functools.wraps(view)
    def wrapper(*args: t.Any, **kwargs: t.Any) -> t.Any:
        if view.__name__ in ADMIN_VIEWS and session.get("role") != "admin":
            abort(403)
        return view(*args, **kwargs)
    return wrapper


def acl_by_qualname(view: ViewFunc) -> ViewFunc:
    """An ACL keyed by the wrapped function's module and ``__qualname__``."""
    @functools.wraps(view)
    def wrapper(*args: t.Any, **kwargs: t.Any) -> t.Any:
        if (f"{view.__module__}.{view.__qualname__}" in ADMIN_QUALNAMES
                and session.get("role") != "admin"):
            abort(403)
        return view(*args, **kwargs)
    return wrapper


def requires_role(role: str) -> t.Callable[[ViewFunc], ViewFunc]:
    """Marks a view with the role it needs (read by :func:`check_marks`)."""
    def mark(view: ViewFunc) -> ViewFunc:
        view.required_role = role  # type: ignore[attr-defined]
        return view
    return mark


def check_marks(view: ViewFunc) -> ViewFunc:
    """Enforces the role marked on the view it wraps."""
    @functools.wraps(view)
    def wrapper(*args: t.Any, **kwargs: t.Any) -> t.Any:
        role = getattr(view, "required_role", None)
        if role is not None and session.get("role") != role:
            abort(403)
        return view(*args, **kwargs)
    return wrapper


def check_endpoint_marks(view: ViewFunc) -> ViewFunc:
    """Enforces the role marked on the registered view of the request's endpoint."""
    @functools.wraps(view)
    def wrapper(*args: t.Any, **kwargs: t.Any) -> t.Any:
        registered = current_app.view_functions[t.cast(str, request.endpoint)]
        role = getattr(registered, "required_role", None)
        if role is not None and session.get("role") != role:
            abort(403)
        return view(*args, **kwargs)
    return wrapper


def check_unwrapped_marks(view: ViewFunc) -> ViewFunc:
    """Enforces the role marked on the innermost function (``__wrapped__``)."""
    @functools.wraps(view)
    def wrapper(*args: t.Any, **kwargs: t.Any) -> t.Any:
        innermost = view
        while hasattr(innermost, "__wrapped__"):
            innermost = innermost.__wrapped__
        role = getattr(innermost, "required_role", None)
        if role is not None and session.get("role") != role:
            abort(403)
        return view(*args, **kwargs)
    return wrapper


#: What :func:`records_identity` saw of the function it wraps, per request.
IDENTITIES: list[tuple[t.Any, ...]] = []


def records_identity(view: ViewFunc) -> ViewFunc:
    """Records what a decorator can read of the function it wraps."""
    @functools.wraps(view)
    def wrapper(*args: t.Any, **kwargs: t.Any) -> t.Any:
        IDENTITIES.append((view.__name__, view.__qualname__, view.__module__, view.__doc__,
                           view.__annotations__,
                           {k: v for k, v in vars(view).items() if k != "__wrapped__"},
                           hasattr(view, "__wrapped__")))
        return view(*args, **kwargs)
    return wrapper


def admins_only_no_wraps(view: ViewFunc) -> ViewFunc:
    """A role check that forgot functools.wraps, taking any arguments."""
    def checked(*args: t.Any, **kwargs: t.Any) -> t.Any:
        if session.get("role") != "admin":
            abort(403)
        return view(*args, **kwargs)
    return checked


def admins_only_no_args(view: ViewFunc) -> ViewFunc:
    """A role check that forgot functools.wraps, for a view without arguments."""
    def checked() -> t.Any:
        if session.get("role") != "admin":
            abort(403)
        return view()
    return checked


def store_action(name: str) -> t.Callable[[Form], None]:
    """An action defined by a helper, not in the view."""
    def record(form: Form) -> None:
        "use server"
        STORE.append((name, form["title"]))
    return record


def module_view() -> str:
    """A view at module level, registered wrapped by the app."""
    def act(form: Form) -> None:
        "use server"
        STORE.append(("module view", form["title"]))

    return page(act)


class ProfileView(MethodView):
    """Flask-Login's login_required on ``get``."""

    @flask_login_required
    def get(self) -> str:
        def rename(form: Form) -> None:
            "use server"
            STORE.append(("method view", current_user.id, form["title"]))

        return page(rename)


class AdminView(MethodView):
    """A role check on ``get``, and a POST of its own."""

    @role_required("admin")
    def get(self) -> str:
        def purge(form: Form) -> None:
            "use server"
            STORE.append(("admin view", form["title"]))

        return page(purge)

    def post(self) -> str:
        STORE.append(("post ran", request.form.get("title")))
        return "posted"


class OwnerView(MethodView):
    """A check on ``get`` that reads the view instance (made with arguments)."""

    init_every_request = False

    def __init__(self, role: str) -> None:
        self.role = role

    @staticmethod
    def of_role(method: ViewFunc) -> ViewFunc:
        @functools.wraps(method)
        def wrapper(self: OwnerView, *args: t.Any, **kwargs: t.Any) -> t.Any:
            if session.get("role") != self.role:
                abort(403)
            return method(self, *args, **kwargs)
        return wrapper

    @of_role
    def get(self) -> str:
        def approve(form: Form) -> None:
            "use server"
            STORE.append(("owner view", form["title"]))

        return page(approve)


class TeamView(MethodView):
    """A check on ``get`` that reads the view instance (made for each request,
    with keyword arguments) and the URL's values."""

    def __init__(self, *, lead_of: str) -> None:
        self.lead_of = lead_of

    @staticmethod
    def of_team(method: ViewFunc) -> ViewFunc:
        @functools.wraps(method)
        def wrapper(self: TeamView, *args: t.Any, **kwargs: t.Any) -> t.Any:
            if session.get("role") != f"{self.lead_of}:{kwargs['team']}":
                abort(403)
            return method(self, *args, **kwargs)
        return wrapper

    @of_team
    def get(self, team: str) -> str:
        def assign(form: Form) -> None:
            "use server"
            STORE.append(("team view", team, form["title"]))

        return page(assign)


class ReportView(View):
    """A plain class-based view with a decorated ``dispatch_request``."""

    def __init__(self, role: str) -> None:
        self.role = role

    @role_required("auditor")
    def dispatch_request(self, year: int) -> str:
        role = self.role

        def sign(form: Form) -> None:
            "use server"
            STORE.append(("report view", year, role, form["title"]))

        return page(sign)


class LayeredView(MethodView):
    """Class decorators and a decorated ``get``: both guard the action."""

    decorators = [flask_login_required]

    @role_required("admin")
    def get(self) -> str:
        def publish(form: Form) -> None:
            "use server"
            STORE.append(("layered view", form["title"]))

        return page(publish)


class StaffView(MethodView):
    """Only class decorators: ``get`` has none."""

    decorators = [role_required("staff")]

    def get(self) -> str:
        def file(form: Form) -> None:
            "use server"
            STORE.append(("staff view", form["title"]))

        return page(file)


class CheckingDispatchView(MethodView):
    """A check in an overridden ``dispatch_request``, as Django's ``dispatch``."""

    def dispatch_request(self, **kwargs: t.Any) -> t.Any:
        if session.get("role") != "admin":
            abort(403)
        return super().dispatch_request(**kwargs)

    def get(self) -> str:
        def wipe(form: Form) -> None:
            "use server"

        return page(wipe)


class UnwrappedClassView(MethodView):
    """A class decorator that forgot functools.wraps."""

    decorators = [unwrapped_decorator]

    def get(self) -> str:
        def act(form: Form) -> None:
            "use server"

        return page(act)


def add_pages(app: Flask) -> None:
    """Register the pages on ``app`` (the lifecycle app)."""
    DEACTIVATED.clear()
    IDENTITIES.clear()
    login_manager: LoginManager = app.login_manager  # type: ignore[attr-defined]

    @login_manager.user_loader
    def load_user(user_id: str) -> User | None:
        return None if user_id in DEACTIVATED else User(user_id)

    app.add_url_rule("/class/profile", view_func=ProfileView.as_view("class_profile"))
    app.add_url_rule("/class/admin", view_func=AdminView.as_view("class_admin"))
    app.add_url_rule("/class/owner", view_func=OwnerView.as_view("class_owner", "owner"))
    app.add_url_rule("/class/team/<team>",
                     view_func=TeamView.as_view("class_team", lead_of="lead"))
    app.add_url_rule("/class/report/<int:year>",
                     view_func=ReportView.as_view("class_report", "auditor"))
    app.add_url_rule("/class/staff", view_func=StaffView.as_view("class_staff"))
    app.add_url_rule("/class/layered", view_func=LayeredView.as_view("class_layered"))
    app.add_url_rule("/class/checking-dispatch",
                     view_func=CheckingDispatchView.as_view("class_checking_dispatch"))
    app.add_url_rule("/class/unwrapped",
                     view_func=UnwrappedClassView.as_view("class_unwrapped"))

    @app.get("/audit-log")
    @acl_by_name
    def audit_log() -> str:
        def annotate(form: Form) -> None:
            "use server"
            STORE.append(("audit log", form["title"]))

        return page(annotate)

    @app.get("/payroll")
    @acl_by_qualname
    @flask_login_required
    def payroll() -> str:
        def pay(form: Form) -> None:
            "use server"
            STORE.append(("payroll", form["title"]))

        return page(pay)

    @app.get("/marked")
    @check_marks
    @requires_role("admin")
    def marked() -> str:
        def delete_all(form: Form) -> None:
            "use server"
            STORE.append(("marked", form["title"]))

        return page(delete_all)

    @app.get("/endpoint-marked")
    @requires_role("admin")
    @check_endpoint_marks
    def endpoint_marked() -> str:
        def delete_some(form: Form) -> None:
            "use server"
            STORE.append(("endpoint marked", form["title"]))

        return page(delete_some)

    @app.get("/unwrap-marked")
    @check_unwrapped_marks
    @flask_login_required
    @requires_role("admin")
    def unwrap_marked() -> str:
        def delete_more(form: Form) -> None:
            "use server"
            STORE.append(("unwrap marked", form["title"]))

        return page(delete_more)

    def hidden_any() -> str:
        def act(form: Form) -> None:
            "use server"
            STORE.append(("hidden any", form["title"]))

        return page(act)

    def hidden_none() -> str:
        def act(form: Form) -> None:
            "use server"
            STORE.append(("hidden none", form["title"]))

        return page(act)

    def hidden_helper() -> str:
        return page(store_action("hidden helper"))

    app.add_url_rule("/hidden/any", "hidden_any", view_func=admins_only_no_wraps(hidden_any))
    app.add_url_rule("/hidden/none", "hidden_none",
                     view_func=admins_only_no_args(hidden_none))
    app.add_url_rule("/hidden/module", "hidden_module",
                     view_func=admins_only_no_args(module_view))
    app.add_url_rule("/hidden/helper", "hidden_helper",
                     view_func=admins_only_no_args(hidden_helper))

    @app.get("/identity")
    @records_identity
    @requires_role("user")
    @records_identity
    def identity() -> str:
        """The page whose decorators record what they see."""
        def touch(form: Form) -> None:
            "use server"
            STORE.append(("identity", form["title"]))

        return page(touch)

    def render_notes() -> str:
        def note(form: Form) -> None:
            "use server"
            STORE.append(("notes", form["title"]))

        return page(note)

    @app.get("/notes/beside")
    def notes_beside() -> str:
        # Calls a helper defined beside it, which its closure holds.
        return render_notes()

    def notes_view() -> ViewFunc:
        def notes_within() -> str:
            return render_notes()
        return notes_within

    app.add_url_rule("/notes/within", view_func=notes_view())
