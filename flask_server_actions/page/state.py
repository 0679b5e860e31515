"""What a re-rendered page knows about the action that was just submitted.

When an action cannot finish with a redirect (it returned a value, raised
:class:`ActionError`, its form did not validate, or the token was stale) the
page's view runs again within the ``POST`` request. :func:`action_state`
gives that view and its template the outcome, much like React's
``useActionState``.
"""

from __future__ import annotations

import typing as t
from dataclasses import dataclass
from dataclasses import field

from flask import g
from flask import has_app_context
from werkzeug.datastructures import ImmutableMultiDict
from werkzeug.datastructures import MultiDict

from ..closures import reference
from ..forms import build_form
from ..messages import translate

if t.TYPE_CHECKING:
    from jinja2.runtime import Context
    from wtforms import Form

    from ..errors import ActionError

_G_KEY = "_server_actions_state"
FormT = t.TypeVar("FormT", bound="Form")


#: What a state that shows no submission holds (one for all: nothing writes to it).
_NOTHING_SUBMITTED: MultiDict[str, t.Any] = ImmutableMultiDict()


@dataclass
class ActionState:
    """The outcome of a submitted action, for the page shown after it.

    An empty state (nothing was submitted, or another action was) is falsy,
    so templates can write ``{% if action_state(update_post) %}``.
    """

    #: ``module:qualname`` of the action that ran or was refused; empty when
    #: nothing was submitted or the token could not be read at all.
    ref: str = ""
    #: What the action returned (when it returned neither ``None`` nor a
    #: response).
    value: t.Any = None
    #: The :class:`ActionError` the action raised, if it raised one.
    error: ActionError | None = None
    #: A message for the user when the submission could not run (expired,
    #: another session, an outdated page).
    notice: str | None = None
    #: Values the notice is formatted with (``%(seconds)s``), once translated.
    #:
    #: .. versionadded:: 0.3.0
    notice_values: dict[str, t.Any] = field(default_factory=dict)
    #: The validated or invalid WTForms form, for actions that take one.
    form: t.Any = None
    #: The submitted fields, to fill the form in again.
    submitted: MultiDict[str, t.Any] = field(default=_NOTHING_SUBMITTED)
    #: Whether this state belongs to a submission at all.
    active: bool = False
    #: The arguments bound to the submitted action in the template
    #: (``{{ action(rename, row.id) }}`` gives ``(row.id,)``), also when
    #: the token was stale (expired, of another session); ``None`` when it
    #: could not be read or its arguments no longer load.
    #:
    #: .. versionchanged:: 0.3.0
    #:     Set for a stale token too.
    args: tuple[t.Any, ...] | None = None
    #: The actions (``ref``, bound arguments) of the form that was submitted:
    #: the action itself and, when a button's action was clicked, the form's.
    forms: list[tuple[str, tuple[t.Any, ...] | None]] = field(default_factory=list)
    #: Whether the action ran and returned: the page is shown after a
    #: success (an htmx request answered with part of the page, or an
    #: action that returned a value). :attr:`ref` and :attr:`args` then say
    #: which action ran on which row; the state is falsy unless the action
    #: returned a value, so forms show fresh values, not the submitted ones.
    #:
    #: .. versionadded:: 0.3.0
    succeeded: bool = False

    def __bool__(self) -> bool:
        return self.active

    @property
    def message(self) -> str | None:
        """The message to show above the form: the notice, in the user's
        language (see :mod:`~flask_server_actions.messages`), or the
        error's message, as the action wrote it.

        .. versionchanged:: 0.3.0
            The notice is translated.
        """
        if self.notice:
            return translate(self.notice, **self.notice_values)
        return self.error.message if self.error is not None else None

    def form_for(self, form_class: type[FormT], **kwargs: t.Any) -> FormT:
        """The form to show on the page, with nothing the user typed lost.

        ::

            form = action_state(update_post).form_for(PostForm, obj=post)

        :param form_class: the WTForms form class the page shows.
        :param kwargs: passed to ``form_class`` (``obj``, ``data``, ...).
        :return: the form the action validated (with its errors) when there
            is one; else, after a submission that could not run (an expired
            token, another session, a retired key, an outdated page), the
            class filled with what was submitted; else ``form_class(**kwargs)``.
        """
        if isinstance(self.form, form_class):
            return self.form
        if self.active:
            return t.cast(FormT, build_form(form_class, self.submitted, **kwargs))
        return form_class(**kwargs)

    def is_for(self, ref: str, args: tuple[t.Any, ...] | None) -> bool:
        """Whether the form whose action is ``ref`` with bound ``args`` is
        the one submitted (each row's form of a list has other ``args``)."""
        if not self.ref:  # unknown which form: let each of them be refilled
            return True
        return any(ref == form_ref and (args is None or form_args is None or args == form_args)
                   for form_ref, form_args in self.forms or [(self.ref, self.args)])

    def field_error(self, name: str) -> str | None:
        """The :class:`ActionError` message for one field, if it is about it."""
        if self.error is not None and self.error.field == name:
            return self.error.message
        return None


_EMPTY = ActionState()


def after_success(state: ActionState) -> ActionState:
    """The state a page sees when it is rendered after ``state``'s action
    succeeded without a value: which action ran, with which arguments,
    and nothing to refill."""
    return ActionState(ref=state.ref, args=state.args, forms=state.forms, succeeded=True)


def current_state() -> ActionState:
    """The state of the submission being handled, or an empty one."""
    return t.cast(ActionState, g.get(_G_KEY, _EMPTY))


def set_state(state: ActionState) -> None:
    """Make ``state`` the one views and templates see for this request."""
    setattr(g, _G_KEY, state)


def action_state(fn: t.Callable[..., t.Any] | None = None, *args: t.Any) -> ActionState:
    """The outcome of ``fn`` if this request just submitted it.

    Use it in a view or a template (where it is a global)::

        state = action_state(update_post)
        if state.value:
            ...  # what update_post returned

    In a list with a form per row, pass the row's bound arguments too, so
    that only the row that was submitted sees the outcome:
    ``action_state(rename, row.id).field_error("title")``.

    :param fn: the action to ask about. ``None`` gives the state of whatever
        action was submitted, for page-wide notices.
    :param args: the arguments bound to ``fn`` in that form; without them,
        any submission of ``fn`` matches.

    After a success that shows part of the page (htmx), the state names the
    action and its arguments with :attr:`ActionState.succeeded` set, and
    stays falsy: the view can tell which row was acted on.

    :return: the state, falsy when ``fn`` was not the action submitted. A
        submission whose token could not be read (a retired key) or names
        an action that no longer exists as it was (a redeploy) is given for
        every ``fn``, so whichever form was posted is refilled.
    """
    state = current_state()
    if fn is None or state.ref == "":
        return state
    ref = reference(fn)
    if state.ref == ref and (not args or state.args is None or state.args == args):
        return state
    return _EMPTY


#: The ``g`` key of the form the template is inside of, as the template
#: helper entered it (``None`` once it ended).
FORM_KEY = "_server_actions_form"


def form_ends(render: t.Callable[[Context], t.Iterator[str]],
              ) -> t.Callable[[Context], t.Iterator[str]]:
    """``render`` (a block's or a template's), noting where a form ends: at
    the ``</form>`` it writes, after which a notice is outside every form."""

    def scanned(context: Context) -> t.Iterator[str]:
        # Jinja yields literal text and each expression's value apart, each
        # before the next expression runs: a "</form>" is seen in time.
        for piece in render(context):
            if "</" in piece and "</form" in piece.lower() and has_app_context():
                setattr(g, FORM_KEY, None)
            yield piece

    return scanned
