"""What a token carries: the action's name, the page and the captured values."""

from __future__ import annotations

import json

from flask.testing import FlaskClient

from ..html import Page
from .decrypt import decrypt


def test_the_token_carries_only_name_page_and_captured_values(client: FlaskClient) -> None:
    token = Page.get(client, "/posts/1").form("#edit").token()
    assert json.loads(decrypt(token, "test secret", "tests.core_app")) == [
        "tests.core_app:create_app.<locals>.show_post.<locals>.update_post",
        "/posts/1", ["post_id"], [1], [], {}]
