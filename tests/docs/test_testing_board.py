"""The htmx, upload and header samples of docs/testing.rst run here as
they are (a module of their own: their ``actions`` fixture is another app's)."""

from __future__ import annotations

from docs.examples.testing.test_board import actions  # noqa: F401 - fixture
from docs.examples.testing.test_board import test_a_card_is_added_under_htmx  # noqa: F401
from docs.examples.testing.test_board import test_a_file_is_attached  # noqa: F401
from docs.examples.testing.test_board import test_headers_are_sent_with_the_form  # noqa: F401
