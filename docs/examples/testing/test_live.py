"""Live validation with the test client (docs/testing.rst), on the sign-up
sample of docs/forms.rst."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from docs.examples.forms import signup
from flask_server_actions.testing import ActionClient


@pytest.fixture
def live() -> Iterator[ActionClient]:
    yield ActionClient(signup.app)
    signup.USERS.intersection_update({"ada"})


def test_a_taken_username_is_refused_while_typing(live: ActionClient) -> None:
    form = live.get("/signup").form()
    checked = form.validate(only=["username"], username="ada")  # as the user types
    assert checked.status_code == 422 and not checked.valid
    assert checked.errors == {"username": ["This username is taken."]}
    assert form.validate(username="grace").valid  # 204
    assert signup.USERS == {"ada"}  # a validate request never runs the action
