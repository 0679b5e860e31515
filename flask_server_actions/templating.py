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
        return Markup('<input type="hidden" name="{}" value="{}">').format(
            FIELD, self.token(fn, *args))

    def button(self, fn: t.Callable[..., t.Any], *args: object) -> Markup:
        """Attributes for a ``<button>`` that calls ``fn(*args, form)`` instead
        of the form's own action (like React's ``formAction``).

        Pressing Enter in a field submits with the form's *first* submit
        button, as HTML specifies: put the form's main button first.
        """
        return Markup('type="submit" name="{}" value="{}" formmethod="post"').format(
            BUTTON_FIELD, self.token(fn, *args))

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

    def values(self, name: str, default: t.Iterable[object] = ()) -> list[str]:
        """Every value the user submitted for ``name`` (a multi-select, a group
        of checkboxes) when the page is shown again, else ``default``.

        .. code-block:: html+jinja

            <select name="tags" multiple>{% for tag in all_tags %}
              <option {% if tag in action.values('tags', post.tags) %}selected{% endif %}>
                {{ tag }}</option>{% endfor %}
            </select>
        """
        state = current_state()
        if state:
            return [str(value) for value in state.submitted.getlist(name)]
        return [str(value) for value in default]

    def checked(self, name: str, value: object = "on", default: bool = False) -> bool:
        """Whether the checkbox ``name`` with ``value`` was ticked in the
        submission when the page is shown again, else ``default``.

        A browser sends nothing for an unticked box, so on a re-render a box
        that is absent from the submission is unticked, whatever ``default``
        says.

        .. code-block:: html+jinja

            <input type="checkbox" name="done"
                   {% if action.checked('done', default=item.done) %}checked{% endif %}>
        """
        state = current_state()
        if state:
            return str(value) in state.submitted.getlist(name)
        return default

    def notice(self) -> Markup:
        """A ``role="alert"`` paragraph with the submission's message, if any."""
        message = current_state().message
        if not message:
            return Markup("")
        return Markup('<p class="action-notice" role="alert">{}</p>').format(escape(message))
