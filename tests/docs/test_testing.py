"""The samples of docs/testing.rst run here as they are: their fixtures and
tests are imported, so pytest collects them as this module's."""

from __future__ import annotations

from docs.examples.testing.conftest import actions  # noqa: F401 - fixture
from docs.examples.testing.conftest import app  # noqa: F401 - fixture
from docs.examples.testing.test_tasks import test_a_task_is_toggled_by_its_button  # noqa: F401
from docs.examples.testing.test_tasks import test_a_task_without_a_title_is_refused  # noqa: F401
from docs.examples.testing.test_tasks import test_a_wrong_password_keeps_the_name  # noqa: F401
from docs.examples.testing.test_tasks import test_sign_in_and_add_a_task  # noqa: F401
