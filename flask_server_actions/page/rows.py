"""Answering an htmx request with one row of a list.

A part named by ``partial=`` or ``block=`` that the page renders inside a
``{% for %}`` loop (a row template ``{% include %}``\\ d for each row, or a
``{% block row scoped %}`` in the loop) cannot be rendered with the page's
context alone: its loop variable exists only in the loop. Such a part is a
*row*. To answer with it, the block holding the loop is rendered (the whole
template if no block does), each rendering of the part is watched, and the
answer is the rendering in which the submitted action was put on a form with
the submitted bound arguments: the row that was acted on.

A row the page does not show again is not taken for a deleted one: it may
have come with "load more", and the page shows its first rows only. The
app's row loader (``ServerActions.row_loader``) finds it by the bound
arguments, and the row is rendered with what it returns. A row is removed
(nothing, with ``HX-Reswap: delete``) when the loader finds nothing, or,
without a loader, when the page does not show it.

Whether a part is a row is read from the templates' source, once per
template: a part rendered outside any loop is rendered on its own, as before.
"""

from __future__ import annotations

import contextvars
import typing as t
from dataclasses import dataclass
from dataclasses import field

from flask import session
from flask.globals import request_ctx
from jinja2 import nodes
from markupsafe import Markup

from ..closures import reference

if t.TYPE_CHECKING:
    from jinja2 import Environment
    from jinja2 import Template
    from jinja2.runtime import Context

    from .state import ActionState

#: ``"partial"`` (a template) or ``"block"`` (a ``{% block %}``).
Kind = t.Literal["partial", "block"]
_PLACES = "_server_actions_places"


@dataclass(frozen=True)
class Place:
    """Where a page's template renders a part."""

    #: The part is rendered inside a ``{% for %}`` loop: it is a row.
    in_loop: bool
    #: The innermost ``{% block %}`` of the page holding that loop, if any.
    block: str | None


def place_of(template: Template, kind: Kind, name: str) -> Place | None:
    """Where ``template`` (or a template it extends or includes) renders the
    part; ``None`` if its source cannot be read or does not name the part."""
    cache: dict[tuple[str, str], Place | None] = template.__dict__.setdefault(_PLACES, {})
    key = (kind, name)
    if key not in cache:
        cache[key] = _find(template.environment, template.name, kind, name,
                           in_loop=False, block=None, own=True, seen=set())
    return cache[key]


def _find(env: Environment, template_name: str | None, kind: Kind, name: str, *,
          in_loop: bool, block: str | None, own: bool, seen: set[str]) -> Place | None:
    if template_name is None or env.loader is None or template_name in seen:
        return None
    seen.add(template_name)
    source = env.loader.get_source(env, template_name)[0]
    return _walk(env, env.parse(source, template_name), kind, name,
                 in_loop=in_loop, block=block, own=own, seen=seen)


def _walk(env: Environment, node: nodes.Node, kind: Kind, name: str, *, in_loop: bool,
          block: str | None, own: bool, seen: set[str]) -> Place | None:
    for child in node.iter_child_nodes():
        found: Place | None
        if isinstance(child, nodes.For):
            found = _walk(env, child, kind, name, in_loop=True, block=block, own=own, seen=seen)
        elif isinstance(child, nodes.Block) and own:
            if kind == "block" and child.name == name:
                return Place(in_loop, block)
            # A block outside every loop can be rendered on its own.
            found = _walk(env, child, kind, name, in_loop=in_loop,
                          block=block if in_loop else child.name, own=own, seen=seen)
        elif (isinstance(child, (nodes.Include, nodes.Extends))
              and isinstance(child.template, nodes.Const)):
            included = str(child.template.value)
            if kind == "partial" and isinstance(child, nodes.Include) and included == name:
                return Place(in_loop, block)
            # The blocks of an included template are not the page's.
            found = _find(env, included, kind, name, in_loop=in_loop, block=block,
                          own=own and isinstance(child, nodes.Extends), seen=seen)
        else:
            found = _walk(env, child, kind, name, in_loop=in_loop, block=block, own=own,
                          seen=seen)
        if found is not None:
            return found
    return None


@dataclass
class _Capture:
    """The renderings of one part, while the page around them renders."""

    kind: Kind
    name: str
    #: The submitted forms: (action reference, bound arguments).
    forms: list[tuple[str, tuple[t.Any, ...] | None]]
    open: bool = False
    matched: bool = False
    found: list[str] = field(default_factory=list)


#: The part being looked for while an htmx answer renders the page around
#: a row (``None`` the rest of the time): read by the template helpers, once
#: a row, to tell whether they must note what they render.
CAPTURE: contextvars.ContextVar[_Capture | None] = contextvars.ContextVar(
    "server_actions_row", default=None)

RenderFunc = t.Callable[["Context"], t.Iterator[str]]
#: A row loader: the bound arguments of a row's action to the variables the
#: row renders with, or ``None`` if the row no longer exists.
RowLoader = t.Callable[..., "t.Mapping[str, t.Any] | None"]


def watched(kind: Kind, name: str, render: RenderFunc) -> RenderFunc:
    """``render`` (a template's root or a block's function), noting what it
    renders while a row of ``kind`` and ``name`` is looked for."""

    def watch(context: Context) -> t.Iterator[str]:
        capture = CAPTURE.get()
        if capture is None or capture.open or (capture.kind, capture.name) != (kind, name):
            yield from render(context)
            return
        capture.open, capture.matched = True, False
        pieces: list[str] = []
        try:
            for piece in render(context):
                pieces.append(piece)
                yield piece
        finally:
            capture.open = False
        if capture.matched:
            capture.found.append("".join(pieces))

    return watch


def saw_action(fn: t.Callable[..., t.Any], args: tuple[t.Any, ...]) -> None:
    """Note that a form or button of ``fn`` with ``args`` is being rendered:
    if it is the submitted one, the part rendering it is the row."""
    capture = CAPTURE.get()
    if capture is not None and capture.open and not capture.matched:
        ref = reference(fn)
        capture.matched = any(ref == form_ref and args == form_args
                              for form_ref, form_args in capture.forms)


def render_row(template: Template, kind: Kind, name: str, place: Place,
               context: dict[str, t.Any], state: ActionState,
               render_block: t.Callable[[Template, str, dict[str, t.Any]], str],
               ) -> Markup | None:
    """The rendering of the part that holds the submitted form, or ``None``
    if the page no longer shows it.

    The rest of what renders is thrown away, and the flashed messages it
    read are put back for the parts that are sent, or the next page.
    """
    capture = _Capture(kind, name, state.forms or [(state.ref, state.args)])
    reset = CAPTURE.set(capture)
    flashes, read = session.get("_flashes"), request_ctx.flashes
    try:
        if place.block is not None:
            render_block(template, place.block, context)
        else:
            template.render(context)
    finally:
        CAPTURE.reset(reset)
        request_ctx.flashes = read
        if flashes is not None:
            session["_flashes"] = flashes
    return Markup(capture.found[0]) if capture.found else None

