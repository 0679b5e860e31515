"""The ``action`` template global: put actions on forms and buttons."""

from __future__ import annotations

import functools
import typing as t

from flask import current_app
from flask import g
from markupsafe import Markup
from wtforms import Field

from ..closures import reference
from ..htmx import Fragment
from ..post.calls import OPTION as CALL_OPTION
from ..post.routing import BUTTON_FIELD
from ..post.routing import FIELD
from ..post.uploads import KeptFiles
from ..post.uploads import kept_files
from . import accessible
from . import notices
from .client import client_tag
from .client import htmx_tags
from .minting import mint
from .minting import page_of_request
from .rows import CAPTURE
from .rows import saw_action
from .state import FORM_KEY
from .state import ActionState
from .state import current_state

_TITLE_PREFIX = "SERVER_ACTIONS_ERROR_TITLE_PREFIX"

#: ``Markup(text)`` for text that is already safe, without the Python-level
#: ``Markup.__new__`` (which only looks for ``__html__`` on a plain string):
#: a page of rows calls the helpers once a row.
_markup = t.cast("t.Callable[[str], Markup]", functools.partial(str.__new__, Markup))


class _Attributes(Markup):
    """The attributes of a row's button: :class:`~markupsafe.Markup` whose
    ``__html__`` is ``str.__str__``, a C function (the text as a plain
    ``str``), where Jinja's ``escape`` calls ``Markup.__html__``, a Python
    one, twice a row."""

    __slots__ = ()
    __html__ = str.__str__  # type: ignore[assignment]


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

    The methods a page calls once a row have a ``jinja_pass_arg`` of
    ``None``: what Jinja's ``Context.call`` looks for on every call finds
    "nothing to pass" without raising and catching an ``AttributeError``
    (a third of the call's cost).
    """

    def __call__(self, fn: t.Callable[..., t.Any], *args: object, block: str | None = None,
                 partial: str | None = None, oob: t.Sequence[str] = ()) -> Markup:
        """A hidden input that makes the form call ``fn(*args, form)``.

        ``block``, ``partial`` and ``oob`` say which part of the page answers
        an htmx request (see :meth:`form`); a plain post ignores them.
        """
        # Tokens are base64url, which needs no escaping: plain formatting is
        # several times cheaper than Markup.format on a page of many rows.
        token = self.token(fn, *args, block=block, partial=partial, oob=oob)
        _enter_form(fn, args)
        return _markup(f'<input type="hidden" name="{FIELD}" value="{token}">')

    # Found by Jinja's Context.call without an AttributeError (see the class).
    __call__.jinja_pass_arg = None  # type: ignore[attr-defined]

    def button(self, fn: t.Callable[..., t.Any], *args: object, block: str | None = None,
               partial: str | None = None, oob: t.Sequence[str] = (),
               target: str | None = None, swap: str | None = None,
               indicator: str | None = None) -> Markup:
        """Attributes for a ``<button>`` that calls ``fn(*args, form)`` instead
        of the form's own action (like React's ``formAction``).

        Pressing Enter in a field submits with the form's *first* submit
        button, as HTML specifies: put the form's main button first.

        With any of the htmx arguments (see :meth:`form`) the button also
        gets ``hx-post`` and the rest, so htmx sends it on its own and swaps
        the answer; without JavaScript it submits its form as before::

            <button {{ action.button(delete_row, row.id, block="rows",
                                     target="#rows") }}>Delete</button>
        """
        if not (target or swap or block or partial or oob):  # a page of rows: keep it short
            if CAPTURE.get() is not None:  # a row of an htmx answer is looked for
                saw_action(fn, args)
            return str.__new__(_Attributes, f'type="submit" name="{BUTTON_FIELD}"'
                               f' value="{mint(fn, args)}" formmethod="post"')
        token = self.token(fn, *args, block=block, partial=partial, oob=oob)
        attributes = Markup(f'type="submit" name="{BUTTON_FIELD}" value="{token}"'
                            ' formmethod="post"')
        return attributes + Markup(" ") + self.hx(target, swap, indicator, element="button")

    button.jinja_pass_arg = None  # type: ignore[attr-defined]

    def form(self, fn: t.Callable[..., t.Any], *args: object, block: str | None = None,
             partial: str | None = None, oob: t.Sequence[str] = (),
             target: str | None = None, swap: str | None = None,
             indicator: str | None = None, id: str | None = None,
             attrs: t.Mapping[str, object] | None = None) -> Markup:
        """The ``<form>`` start tag and its hidden input, in one line, for
        both a plain post and htmx::

            {{ action.form(update_post, block="post", target="#post") }}
              <input name="title" value="{{ action.value('title', post.title) }}">
              <button>Save</button>
            </form>

        :param block: answer an htmx request with this ``{% block %}`` of
            the page's template, rendered again after the action.
        :param partial: or with this template, rendered with the page's
            context.
        :param oob: blocks also sent for out-of-band swaps, each rooted in an
            element with an ``id`` (a counter elsewhere on the page).
        :param target: ``hx-target``, the element the answer replaces.
        :param swap: ``hx-swap``; default ``outerHTML``, for a block that
            holds the target element itself.
        :param indicator: ``hx-indicator``; by default the form itself gets
            htmx's ``htmx-request`` class while the action runs.
        :param id: the form's ``id``.
        :param attrs: more attributes of the ``<form>``.

        Without any htmx argument the form is a plain one.
        """
        page = page_of_request()
        tag = Markup('<form method="post" action="{}"').format(page)
        if id is not None:
            tag += Markup(' id="{}"').format(id)
        for name, value in (attrs or {}).items():
            tag += Markup(' {}="{}"').format(name, value)
        if target or swap or block or partial or oob:
            tag += Markup(" ") + self.hx(target, swap, indicator, element="form")
        return tag + Markup(">") + self(fn, *args, block=block, partial=partial, oob=oob)

    def hx(self, target: str | None = None, swap: str | None = None,
           indicator: str | None = None, element: str = "form") -> Markup:
        """The htmx attributes of a form or button posting an action: the
        page's URL in ``hx-post``, ``hx-target``, ``hx-swap``, and the
        pending state for the configured ``SERVER_ACTIONS_HTMX_VERSION``
        (htmx 4's ``hx-disable``, htmx 2's ``hx-disabled-elt``: the button
        is disabled while the action runs) with ``hx-sync`` dropping a
        second submission that starts before the first one ends.

        :param element: ``"form"`` or ``"button"``, the element they go on.
        """
        version = current_app.config["SERVER_ACTIONS_HTMX_VERSION"]
        if element == "button":
            disable = "this"
        else:  # htmx 2 has no findAll; its default sync drops a resubmit anyway
            disable = "findAll button" if version >= 4 else "find button"
        pairs = [("hx-post", page_of_request())]
        if target:
            pairs.append(("hx-target", target))
        pairs.append(("hx-swap", swap or "outerHTML"))
        pairs.append(("hx-disable" if version >= 4 else "hx-disabled-elt", disable))
        pairs.append(("hx-sync", "this:drop"))
        if indicator:
            pairs.append(("hx-indicator", indicator))
        return Markup(" ").join(Markup('{}="{}"').format(name, value) for name, value in pairs)

    def token(self, fn: t.Callable[..., t.Any], *args: object, block: str | None = None,
              partial: str | None = None, oob: t.Sequence[str] = ()) -> str:
        """The bare token of a form action, for custom markup (client code
        calls an action with a token of :meth:`data`)."""
        saw_action(fn, args)
        if block is None and partial is None and not oob:  # most buttons: no Fragment
            return mint(fn, args)
        fragment = Fragment(block, partial, (oob,) if isinstance(oob, str) else tuple(oob))
        # mint() refuses an undefined name and checks the page's view decorators.
        return mint(fn, args, fragment.options() if fragment else None)

    token.jinja_pass_arg = None  # type: ignore[attr-defined]

    def data(self, fn: t.Callable[..., t.Any], *args: object) -> Markup:
        """``data-server-action`` attributes for an element that client code
        passes to ``serverActions.call(element, [args])`` (see
        :meth:`client_script`)."""
        return Markup('data-server-action="{}" data-server-action-url="{}"').format(
            mint(fn, args, {CALL_OPTION: 1}), page_of_request())

    def htmx_script(self, config: bool = True) -> Markup:
        """The ``<script>`` that loads htmx from ``SERVER_ACTIONS_HTMX_SRC``;
        for htmx 2 also the ``htmx-config`` meta tag that lets htmx swap a
        422 answer (leave it out with ``config=False`` if the page sets its
        own ``htmx-config``)."""
        return htmx_tags(config)

    def client_script(self) -> Markup:
        """The ``<script>`` that defines ``serverActions.call(element_or_token,
        args)``, a promise of the action's return value."""
        return client_tag()

    def value(self, name: str, default: object = "") -> str:
        """The value the user submitted for ``name`` when the page is shown
        again after a failed or stateful submission of *this* form, else
        ``default``.

        "This form" is the one whose ``{{ action(fn, *args) }}`` (or
        :meth:`form`) came last before the call: put it first in the form.
        In a list with a form per row, only the row that was submitted is
        refilled, and another action's form keeps its own values. Before any
        form, the submission of any form is used.
        """
        state = _form_state()
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
        state = _form_state()
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
        state = _form_state()
        if state:
            return str(value) in state.submitted.getlist(name)
        return default

    def kept_files(self, name: str) -> KeptFiles:
        """The files of the field ``name`` kept from this form's failed
        submission: ``{{ action.kept_files("attachment") }}`` shows a ticked
        "Keep report.pdf" checkbox for each (unticked, the file is dropped);
        iterate for a layout of your own (``kept.filename``, ``kept.size``,
        ``kept.content_type``, ``kept.input()``). See :mod:`.uploads`.

        .. versionadded:: 0.3.0
        """
        return kept_files(name) if _form_state() else KeptFiles()

    def notice(self) -> Markup:
        """The live region (``role="status"``, ``aria-live="polite"``) with
        the submission's message, if any; written even when empty, so that
        a message put in it later is announced.

        Inside a form (after its ``{{ action(...) }}``, before its
        ``</form>``) it shows that form's message only: in a list with a
        form per row, only the row that was submitted shows it. Outside
        every form it shows any message, and the first such notice of the
        page is its *notice region*, ``<div id="action-notice">``: under
        htmx, the message of a refused or failed action is swapped into it
        instead of into the form's target.

        .. versionchanged:: 0.3.0
            Inside a form, only that form's message; the notice region;
            always a live region.
        """
        state = _form_state()
        message = state.message
        if g.get(_G_FORM) is None and not g.get(_G_REGION):
            setattr(g, _G_REGION, True)  # one region: its id is unique
            return notices.region(message, about_a_field=notices.about_a_field(state))
        return notices.live(message)

    def field(self, name: str | Field, id: str | None = None, live: bool = False,
              **render_kw: t.Any) -> Markup:
        """The ``name`` and ``id`` attributes of the current form's field
        ``name``, and, when the submission shown failed on it,
        ``aria-invalid="true"`` and ``aria-describedby`` naming its
        :meth:`field_error` element:

        .. code-block:: html+jinja

            <label for="title">Title</label>
            <input {{ action.field('title', live=True) }}
                   value="{{ action.value('title', post.title) }}">
            {{ action.field_error('title') }}

        Given a WTForms field instead of a name, the field itself, rendered
        by WTForms (its widget, value, ``required``) with those attributes
        and ``render_kw``:

        .. code-block:: html+jinja

            {{ form.title.label }} {{ action.field(form.title, live=True) }}
            {{ action.field_error(form.title) }}

        :param id: the field's ``id``; default its name (a WTForms field's
            own ``id``).
        :param live: validate the field while the user types (see
            :mod:`.precognition`); the page loads
            :meth:`client_script`.
        :param render_kw: more attributes of a WTForms field
            (``class_="wide"``).

        .. versionadded:: 0.3.0
        """
        if isinstance(name, Field):
            attributes = self.attrs(name.name, id if id is not None else name.id, live)
            return Markup(name(**attributes, **render_kw))
        field_id = name if id is None else id
        _field_ids()[name] = field_id
        return accessible.field_attributes(_form_state(), name, field_id, live)

    def attrs(self, name: str, id: str | None = None,
              live: bool = False) -> dict[str, str | bool]:
        """What :meth:`field` adds to the current form's field ``name``, as
        keyword arguments of a WTForms field, for a field rendered by
        WTForms with arguments of its own:

        .. code-block:: html+jinja

            {{ form.title(**action.attrs("title", live=True), class_="wide") }}
            {{ action.field_error("title") }}

        :param id: the field's ``id``, when it is not its name (it is then
            in the arguments too).
        :param live: validate the field while the user types.

        .. versionadded:: 0.3.0
        """
        field_id = name if id is None else id
        _field_ids()[name] = field_id
        found = accessible.aria_attributes(_form_state(), name, field_id, live)
        return found if field_id == name else {"id": field_id, **found}

    def field_error(self, name: str | Field) -> Markup:
        """The element holding the error of the field ``name`` (a name or a
        WTForms field; written after :meth:`field`, whose ``id`` it
        follows): ``<p id="title-error" class="action-field-error">``, empty
        when the field has no error.

        .. versionadded:: 0.3.0
        """
        if isinstance(name, Field):
            name = name.name
        field_id = _field_ids().get(name, name)
        return accessible.field_error(_form_state(), name, field_id)

    def error_summary(self, ids: t.Mapping[str, str] | None = None) -> Markup:
        """The current form's error summary after a failed submission: a
        focusable ``role="alert"`` list of the errors, each a link to its
        field (``href="#title"``), as the GOV.UK design system has it;
        nothing when no field has an error. Put it first in the form.

        :param ids: the ``id`` of each field given another ``id`` than its
            name with :meth:`field` (the summary comes before the fields).

        .. versionadded:: 0.3.0
        """
        return accessible.error_summary(_form_state(), ids or {})

    def title(self, text: str) -> str:
        """``text`` for the page's ``<title>``, after
        ``SERVER_ACTIONS_ERROR_TITLE_PREFIX`` (``None``: ``"Error: "`` in the
        user's language) when the page
        is shown again for a failed submission:
        ``<title>{{ action.title("Edit post") }}</title>``.

        .. versionadded:: 0.3.0
        """
        state = current_state()
        if state.active and not state.succeeded:
            # Markup + text escapes plain text once and keeps markup (a
            # {% set %} block) as it is; an f-string would escape it twice.
            prefix = accessible.title_prefix(current_app.config.get(_TITLE_PREFIX))
            return Markup.escape(prefix) + text
        return text


_G_FORM = FORM_KEY
_G_REGION = "_server_actions_region"
_G_FIELD_IDS = "_server_actions_field_ids"


def _field_ids() -> dict[str, str]:
    """The ``id`` :meth:`ActionHelper.field` gave each field of the current form."""
    return t.cast("dict[str, str]", g.setdefault(_G_FIELD_IDS, {}))


def _enter_form(fn: t.Callable[..., t.Any], args: tuple[object, ...]) -> None:
    # What value(), values(), checked() and notice() refer to until the next form.
    setattr(g, _G_FORM, (fn, args))
    setattr(g, _G_FIELD_IDS, {})


def _form_state() -> ActionState:
    """The state of the submission if it was the current form's."""
    state = current_state()
    form = g.get(_G_FORM) if state else None
    if form is None or state.is_for(reference(form[0]), form[1]):
        return state
    return _NO_STATE


_NO_STATE = ActionState()
