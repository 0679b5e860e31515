"""The samples of docs/testing.rst run here as they are: their fixtures and
tests are imported, so pytest collects them as this module's."""

from __future__ import annotations

from docs.examples.testing.conftest import actions  # noqa: F401 - fixture
from docs.examples.testing.conftest import app  # noqa: F401 - fixture
from docs.examples.testing.test_live import live  # noqa: F401 - fixture
from docs.examples.testing.test_live import test_a_taken_username_is_refused_while_typing  # noqa: F401
from docs.examples.testing.test_tasks import test_a_replayed_form_runs_again  # noqa: F401
from docs.examples.testing.test_tasks import test_a_task_is_toggled_by_its_button  # noqa: F401
from docs.examples.testing.test_tasks import test_a_task_without_a_title_is_refused  # noqa: F401
from docs.examples.testing.test_tasks import test_a_wrong_password_keeps_the_name  # noqa: F401
from docs.examples.testing.test_tasks import test_an_expired_page_keeps_the_input  # noqa: F401
from docs.examples.testing.test_tasks import test_another_browser_cannot_use_the_token  # noqa: F401
from docs.examples.testing.test_tasks import test_sign_in_after_a_login_redirect  # noqa: F401
from docs.examples.testing.test_tasks import test_sign_in_and_add_a_task  # noqa: F401
