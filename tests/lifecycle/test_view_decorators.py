"""3. The view's own decorators guard the actions defined inside it; the
view body does not run for an action."""

from __future__ import annotations

import types
import typing as t
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient

from flask_server_actions.errors import UnguardedView

from ..html import Page
from ..store import STORE
from . import app_lifecycle
from . import app_view_guards


@pytest.fixture
def app(app: Flask) -> Flask:
    """The lifecycle app with the pages of app_view_guards.py."""
    app_view_guards.add_pages(app)
    return app


def test_a_wraps_login_decorator_refuses_an_action_after_sign_out(
        client: FlaskClient, sign_in: t.Callable[..., None]) -> None:
    sign_in(user="ada")
    page = Page.get(client, "/account")
    STORE.clear()
    sign_in(user="")
    response = page.form().submit(title="x")
    assert response.status_code == 303  # the decorator's redirect, as for the page
    assert response.headers["Location"] == "/sign-in?next=/account"
    assert STORE == []


def test_the_view_body_does_not_run_for_the_action(
        client: FlaskClient, sign_in: t.Callable[..., None]) -> None:
    sign_in(user="ada")
    page = Page.get(client, "/account")
    STORE.clear()
    assert page.form().submit(title="Ada L.").status_code == 303
    assert STORE == [("change name", "ada", "Ada L.")]


def test_stacked_decorators_with_arguments_all_guard_the_action(
        client: FlaskClient, sign_in: t.Callable[..., None]) -> None:
    sign_in(user="ada", flags="beta")
    page = Page.get(client, "/beta")
    sign_in(flags="other")
    assert page.form().submit(title="x").status_code == 404
    sign_in(flags="beta")
    assert page.form().submit(title="y").status_code == 303
    assert STORE == [("beta", "y")]


def test_flask_logins_login_required_refuses_an_action_after_logout_user(
        client: FlaskClient, sign_in: t.Callable[..., None]) -> None:
    sign_in(login="7")
    page = Page.get(client, "/profile")
    sign_in(logout="1")
    response = page.form().submit(title="anonymous?")
    assert response.status_code == 303
    assert response.headers["Location"].startswith("/sign-in?next=")
    assert STORE == []
    sign_in(login="7")
    # Logging in ended the tokens minted before (flask_server_actions.integrations.login).
    assert page.form().submit(title="stale").status_code == 422
    assert Page.get(client, "/profile").form().submit(title="Grace").status_code == 303
    assert STORE == [("profile", "7", "Grace")]


def wrapper_code(decorator: t.Callable[..., t.Any]) -> types.CodeType:
    """The code of the wrapper function ``decorator`` defines."""
    (wrapper,) = (const for const in decorator.__code__.co_consts
                  if isinstance(const, types.CodeType))
    return wrapper


def line_of(code: types.CodeType) -> str:
    return f"{Path(code.co_filename).name}:{code.co_firstlineno}"


def where(decorator: t.Callable[..., t.Any]) -> str:
    """The file and line of the wrapper ``decorator`` defines (a class: its name)."""
    if isinstance(decorator, type):
        return decorator.__qualname__
    return line_of(wrapper_code(decorator))


@pytest.mark.parametrize(("url", "decorator"), [
    ("/unwrapped", app_lifecycle.unwrapped_decorator),
    ("/object-decorated", app_lifecycle.CachedCheck),
    ("/async-decorated", app_lifecycle.async_decorator),
    ("/indirect", app_lifecycle.indirect),
])
def test_a_decorator_that_cannot_guard_the_action_is_a_render_time_error(
        client: FlaskClient, url: str, decorator: t.Callable[..., t.Any]) -> None:
    with pytest.raises(UnguardedView) as raised:
        client.get(url)
    assert "functools.wraps" in str(raised.value)
    assert where(decorator) in raised.value.decorator
    assert raised.value.decorator in str(raised.value)


def test_a_wrapper_with_an_empty_cell_still_guards_the_action(client: FlaskClient) -> None:
    assert Page.get(client, "/unassigned").form().submit(title="x").status_code == 303
    assert STORE == [("unassigned", "x")]


def test_an_error_page_without_a_route_may_render_actions_for_every_page(
        client: FlaskClient) -> None:
    response = client.get("/no/such/page")
    assert response.status_code == 404
    assert 'name="__action"' in response.get_data(as_text=True)


@pytest.mark.parametrize(("url", "ran"), [
    ("/labelled", ("labelled", "blue", "x")),  # a varargs view from a factory
    ("/notes/beside", ("notes", "x")),  # a helper the view's closure holds
    ("/notes/within", ("notes", "x")),  # the same, defined around the view's factory
])
def test_a_view_that_calls_a_helper_defining_the_action_is_not_a_hidden_view(
        client: FlaskClient, url: str, ran: tuple[str, ...]) -> None:
    assert Page.get(client, url).form().submit(title="x").status_code == 303
    assert STORE == [ran]


def test_decorators_see_the_same_function_for_the_action_as_for_the_page(
        client: FlaskClient, sign_in: t.Callable[..., None]) -> None:
    sign_in(role="user")
    page = Page.get(client, "/identity")
    for_page = list(app_view_guards.IDENTITIES)
    app_view_guards.IDENTITIES.clear()
    assert page.form().submit(title="x").status_code == 303
    assert app_view_guards.IDENTITIES == for_page
    outer, inner = for_page  # the outer one sees the inner one's wrapper
    assert inner[:2] == ("identity", "add_pages.<locals>.identity")
    assert inner[3] == "The page whose decorators record what they see."
    assert (inner[5], outer[5]) == ({}, {"required_role": "user"})
    assert (inner[6], outer[6]) == (False, True)
    assert STORE == [("identity", "x")]


ADMIN = {"role": "admin"}
USER = {"role": "user"}
SIGNED_IN = {"login": "7"}
DEACTIVATED = {"deactivate": "7"}


@pytest.mark.parametrize(("url", "allowed", "refused", "status", "ran"), [
    ("/class/profile", SIGNED_IN, DEACTIVATED, 303, ("method view", "7", "t")),
    ("/class/admin", ADMIN, USER, 403, ("admin view", "t")),
    ("/class/owner", {"role": "owner"}, USER, 403, ("owner view", "t")),
    ("/class/team/red", {"role": "lead:red"}, {"role": "lead:blue"}, 403,
     ("team view", "red", "t")),
    ("/class/report/2024", {"role": "auditor"}, USER, 403,
     ("report view", 2024, "auditor", "t")),
    ("/class/staff", {"role": "staff"}, USER, 403, ("staff view", "t")),
    ("/class/layered", {**SIGNED_IN, **ADMIN}, USER, 403, ("layered view", "t")),
    ("/class/layered", {**SIGNED_IN, **ADMIN}, DEACTIVATED, 303, ("layered view", "t")),
    ("/audit-log", ADMIN, USER, 403, ("audit log", "t")),
    ("/payroll", {**SIGNED_IN, **ADMIN}, USER, 403, ("payroll", "t")),
    ("/marked", ADMIN, USER, 403, ("marked", "t")),
    ("/endpoint-marked", ADMIN, USER, 403, ("endpoint marked", "t")),
    ("/unwrap-marked", {**SIGNED_IN, **ADMIN}, USER, 403, ("unwrap marked", "t")),
])
def test_a_decorator_refuses_the_action_as_it_refuses_the_page(
        client: FlaskClient, sign_in: t.Callable[..., None], url: str,
        allowed: dict[str, str], refused: dict[str, str], status: int,
        ran: tuple[t.Any, ...]) -> None:
    sign_in(**allowed)
    page = Page.get(client, url)
    deactivated = refused.get("deactivate")
    if deactivated:
        app_view_guards.DEACTIVATED.add(deactivated)
    else:
        sign_in(**refused)
    # The page's redirect is a 302; the action's is answered 303.
    assert client.get(url).status_code == (302 if status == 303 else status)
    assert page.form().submit(title="x").status_code == status
    assert STORE == []
    app_view_guards.DEACTIVATED.clear()
    sign_in(**allowed)
    assert Page.get(client, url).form().submit(title="t").status_code == 303
    assert STORE == [ran]


@pytest.mark.parametrize(("url", "fix", "culprit"), [
    ("/class/checking-dispatch", "dispatch_request",
     "CheckingDispatchView.dispatch_request"),
    ("/class/unwrapped", "functools.wraps", where(app_lifecycle.unwrapped_decorator)),
    ("/hidden/any", "functools.wraps", where(app_view_guards.admins_only_no_wraps)),
    ("/hidden/none", "functools.wraps", where(app_view_guards.admins_only_no_args)),
    ("/hidden/module", "functools.wraps", where(app_view_guards.admins_only_no_args)),
    ("/hidden/helper", "functools.wraps", where(app_view_guards.admins_only_no_args)),
])
def test_a_view_guard_the_action_would_skip_is_a_render_time_error(
        client: FlaskClient, sign_in: t.Callable[..., None], url: str, fix: str,
        culprit: str) -> None:
    sign_in(**ADMIN)
    with pytest.raises(UnguardedView) as raised:
        client.get(url)
    assert fix in str(raised.value)
    assert culprit in raised.value.decorator
    assert raised.value.decorator in str(raised.value)


def described(code_of: t.Callable[..., t.Any], inner: bool = True) -> str:
    """How an error names a decorator's wrapper (``inner``) or a function:
    module, qualified name, file and line; a class by module and name."""
    if isinstance(code_of, type):
        return f"{code_of.__module__}.{code_of.__qualname__}"
    code = wrapper_code(code_of) if inner else code_of.__code__
    name = getattr(code, "co_qualname", code.co_name)  # Python 3.10 has no co_qualname
    return f"{code_of.__module__}.{name} ({line_of(code)})"


OR_REQUIRE = "or check inside the action with @server_action(require=...)."
HIDDEN = ("The view {view!r} is wrapped by {name}, which does not use functools.wraps, so it"
          " cannot be run around the page's server actions. Decorate the wrapper with"
          " @functools.wraps(view) (if it is the view itself, define the page's actions in"
          f" it or in a helper beside it), {OR_REQUIRE}")


@pytest.mark.parametrize(("url", "culprit", "inner", "message"), [
    ("/unwrapped", app_lifecycle.unwrapped_decorator, True,
     HIDDEN.replace("{view!r}", "'create_app.<locals>.unwrapped'")),
    ("/hidden/module", app_view_guards.admins_only_no_args, True,
     HIDDEN.replace("{view!r}", "'module_view'")),
    ("/object-decorated", app_lifecycle.CachedCheck, True,
     "The view decorator {name} is not a function, so it cannot be run around the page's"
     " server actions. Write it as a function that returns a functools.wraps wrapper,"
     f" {OR_REQUIRE}"),
    ("/async-decorated", app_lifecycle.async_decorator, True,
     "The view decorator {name} is async, so it cannot be run around the page's server"
     " actions (it would await the action as if it were the view). Write it as a plain"
     " function with functools.wraps (Flask runs async views inside it),"
     f" {OR_REQUIRE}"),
    ("/indirect", app_lifecycle.indirect, True,
     "The view decorator {name} does not call the function it wraps from a closure, so it"
     " cannot be run around the page's server actions. Use a function-based decorator with"
     f" functools.wraps, {OR_REQUIRE}"),
    ("/class/checking-dispatch", app_view_guards.CheckingDispatchView.dispatch_request, False,
     "The view class CheckingDispatchView overrides MethodView.dispatch_request ({name}),"
     " which cannot be run around the page's server actions: only decorators are. Move its"
     " checks into a functools.wraps decorator (in the class's decorators list, or on"
     f" get()), {OR_REQUIRE}"),
    ("/class/unwrapped", app_lifecycle.unwrapped_decorator, True,
     "The view class UnwrappedClassView is served by {name}, not by the function"
     " View.as_view makes: a decorator without functools.wraps (or an as_view of its own)"
     " hides it, so it cannot be run around the page's server actions. Decorate the"
     " wrapper with @functools.wraps(view)."),
])
def test_a_decorator_that_cannot_guard_the_action_is_named_with_the_fix(
        client: FlaskClient, sign_in: t.Callable[..., None], url: str,
        culprit: t.Callable[..., t.Any], inner: bool, message: str) -> None:
    sign_in(**ADMIN)
    with pytest.raises(UnguardedView) as raised:
        client.get(url)
    name = described(culprit, inner)
    assert raised.value.decorator == name
    assert str(raised.value) == message.replace("{name}", name)
