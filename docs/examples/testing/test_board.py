"""htmx, uploads and headers with the test client (docs/testing.rst)."""

from __future__ import annotations

import io

import pytest

from flask_server_actions.testing import ActionClient

from . import board


@pytest.fixture
def actions() -> ActionClient:
    board.CARDS.clear()
    board.FILES.clear()
    return ActionClient(board.app)


def test_a_card_is_added_under_htmx(actions: ActionClient) -> None:
    page = actions.get("/board").form("add").submit(title="Plan", htmx=True)
    assert page.status_code == 200
    assert page.html.startswith('<ul id="cards">')  # only the block htmx swaps
    assert "<li>Plan</li>" in page
    assert page.htmx_headers == {}  # no HX-Redirect, no HX-Retarget


def test_a_file_is_attached(actions: ActionClient) -> None:
    form = actions.get("/board").form("attach")
    page = form.submit(file=(io.BytesIO(b"minutes"), "minutes.txt"))
    assert page.redirects == [303]
    assert board.FILES == {"minutes.txt": b"minutes"}


def test_headers_are_sent_with_the_form(actions: ActionClient) -> None:
    form = actions.get("/board").form("add")
    assert form.clicked == "Add"  # the button submit() clicks
    form.submit(title="Plan", headers={"Accept-Language": "fr"})
    assert board.CARDS == ["Plan (fr)"]
