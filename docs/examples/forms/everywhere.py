"""An action for every page: sign out from the layout (docs/forms.rst)."""

from __future__ import annotations

from flask import Flask
from flask import abort
from flask import flash
from flask import render_template
from flask import session

from flask_server_actions import ServerActions
from flask_server_actions import server_action

app = Flask(__name__)
app.config["SECRET_KEY"] = "change me"
ServerActions(app)


@server_action(scope="app")
def sign_out(form: object) -> None:
    session.clear()  # also ends every token minted for this session
    flash("Signed out.")


@app.context_processor
def layout() -> dict[str, object]:
    return {"sign_out": sign_out, "user": session.get("user")}


@app.get("/admin")
def admin() -> str:
    if session.get("role") != "admin":
        abort(403)
    return render_template("admin.html")


@app.errorhandler(404)
def not_found(error: Exception) -> tuple[str, int]:
    return render_template("admin.html"), 404  # the layout's form works here too
