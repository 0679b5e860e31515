"""8. Tokens minted while a template streams."""

from __future__ import annotations

from flask.testing import FlaskClient

from ..html import Page
from ..store import STORE


def test_a_streamed_page_is_private_and_its_tokens_work_for_a_first_visit(
        client: FlaskClient) -> None:
    response = client.get("/streamed")
    assert response.status_code == 200
    assert response.cache_control.private
    assert "cookie" in response.vary
    assert "session=" in response.headers.get("Set-Cookie", "")
    page = Page(client, "/streamed", response)
    assert page.form().submit(title="flowing").status_code == 303
    assert STORE == [("streamed", "flowing")]
