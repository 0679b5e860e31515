"""Errors a screen reader announces: what the field helpers of the ``action``
template global write.

A field written with ``action.field(name)`` (or a WTForms field rendered
with ``action.field(form.title)`` or ``form.title(**action.attrs("title"))``)
gets ``aria-invalid="true"`` and
``aria-describedby`` naming its error element (``action.field_error(name)``,
``id="<field id>-error"``) when the submission shown failed on it, and
neither otherwise; the error element is written even when empty, so that
live validation has a place to put a message. ``action.error_summary()``
is the GOV.UK design system's error summary: a focusable list of the
errors at the top of the form, each a link to its field, focused as the
page loads (``autofocus``: no script needed) and, under htmx, after a 422.
The title prefix of a failed page and the label of a kept file come from
the catalog too, in the user's language.

.. versionadded:: 0.3.0
"""

from __future__ import annotations

import typing as t

from flask import g
from markupsafe import Markup
from markupsafe import escape

from ..messages import N_
from ..messages import translate

if t.TYPE_CHECKING:
    from .state import ActionState

#: The heading of the error summary.
SUMMARY_HEADING = N_("There is a problem")
#: What :meth:`~.templating.ActionHelper.title` puts before the title of a
#: page shown again for a failed submission, unless
#: ``SERVER_ACTIONS_ERROR_TITLE_PREFIX`` says otherwise.
TITLE_PREFIX = N_("Error: ")
#: The label of a kept file's checkbox.
KEEP_FILE = N_("Keep %(filename)s")
#: The ``id`` of the error summary's heading (one form fails at a time).
SUMMARY_HEADING_ID = "action-error-summary-title"
_G_SHOWN = "_server_actions_field_error_shown"


def error_id(field_id: str) -> str:
    """The ``id`` of the element holding the error of the field ``field_id``."""
    return f"{field_id}-error"


def field_messages(state: ActionState, name: str) -> list[str]:
    """The error messages of the field ``name`` in ``state``: its WTForms
    field's errors and the :class:`~.errors.ActionError` about it."""
    form = state.form
    messages = [str(message) for message in form[name].errors] if (
        form is not None and name in form) else []
    error = state.field_error(name)
    if error is not None and error not in messages:
        messages.append(error)
    return messages


def all_messages(state: ActionState) -> list[tuple[str, str]]:
    """Every ``(field name, message)`` of ``state``, in the form's order."""
    names = [field.name for field in state.form] if state.form is not None else []
    if state.error is not None and state.error.field and state.error.field not in names:
        names.append(state.error.field)
    return [(name, message) for name in names for message in field_messages(state, name)]


def aria_attributes(state: ActionState, name: str, field_id: str,
                    live: bool) -> dict[str, str | bool]:
    """The ARIA attributes of an invalid field and the live-validation
    marker, as keyword arguments of a WTForms field (``True``: an
    attribute without a value)."""
    attributes: dict[str, str | bool] = {}
    if field_messages(state, name):
        attributes["aria-invalid"] = "true"
        attributes["aria-describedby"] = error_id(field_id)
    if live:
        attributes["data-action-live"] = True
    return attributes


def field_attributes(state: ActionState, name: str, field_id: str, live: bool) -> Markup:
    """``name`` and ``id``, and the ARIA attributes of an invalid field."""
    attributes = Markup('name="{}" id="{}"').format(name, field_id)
    for key, value in aria_attributes(state, name, field_id, live).items():
        attributes += (Markup(' {}="{}"').format(key, value) if value is not True
                       else Markup(" {}").format(key))
    return attributes


def field_error(state: ActionState, name: str, field_id: str) -> Markup:
    """The element holding the field's error text, empty when it has none."""
    messages = field_messages(state, name)
    if state.field_error(name) is not None:
        setattr(g, _G_SHOWN, True)
    return Markup('<p id="{}" class="action-field-error">{}</p>').format(
        error_id(field_id), " ".join(messages))


def field_error_shown() -> bool:
    """Whether the page written for this request shows an
    :class:`~.errors.ActionError` about a field in the field's error
    element or an error summary."""
    return bool(g.get(_G_SHOWN))


def error_summary(state: ActionState, ids: t.Mapping[str, str]) -> Markup:
    """The error summary of ``state``, or nothing when it has no field error.

    :param ids: the ``id`` of each field whose ``id`` is not its name.
    """
    errors = all_messages(state)
    if not errors:
        return Markup("")
    if state.error is not None and state.error.field:
        setattr(g, _G_SHOWN, True)
    items = Markup("").join(
        Markup('<li><a href="#{}">{}</a></li>').format(ids.get(name, name), message)
        for name, message in errors)
    return Markup(
        '<div class="action-error-summary" role="alert" tabindex="-1" autofocus'
        ' aria-labelledby="{0}">'
        '<h2 id="{0}">{1}</h2><ul>{2}</ul></div>').format(SUMMARY_HEADING_ID,
                                                         translate(SUMMARY_HEADING), items)


def title_prefix(setting: str | None) -> str:
    """The prefix of a failed page's title: ``setting``
    (``SERVER_ACTIONS_ERROR_TITLE_PREFIX``), else the catalog's, in the
    user's language."""
    return translate(TITLE_PREFIX) if setting is None else setting


def keep_file_label(filename: str) -> Markup:
    """The label of a kept file's checkbox, "Keep report.pdf" in the
    user's language, the file's name in a ``<span>``."""
    return Markup(escape(translate(KEEP_FILE))) % {
        "filename": Markup("<span>{}</span>").format(filename)}
