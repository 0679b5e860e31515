"""The ``action`` template global: put actions on forms and buttons."""

from __future__ import annotations

import typing as t

from markupsafe import Markup
from markupsafe import escape

from .dispatch import BUTTON_FIELD
from .dispatch import FIELD
from .minting import mint
from .state import current_state

if t.TYPE_CHECKING:
    from .extension import ServerActions


class ActionHelper:
    """Available in templates as ``action``.

    .. code-block:: html+jinja

        <form method="post">
          {{ action(update_post) }}
          <input name="title" value="{{ action.value('title', post.title) }}">
          <button>Save</button>
          <button {{ action.button(delete_post, post.id) }}>Delete</button>
        </form>

    The form posts back to the page's own URL, where the extension runs the
    action instead of the view.
    """

    def __init__(self, ext: ServerActions) -> None:
        self._ext = ext

    def __call__(self, fn: t.Callable[..., t.Any], *args: object) -> Markup:
        """A hidden input that makes the form call ``fn(*args, form)``."""
        # Tokens are base64url, which needs no escaping: plain formatting is
        # several times cheaper than Markup.format on a page of many rows.
        return Markup(f'<input type="hidden" name="{FIELD}" value="{self.token(fn, *args)}">')

    def button(self, fn: t.Callable[..., t.Any], *args: object) -> Markup:
        """Attributes for a ``<button>`` that calls ``fn(*args, form)`` instead
        of the form's own action (like React's ``formAction``).

        Pressing Enter in a field submits with the form's *first* submit
        button, as HTML specifies: put the form's main button first.
        """
        return Markup(f'type="submit" name="{BUTTON_FIELD}" value="{self.token(fn, *args)}"'
                      ' formmethod="post"')

    def token(self, fn: t.Callable[..., t.Any], *args: object) -> str:
        """The bare token, for custom markup or client code."""
        return mint(self._ext, fn, args)

    def value(self, name: str, default: object = "") -> str:
        """The value the user submitted for ``name`` when the page is shown
        again after a failed or stateful submission, else ``default``.
        """
        state = current_state()
        if state and name in state.submitted:
            return str(state.submitted[name])
        return "" if default is None else str(default)

    def notice(self) -> Markup:
        """A ``role="alert"`` paragraph with the submission's message, if any."""
        message = current_state().message
        if not message:
            return Markup("")
        return Markup('<p class="action-notice" role="alert">{}</p>').format(escape(message))
