"""An app served under a URL prefix behind a proxy (docs/deployment.rst)."""

from flask import Flask
from flask import render_template_string
from werkzeug.middleware.proxy_fix import ProxyFix

from flask_server_actions import ServerActions

app = Flask(__name__)
app.config["SECRET_KEY"] = "change me"
ServerActions(app)
# The proxy serves the app at https://example.com/board/ and says so in
# X-Forwarded-Prefix (and the host and scheme in X-Forwarded-Host, -Proto).
app.wsgi_app = ProxyFix(app.wsgi_app, x_for=1, x_proto=1, x_host=1, x_prefix=1)

CARDS: list[str] = []
PAGE = """<ul>{% for card in cards %}<li>{{ card }}</li>{% endfor %}</ul>
<form method="post">{{ action(add_card) }}<input name="title"><button>Add</button></form>"""


@app.get("/cards")
def cards():
    def add_card(form):
        "use server"
        CARDS.append(form["title"])

    return render_template_string(PAGE, cards=CARDS, add_card=add_card)
