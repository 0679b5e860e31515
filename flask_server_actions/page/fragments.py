"""Answering an htmx request with part of the page.

The page's view runs again, as for any re-render, but the first template it
renders renders only the asked-for part, with the page's full context: one
``{% block %}`` of that template, or another (partial) template rendered
with the same context, plus blocks marked for out-of-band swaps
(``hx-swap-oob``). The page is rendered once, and only that part: a message
flashed by the action is shown if the part shows the flashed messages, and
otherwise stays in the session for the next page, instead of being read by
a part of the page that is never sent.

The part is chosen when the form is rendered (the template helper's
``block=``, ``partial=`` and ``oob=`` arguments travel inside the encrypted
token, so a client cannot ask for a block the page did not offer), or by
the action returning :meth:`~flask_server_actions.htmx.HtmxDetails.fragment`.
"""

from __future__ import annotations

import contextvars
import re
import typing as t

from flask.globals import _cv_app
from jinja2 import Template
from markupsafe import Markup
from markupsafe import escape
from werkzeug.wrappers import Response as BaseResponse

from ..errors import FragmentNotFound
from ..htmx import Fragment as Fragment
from . import notices
from . import rows
from .state import current_state
from .state import form_ends

if t.TYPE_CHECKING:
    from flask import Flask
    from jinja2 import Environment

    from .state import ActionState

_G_KEY = "_server_actions_fragment"
_FIRST_TAG = re.compile(r"^(\s*<[A-Za-z][^\s/>]*)")


def remember(options: t.Mapping[str, t.Any]) -> None:
    """Keep the fragment the submitted token asks for, for this request."""
    # g's own dictionary, through Flask's context variable: once per post.
    _cv_app.get().g.__dict__[_G_KEY] = (
        Fragment.from_options(options) if "fragment" in options else None)


def requested() -> Fragment | None:
    """The fragment the submitted token asked for, if any."""
    fragment: Fragment | None = _cv_app.get().g.__dict__.get(_G_KEY)
    return fragment


class _Wanted:
    """The part an htmx request is answered with, until a template renders it."""

    def __init__(self, app: Flask, fragment: Fragment) -> None:
        self.app = app
        self.fragment = fragment
        self.done = False
        #: The answer is a notice for the page's notice region.
        self.notice = False
        #: The row the answer is for is gone: htmx removes it.
        self.gone = False
        #: A message for the notice region, sent with a row out of band.
        self.region: str | None = None


_WANTED: contextvars.ContextVar[_Wanted | None] = contextvars.ContextVar(
    "server_actions_fragment", default=None)


class FragmentTemplate(Template):
    """The app's template class: while a fragment is wanted, the first
    template rendered renders that fragment instead of the whole page."""

    def render(self, *args: t.Any, **kwargs: t.Any) -> str:
        wanted = _WANTED.get()
        if wanted is None or wanted.done:
            return super().render(*args, **kwargs)
        wanted.done = True
        return _parts(wanted, self, dict(*args, **kwargs))

    @classmethod
    def _from_namespace(cls, environment: Environment, namespace: t.MutableMapping[str, t.Any],
                        globals: t.MutableMapping[str, t.Any]) -> Template:
        # Watch the template's root and its blocks, so that the rendering of
        # one row among many can be told apart (see .rows). The compiled
        # code calls its blocks by name in super(): rename those too.
        # Where a form ends, for the notices of .templating.
        if not environment.is_async:
            namespace["root"] = rows.watched("partial", namespace["name"],
                                             form_ends(namespace["root"]))
            blocks = namespace["blocks"]
            for name, render in list(blocks.items()):
                blocks[name] = namespace[f"block_{name}"] = rows.watched(
                    "block", name, form_ends(render))
        return super()._from_namespace(environment, namespace, globals)


def use_fragment_templates(app: Flask) -> None:
    """Make ``app``'s templates able to render only a fragment."""
    env = app.jinja_env  # keep a template class the app set itself
    env.template_class = type("FragmentTemplate", (FragmentTemplate, env.template_class), {})


def render(app: Flask, fragment: Fragment,
           call_view: t.Callable[[], t.Any]) -> BaseResponse:
    """Run the page's view and answer with ``fragment`` of what it renders.

    A view that answers without rendering a template (a redirect, an
    error page) is answered as it is.
    """
    wanted = _Wanted(app, fragment)
    reset = _WANTED.set(wanted)
    try:
        response = app.make_response(call_view())
    finally:
        _WANTED.reset(reset)
    if wanted.gone:
        response.headers["HX-Reswap"] = "delete"
    return notices.retarget(response) if wanted.notice else response


def _parts(wanted: _Wanted, template: Template, context: dict[str, t.Any]) -> str:
    fragment = wanted.fragment
    parts = []
    if fragment.partial:
        parts.append(_part(wanted, template, "partial", fragment.partial, context))
    if fragment.block:
        parts.append(_part(wanted, template, "block", fragment.block, context))
    parts.extend(_out_of_band(render_block(template, name, context), name)
                 for name in fragment.oob)
    if wanted.region is not None:
        parts.append(_out_of_band(notices.region(wanted.region), notices.REGION_ID))
    setting = wanted.app.config["SERVER_ACTIONS_HTMX_OOB"]
    for name in (setting,) if isinstance(setting, str) else setting:
        if name in fragment.oob:
            continue
        try:
            html = render_block(template, name, context)
        except FragmentNotFound:  # a block named for the app: sent by pages that have it
            continue
        parts.append(_out_of_band(html, name))
    return "".join(parts)


def _part(wanted: _Wanted, template: Template, kind: rows.Kind, name: str,
          context: dict[str, t.Any]) -> Markup:
    """A partial or a block of the page: on its own, or the submitted row
    if the page renders it in a loop."""
    place = rows.place_of(template, kind, name)
    if place is not None and place.in_loop:
        state = current_state()
        if state.args is None:
            # A token that could not be read (outdated) cannot say which row
            # it was: leave the rows, and what was typed, as they are.
            return _notice_only(wanted, state)
        row = rows.render_row(template, kind, name, place, context, state, render_block)
        loader = wanted.app.extensions["server_actions"].row_loaders.get(name)
        if row is None and loader is not None:  # not shown: a row from "load more"?
            found = loader(*state.args)
            if found is not None:
                row = _alone(wanted, template, kind, name, {**context, **found})
        elif row is None and state.notice:  # stale: nothing ran, so nothing is removed
            return _notice_only(wanted, state)
        wanted.gone = row is None
        if row is not None and state.message and str(escape(state.message)) not in row:
            # A row without a notice of its own (an expired form, come back
            # with a fresh token): the notice region says what happened.
            wanted.region = state.message
        return row or Markup("")
    return _alone(wanted, template, kind, name, context)


def _notice_only(wanted: _Wanted, state: ActionState) -> Markup:
    """The answer is only the state's message, for the notice region."""
    wanted.notice = True
    return notices.paragraph(state.message or "")


def _alone(wanted: _Wanted, template: Template, kind: rows.Kind, name: str,
           context: dict[str, t.Any]) -> Markup:
    """A partial or a block rendered on its own with ``context``."""
    if kind == "partial":
        return Markup(wanted.app.jinja_env.get_or_select_template(name).render(context))
    return render_block(template, name, context)


def render_block(template: Template, name: str, context: dict[str, t.Any]) -> Markup:
    """Render the block ``name`` of ``template`` (or of a template it
    extends) with ``context``.

    :raises FragmentNotFound: no such block.
    """
    ctx = template.new_context(dict(context))
    # A template that extends another registers the blocks of the whole chain
    # before the base template writes its first piece, so starting to render
    # finds a block only a base template defines and lets super() work.
    rendering = t.cast("t.Generator[str, None, None]", template.root_render_func(ctx))
    next(rendering, None)
    rendering.close()
    blocks = ctx.blocks.get(name)
    if not blocks:
        raise FragmentNotFound(
            f"The template {template.name!r} has no block {name!r} (it has"
            f" {', '.join(sorted(ctx.blocks)) or 'none'}). Wrap the part in"
            f" {{% block {name} %}}...{{% endblock %}} or pass partial= instead.")
    return Markup("".join(blocks[0](ctx)))


def _out_of_band(html: str, name: str) -> Markup:
    marked, count = _FIRST_TAG.subn(r'\1 hx-swap-oob="true"', str(html), count=1)
    if not count:
        raise FragmentNotFound(
            f"The out-of-band block {name!r} must start with an element that has an"
            " id (htmx swaps it into the element with the same id), for example"
            f' {{% block {name} %}}<span id="{name}">...</span>{{% endblock %}}.')
    return Markup(marked)
