"""Settings for several workers and instances (docs/deployment.rst)."""

from __future__ import annotations

import os

from flask import Flask

from flask_server_actions import ServerActions


def create_app() -> Flask:
    app = Flask(__name__)
    # The same secret on every worker and every instance: any of them can
    # open a token another one minted.
    app.config["SECRET_KEY"] = os.environ["APP_SECRET_KEY"]
    # Rotation: the new key first, the old ones here until their tokens (and
    # sessions) have expired.
    app.config["SECRET_KEY_FALLBACKS"] = [
        key for key in os.environ.get("APP_OLD_SECRET_KEYS", "").split(",") if key]
    ServerActions(app)
    from deployment_views import bp

    app.register_blueprint(bp)
    return app
