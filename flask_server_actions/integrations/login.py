"""Flask-Login: tokens end at login and logout; a ``require=`` check.

When Flask-Login is installed, :meth:`~flask_server_actions.ServerActions.init_app`
connects to its ``user_logged_in`` and ``user_logged_out`` signals and drops
the session's binding value (``SERVER_ACTIONS_SESSION_KEY``), so every token
minted before ends: ``logout_user()`` pops only Flask-Login's own keys, and
a form rendered for the previous user (with that user's rows captured) must
not run for the next one. A form from before the change shows its page again
with the input kept and a notice (422).

``current_user`` can be captured or bound when the user class can travel
(a model with :meth:`~flask_server_actions.ServerActions.use_sqlalchemy`, or
:meth:`~flask_server_actions.ServerActions.register_type`): the proxy is
written as the user it stands for.
"""

from __future__ import annotations

import typing as t

from flask import Flask
from flask import current_app
from flask import session

if t.TYPE_CHECKING:
    from flask.typing import ResponseReturnValue

    from ..post.action_call import ActionCall

try:
    import flask_login  # type: ignore[import-untyped]  # no type hints of its own
except ImportError:  # pragma: no cover - Flask-Login is an optional extra
    flask_login = None


def end_tokens_on_login_change(app: Flask) -> None:
    """Drop ``app``'s token binding whenever Flask-Login logs a user in or out."""
    if flask_login is None:  # pragma: no cover - Flask-Login is an optional extra
        return
    flask_login.user_logged_in.connect(_end_tokens, app)
    flask_login.user_logged_out.connect(_end_tokens, app)


def _end_tokens(sender: Flask, **_extra: object) -> None:
    session.pop(current_app.config["SERVER_ACTIONS_SESSION_KEY"], None)


def require_login(call: ActionCall) -> ResponseReturnValue | None:
    """A ``require=`` check (or ``before_action`` hook) that lets an action
    run only for a logged-in user; otherwise it answers as Flask-Login's
    ``login_required`` does (a redirect to the login view, or 401)::

        @server_action(require=require_login)
        def delete_note(note_id, form):
            ...

    .. versionadded:: 0.2.0
    """
    if flask_login is None:  # pragma: no cover - Flask-Login is an optional extra
        raise RuntimeError("require_login needs Flask-Login: pip install flask-login")
    if flask_login.current_user.is_authenticated:
        return None
    return t.cast("ResponseReturnValue", current_app.login_manager.unauthorized())  # type: ignore[attr-defined]
