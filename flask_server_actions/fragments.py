"""Answering an htmx request with part of the page.

The page's view runs again, as for any re-render; the template it renders
is recorded (Flask's ``before_render_template`` signal gives the template and
its full context) and only the asked-for part is sent: one ``{% block %}``
of that template, or another (partial) template rendered with the same
context, plus blocks marked for out-of-band swaps (``hx-swap-oob``).

The part is chosen when the form is rendered (the template helper's
``block=``, ``partial=`` and ``oob=`` arguments travel inside the encrypted
token, so a client cannot ask for a block the page did not offer), or by
the action returning :meth:`~flask_server_actions.htmx.HtmxDetails.fragment`.
"""

from __future__ import annotations

import re
import typing as t
from dataclasses import dataclass

from flask import g
from flask import make_response
from flask.signals import before_render_template
from jinja2 import Template
from markupsafe import Markup
from werkzeug.wrappers import Response as BaseResponse

from .errors import FragmentNotFound

if t.TYPE_CHECKING:
    from flask import Flask

_G_KEY = "_server_actions_fragment"
_FIRST_TAG = re.compile(r"^(\s*<[A-Za-z][^\s/>]*)")


@dataclass(frozen=True)
class Fragment:
    """The part of the page an htmx request is answered with."""

    #: A ``{% block %}`` of the page's template.
    block: str | None = None
    #: A template rendered with the page's context.
    partial: str | None = None
    #: Blocks sent along for out-of-band swaps.
    oob: tuple[str, ...] = ()

    def __bool__(self) -> bool:
        return bool(self.block or self.partial or self.oob)

    def options(self) -> dict[str, t.Any]:
        """The token options that ask for this fragment."""
        fields = {"block": self.block, "partial": self.partial, "oob": list(self.oob)}
        return {"fragment": {key: value for key, value in fields.items() if value}}

    @classmethod
    def from_options(cls, options: t.Mapping[str, t.Any]) -> Fragment | None:
        """The fragment a token's options ask for, if any."""
        fields = options.get("fragment")
        if not isinstance(fields, dict):
            return None
        return cls(fields.get("block"), fields.get("partial"), tuple(fields.get("oob", ())))


def remember(options: t.Mapping[str, t.Any]) -> None:
    """Keep the fragment the submitted token asks for, for this request."""
    setattr(g, _G_KEY, Fragment.from_options(options))


def requested() -> Fragment | None:
    """The fragment the submitted token asked for, if any."""
    return t.cast("Fragment | None", g.get(_G_KEY))


def render(app: Flask, fragment: Fragment,
           call_view: t.Callable[[], t.Any]) -> BaseResponse:
    """Run the page's view and answer with ``fragment`` of what it rendered.

    A view that answers without rendering a template (a redirect, an
    error page) is answered as it is.
    """
    rendered: list[tuple[Template, dict[str, t.Any]]] = []

    def record(sender: Flask, template: Template, context: dict[str, t.Any],
               **extra: object) -> None:
        rendered.append((template, context))

    with before_render_template.connected_to(record, app):
        response = app.make_response(call_view())
    if not rendered or response.status_code != 200:
        return response
    template, context = rendered[-1]  # the page: what the view returned last
    parts = []
    if fragment.partial:
        parts.append(Markup(app.jinja_env.get_or_select_template(fragment.partial)
                            .render(context)))
    if fragment.block:
        parts.append(render_block(template, fragment.block, context))
    parts.extend(_out_of_band(render_block(template, name, context), name)
                 for name in fragment.oob)
    answer = make_response("".join(parts), response.status_code)
    # Keep what the view set on its response (cookies, headers it added).
    for key, value in response.headers.items():
        if key.lower() not in ("content-length", "content-type"):
            answer.headers.add(key, value)
    return answer


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
