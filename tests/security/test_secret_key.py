"""Minting needs a secret key, given as text or bytes."""

from __future__ import annotations

import pytest

from .app_secure import create_app
from .forge import post
from .forge import token_of


@pytest.mark.parametrize("secret", [None, ""])
def test_without_a_secret_key_minting_is_a_clear_error(secret: str | None) -> None:
    app = create_app(secret="placeholder")
    app.config["SECRET_KEY"] = secret
    app.testing = True
    with pytest.raises(RuntimeError, match="needs SECRET_KEY"):
        app.test_client().get("/plain")


def test_a_bytes_secret_key_works() -> None:
    client = create_app(secret=b"bytes secret").test_client()  # type: ignore[arg-type]
    assert post(client, token_of(client)).status_code == 303
