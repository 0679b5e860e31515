"""Actions for every page: ``@server_action(scope="app")``.

A page action runs as a request of the page that shows it, behind that
page's guards. An action in the layout (sign out, switch language) belongs
to no page: on the admin page, "Sign out" would answer 403 to an admin
demoted while the page was open, and on an error page, which has no route,
it could never run. An app action is posted instead to the extension's URL,
``url_for("server_actions.run")``, a ``GET`` rule like any page, so an
action post to it goes through :mod:`.routing` and
:func:`~.dispatch.open_submission` as a page's does: origin, authenticity,
session and expiry are checked before any code of the app runs, and
``CSRFProtect`` is satisfied. Its token is bound to this URL on the host
and script root that minted it, so it runs nowhere else, and a page's token
never runs here. It runs behind the app's ``before_request`` hooks, the
``before_action`` checks and its own ``require=``; its page is named only
as where to go back to, sealed in the token. Whatever the outcome (done,
failed, stale), the answer is a redirect back there (a failure's message
flashed), or a JSON answer to a JSON call.
"""

from __future__ import annotations

import typing as t

from flask import current_app
from flask import flash
from flask import session
from werkzeug.exceptions import NotFound
from werkzeug.utils import redirect

from ..closures import ResolveError
from ..errors import ActionWithoutPage
from ..errors import UnresolvableAction
from ..marking import options_of
from ..token.envelope import RequestIdentity
from ..token.envelope import binding_tag
from ..token.envelope import request_identity
from .origin import page_url
from .submission import APP_ENDPOINT

if t.TYPE_CHECKING:
    from flask import Request
    from werkzeug.wrappers import Response as BaseResponse

    from ..closures import ActionTarget
    from ..page.state import ActionState
    from .settings import PostSettings
    from .submission import ActionPost

#: The endpoint app actions are posted to.
ENDPOINT = APP_ENDPOINT
#: The token option marking an app action.
SCOPE_OPTION = "app"
#: The token option holding the page to go back to.
RETURN_OPTION = "back"


def not_a_page() -> t.NoReturn:
    """The view of :data:`ENDPOINT`: its rule exists for action posts only."""
    raise NotFound()


def is_app_action(fn: object) -> bool:
    """Whether ``fn`` was declared with ``@server_action(scope="app")``."""
    options = options_of(fn)
    return options is not None and options.scope == "app"


def token_options(fn: object, target: ActionTarget) -> dict[str, t.Any]:
    """The options every token of ``fn`` carries for its scope.

    :raises UnresolvableAction: an app action defined inside a function.
    """
    if not is_app_action(fn):
        return {}
    if target.function is None:
        raise UnresolvableAction(
            f"The action {target.ref} is declared with @server_action(scope=\"app\") inside"
            " a function. An action for every page runs behind no view's decorators, so it"
            " cannot be one defined inside a view: define it at module level.")
    return {SCOPE_OPTION: 1}


def _identity(req: Request) -> RequestIdentity:
    # What identity_of_request() gives for a post to the app URL, on the host
    # and under the script root of the page showing the form.
    rule = next(current_app.url_map.iter_rules(ENDPOINT))
    return request_identity(req.host, req.script_root, rule.rule, b"", rule.rule, ENDPOINT)


def seal(settings: PostSettings, req: Request, page: str,
         extra: t.Mapping[str, t.Any] | None) -> tuple[bytes, dict[str, t.Any]]:
    """The bindings and extra options of an app action's token minted by the
    page ``page``: this session, the app URL on this host and script root,
    and ``page`` to go back to."""
    bindings = (binding_tag(settings.binding(session))
                + settings.keys.request_tag(_identity(req)))
    return bindings, {**(extra or {}), RETURN_OPTION: page}


def page_without_route(req: Request) -> str | None:
    """Why the page of ``req`` cannot run page actions, if it cannot."""
    rule = req.url_rule
    if rule is None:
        return f"the page {req.full_path.rstrip('?')!r}, which has no route (an error page)"
    if "GET" not in (rule.methods or ()):
        return (f"the page {req.full_path.rstrip('?')!r} of the view {rule.endpoint!r}, whose"
                f" route has no GET (add GET to its methods)")
    return None


def without_page_error(name: str, ref: str, where: str) -> ActionWithoutPage:
    """The render-time error for a page action shown on ``where``."""
    return ActionWithoutPage(
        f"The action {name!r} ({ref}) is rendered on {where}: its form posts back to that"
        " URL, where no GET view can run it, so it could never run. Render it on a page"
        " with a GET route, or declare it for every page: @server_action(scope=\"app\")"
        " at module level, in <form method=\"post\""
        " action=\"{{ url_for('server_actions.run') }}\">.")


def check_scope(target: ActionTarget) -> None:
    """For a post to the app URL, refuse an action that is no longer for
    every page: a deploy made it a page action, and it must not run
    outside its page's guards.

    :raises ResolveError: it is not (the page comes back with a notice).
    """
    if not (target.function is not None and is_app_action(target.function)):
        raise ResolveError(f"{target.ref} is no longer an action for every page")


def return_page(post: ActionPost) -> str:
    """The page an app action goes back to: the one sealed in its token."""
    page = post.token.options.get(RETURN_OPTION)
    return page if isinstance(page, str) else post.request.script_root + "/"


def back(post: ActionPost, state: ActionState) -> BaseResponse:
    """Answer an app action that did not end with a response of its own:
    flash its failure's message, if any, and go back to its page."""
    message = state.message  # the failure's, or the notice in the user's language
    if message:
        flash(message, "error")
    return redirect(page_url(return_page(post)), 303)
