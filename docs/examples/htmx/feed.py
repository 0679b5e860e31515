"""htmx-native "load more": an action returns the next rows and a partial
renders them (docs/htmx.rst). Without JavaScript the page comes back with
every row up to those."""

from flask import Flask
from flask import render_template

from flask_server_actions import ServerActions
from flask_server_actions import action_state

app = Flask(__name__)
app.config.update(SECRET_KEY="change me", SERVER_ACTIONS_HTMX_SRC="/static/htmx.min.js")
ServerActions(app)

ITEMS = [f"Item {number}" for number in range(1, 24)]
PAGE_SIZE = 10


@app.get("/feed")
def feed():
    def load_more(shown, form):
        "use server"
        return ITEMS[shown:shown + PAGE_SIZE]

    state = action_state(load_more)
    # After "load more": the rows it returned, after the `start` shown before.
    start, loaded = (state.args[0], state.value) if state else (0, ITEMS[:PAGE_SIZE])
    return render_template("htmx/feed.html", earlier=ITEMS[:start], loaded=loaded,
                           shown=start + len(loaded), total=len(ITEMS), load_more=load_more)
