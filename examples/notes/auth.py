"""Signing in and out: module-level actions, one public, one protected."""

from __future__ import annotations

from flask import redirect
from flask import url_for
from flask_login import LoginManager
from flask_login import login_user
from flask_login import logout_user
from sqlalchemy import select
from werkzeug.wrappers import Response

from flask_server_actions import ActionError
from flask_server_actions import server_action
from flask_server_actions.integrations.login import require_login

from .forms import SignInForm
from .models import User
from .models import db

login_manager = LoginManager()
login_manager.login_view = "sign_in_page"


@login_manager.user_loader
def load_user(user_id: str) -> User | None:
    return db.session.get(User, int(user_id))


@server_action(form=SignInForm)  # public: no require=
def sign_in(form: SignInForm) -> Response:
    user = db.session.scalar(select(User).where(User.email == form.email.data))
    if user is None or not user.check_password(form.password.data or ""):
        raise ActionError("Wrong email or password.")
    login_user(user)  # ends every token minted before
    return redirect(url_for("notes"))


@server_action(require=require_login)
def sign_out() -> Response:
    logout_user()  # ends every token minted before
    return redirect(url_for("sign_in_page"))
