"""Flask-WTF's ``CSRFProtect`` and action posts.

``CSRFProtect`` checks every ``POST`` to a routed view, and an action post
is routed to its page. Its token has then passed the extension's own checks
(origin, authenticity, session, request), which prove what a CSRF token and
``CSRFProtect``'s ``Referer`` check over HTTPS prove, and more. So for that
request ``CSRFProtect`` is told the post is valid instead of checking again:
its token check would need a field the action's form does not have, and its
``Referer`` check over HTTPS would refuse a browser that sends none (a
``Referrer-Policy: no-referrer`` page) with an HTML 400, even to a JSON call.
Every other post keeps all of ``CSRFProtect``'s checks.
"""

from __future__ import annotations

import functools
import typing as t

from flask import g

if t.TYPE_CHECKING:
    from flask import Flask

_G_VOUCHED = "_server_actions_csrf_vouched"
_WRAPPED = "_server_actions_wrapped"


def vouch_for_action_post(app: Flask) -> None:
    """Let ``app``'s ``CSRFProtect`` pass the current request, an
    action post whose token has passed the extension's checks."""
    protect = app.extensions["csrf"]
    if not getattr(protect.protect, _WRAPPED, False):
        protect.protect = _skipping_vouched(protect.protect)
    setattr(g, _G_VOUCHED, True)


def _skipping_vouched(check: t.Callable[..., t.Any]) -> t.Callable[..., t.Any]:
    # One wrapper per CSRFProtect, installed at its first action post: the
    # app may set up CSRFProtect before or after the extension.
    @functools.wraps(check)
    def protect(*args: t.Any, **kwargs: t.Any) -> t.Any:
        if g.get(_G_VOUCHED, False):
            g.csrf_valid = True  # what CSRFProtect notes after its own checks
            return None
        return check(*args, **kwargs)

    setattr(protect, _WRAPPED, True)
    return protect
