"""Flask-Login's login_required guards a page and the actions defined in it
(docs/security.rst, docs/quickstart.rst)."""

from flask import Flask, render_template_string
from flask_login import LoginManager, UserMixin, current_user, login_required

from flask_server_actions import ServerActions

app = Flask(__name__)
app.config["SECRET_KEY"] = "dev only: set a long random value"
actions = ServerActions(app)
login_manager = LoginManager(app)
NOTES: dict[str, str] = {}


class User(UserMixin):
    def __init__(self, user_id: str) -> None:
        self.id = user_id


login_manager.user_loader(User)


@app.get("/notes")
@login_required  # guards the page, and every action posted to it
def notes():
    def save_note(form):
        "use server"
        # Runs only for a signed-in user: login_required ran first, as for
        # the page, and this view's body did not run for the post.
        NOTES[current_user.id] = form["text"]

    return render_template_string(
        '<form method="post">{{ action(save_note) }}'
        '<textarea name="text"></textarea><button>Save</button></form>',
        save_note=save_note)
