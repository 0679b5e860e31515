"""Running an action inside its page's view decorators.

A view decorated with a login check (Flask-Login's ``@login_required``, a
role check, a feature flag) guards the page; an action posted to the page
must be guarded the same way, but the view's body must not run. Decorators
written with :func:`functools.wraps` leave a chain of ``__wrapped__``
attributes from the registered view down to its body, and each wrapper keeps
the function it wraps in a closure cell. The chain is rebuilt once per view
with the body replaced by the action: every decorator runs with the page's
view arguments, in the order it would for the page, and whatever it answers
instead (a redirect to the login page, a 403) is the answer. What replaces
the body carries the body's name, qualified name, module, docstring and
attributes, so a decorator that reads them (an ACL keyed by
``view.__name__``, a role mark set on the view) decides as for the page.

A class-based view (:class:`flask.views.View`) has two chains: the class's
``decorators`` around the function :meth:`~flask.views.View.as_view` made,
and the decorators on the method that renders the page (``get`` of a
:class:`~flask.views.MethodView`, else ``dispatch_request``); the action
runs inside both, with the method's decorators given a view instance made
as Flask makes it.

A decorator that cannot be rebuilt this way (an object instead of a
function, an ``async`` wrapper, one that forgot :func:`functools.wraps` and
hides the view, a ``MethodView`` whose own ``dispatch_request`` would be
skipped) is reported when the page renders its first token, never skipped
silently.
"""

from __future__ import annotations

import functools
import inspect
import os
import sys
import types
import typing as t

from flask.views import MethodView
from flask.views import View as ViewClass

from ..errors import UnguardedView

View = t.Callable[..., t.Any]

_LOCALS = ".<locals>."
# The functions View.as_view returns (one per init_every_request setting).
_AS_VIEW_CODES = frozenset(
    const for const in ViewClass.as_view.__func__.__code__.co_consts  # type: ignore[attr-defined]
    if isinstance(const, types.CodeType))
# Rebuilt chains, by registered view and body: bounded by the app's views.
_rebuilt: dict[tuple[View, View], View] = {}
# (view, action code) pairs already checked at render time.
_checked: set[tuple[View, object]] = set()


def guarded(view: View, body: View) -> View:
    """``view`` with the function at the bottom of its decorators replaced
    by ``body``, which takes that function's name and attributes.

    :raises UnguardedView: a decorator cannot be rebuilt around ``body``.
    """
    key = (view, body)
    found = _rebuilt.get(key)
    if found is None:
        found = _rebuilt[key] = _rebuild(view, body)
    return found


def check_view(view: View, body: View, action: object) -> None:
    """Check, when a page mints a token for ``action``, that its view's
    decorators can guard it.

    An action defined inside a function needs that function's decorators
    visible through ``__wrapped__``; so does one a page renders from a
    function its view's closure holds.

    :raises UnguardedView: they cannot.
    """
    key = (view, getattr(action, "__code__", action))
    if key in _checked:
        return
    guarded(view, body)
    _check_visible(view, action)
    _checked.add(key)


def _chain(view: View) -> tuple[list[View], View]:
    wrappers = []
    while (inner := getattr(view, "__wrapped__", None)) is not None:
        wrappers.append(view)
        view = inner
    return wrappers, view


def _rebuild(view: View, body: View) -> View:
    cls = getattr(view, "view_class", None)
    if isinstance(cls, type) and issubclass(cls, ViewClass):
        body = _class_view_body(view, cls, body)
    return _rebuild_chain(view, body)


def _rebuild_chain(view: View, body: View) -> View:
    wrappers, bottom = _chain(view)
    assert isinstance(body, types.FunctionType)
    # A copy of body that decorators reading the function they wrap take for
    # the view; the view has no __wrapped__, so neither has the copy.
    stand_in = _clone(body, body.__closure__, bottom)
    del stand_in.__wrapped__  # type: ignore[attr-defined]
    rebuilt: View = stand_in
    for wrapper in reversed(wrappers):
        if _is_view_cache(wrapper):
            continue  # the wrapper above it calls what it wrapped directly
        rebuilt = _replace_inner(wrapper, wrapper.__wrapped__, rebuilt)  # type: ignore[attr-defined]
    return rebuilt


def _is_view_cache(wrapper: View) -> bool:
    # Flask-Caching's @cache.cached marks its layer with the function it
    # wraps as "uncached". Around an action it would answer with the cached
    # page instead of running it, or store the action's answer as the page.
    return getattr(wrapper, "uncached", None) is getattr(wrapper, "__wrapped__", wrapper)


def without_view_caches(view: View) -> View:
    """``view`` without the layers of view caches (Flask-Caching's
    ``@cache.cached``): for a page shown again with what a user posted,
    which no cache may store or answer for; ``view`` itself if it has none.

    :raises UnguardedView: another decorator cannot be rebuilt without them.
    """
    wrappers, body = _chain(view)
    if not any(map(_is_view_cache, wrappers)):
        return view
    # The page's own body at the bottom, a class-based view's function too:
    # only the caches are left out.
    key = (view, body)
    found = _rebuilt.get(key)
    if found is None:
        found = _rebuilt[key] = _rebuild_chain(view, body)
    return found


def _class_view_body(view: View, cls: type[ViewClass], body: View) -> View:
    # What replaces the function as_view made: the page method's decorators
    # around body, called with a view instance as Flask would make one.
    _, bottom = _chain(view)
    if getattr(bottom, "__code__", None) not in _AS_VIEW_CODES:
        name = _describe(bottom)
        raise UnguardedView(
            f"The view class {cls.__qualname__} is served by {name}, not by the function"
            " View.as_view makes: a decorator without functools.wraps (or an as_view of"
            " its own) hides it, so it cannot be run around the page's server actions."
            " Decorate the wrapper with @functools.wraps(view).", name)
    method = _page_method(cls)
    if not _chain(method)[0]:
        return body
    method_body = _rebuild_chain(method, body)
    assert isinstance(bottom, types.FunctionType)
    # Flask's own names for the closure of the function as_view made: the
    # shared instance, or the arguments it makes one per request with.
    cells: dict[str, t.Any] = dict(zip(bottom.__code__.co_freevars,
                                       map(_contents, bottom.__closure__ or ()), strict=True))
    shared = cells.get("self")

    def dispatch(**kwargs: t.Any) -> t.Any:
        instance = shared if shared is not None else cls(
            *cells["class_args"], **cells["class_kwargs"])
        return method_body(instance, **kwargs)

    return dispatch


def _page_method(cls: type[ViewClass]) -> View:
    # The method that renders the page: an action post is routed to the
    # page's GET rule, which a MethodView dispatches to get().
    if not issubclass(cls, MethodView):
        return cls.dispatch_request
    if cls.dispatch_request is not MethodView.dispatch_request:
        name = _describe(cls.dispatch_request)
        raise UnguardedView(
            f"The view class {cls.__qualname__} overrides MethodView.dispatch_request"
            f" ({name}), which cannot be run around the page's server actions: only"
            " decorators are. Move its checks into a functools.wraps decorator (in the"
            " class's decorators list, or on get()), or check inside the action with"
            " @server_action(require=...).", name)
    return t.cast(View, cls.get)  # type: ignore[attr-defined]


def _clone(fn: types.FunctionType, closure: tuple[types.CellType, ...] | None,
           like: object) -> types.FunctionType:
    # fn's code over closure, with like's name, qualified name, module,
    # docstring, annotations and attributes, and __wrapped__ set to like.
    clone = types.FunctionType(fn.__code__, fn.__globals__, fn.__name__, fn.__defaults__,
                               closure)
    clone.__kwdefaults__ = fn.__kwdefaults__
    functools.update_wrapper(clone, like)  # type: ignore[arg-type]
    return clone


def _replace_inner(wrapper: View, inner: View, new: View) -> View:
    name = _describe(wrapper)
    if not isinstance(wrapper, types.FunctionType):
        raise UnguardedView(
            f"The view decorator {name} is not a function, so it cannot be run around"
            " the page's server actions. Write it as a function that returns a"
            " functools.wraps wrapper, or check inside the action with"
            " @server_action(require=...).", name)
    if inspect.iscoroutinefunction(wrapper):
        raise UnguardedView(
            f"The view decorator {name} is async, so it cannot be run around the page's"
            " server actions (it would await the action as if it were the view). Write"
            " it as a plain function with functools.wraps (Flask runs async views"
            " inside it), or check inside the action with @server_action(require=...).",
            name)
    cells = list(wrapper.__closure__ or ())
    for index, cell in enumerate(cells):
        if _contents(cell) is inner:
            cells[index] = types.CellType(new)
            break
    else:
        raise UnguardedView(
            f"The view decorator {name} does not call the function it wraps from a"
            " closure, so it cannot be run around the page's server actions. Use a"
            " function-based decorator with functools.wraps, or check inside the"
            " action with @server_action(require=...).", name)
    rebuilt = _clone(wrapper, tuple(cells), wrapper)
    rebuilt.__wrapped__ = new  # type: ignore[attr-defined]
    return rebuilt


def _check_visible(view: View, action: object) -> None:
    # The page is rendered by the function at the bottom of the chain (of a
    # class-based view: of its page method). If that function holds in its
    # closure a function it did not define around itself (it was passed
    # one, as a decorator is passed the view) and that function defines the
    # action ("mod:show_post.<locals>.update_post" lives in show_post) or is
    # rendering the page right now, the bottom is a wrapper without
    # functools.wraps hiding the view, and it would not run for the action.
    # A view calling a helper defined beside it is not one.
    cls = getattr(view, "view_class", None)
    page_view = (_page_method(cls) if isinstance(cls, type) and issubclass(cls, ViewClass)
                 else view)
    _, bottom = _chain(page_view)
    qualname = getattr(action, "__qualname__", "")
    outer = qualname.rpartition(_LOCALS)[0]
    if not isinstance(bottom, types.FunctionType) or bottom.__qualname__ == outer:
        return
    running = _running_code()
    for cell in bottom.__closure__ or ():
        hidden = _contents(cell)
        if (isinstance(hidden, types.FunctionType) and not _defined_around(hidden, bottom)
                and ((hidden.__qualname__ == outer
                      and hidden.__module__ == getattr(action, "__module__", None))
                     or hidden.__code__ in running)):
            name = _describe(bottom)
            raise UnguardedView(
                f"The view {hidden.__qualname__!r} is wrapped by {name}, which does not"
                " use functools.wraps, so it cannot be run around the page's server"
                " actions. Decorate the wrapper with @functools.wraps(view) (if it is the"
                " view itself, define the page's actions in it or in a helper beside it),"
                " or check inside the action with @server_action(require=...).", name)


def _defined_around(fn: types.FunctionType, inner: types.FunctionType) -> bool:
    # Whether inner reaches fn by its name: fn was defined in the function
    # inner was defined in, or in one around it.
    scope = fn.__qualname__.rpartition(_LOCALS)[0]
    inner_scope = inner.__qualname__.rpartition(_LOCALS)[0]
    return (bool(scope) and fn.__module__ == inner.__module__
            and (inner_scope == scope or inner_scope.startswith(scope + _LOCALS)))


def _running_code() -> set[types.CodeType]:
    # The functions rendering the page, when it is not streamed: the view
    # and whatever wraps or helps it are still on the stack.
    running = set()
    frame: types.FrameType | None = sys._getframe(1)
    while frame is not None:
        running.add(frame.f_code)
        frame = frame.f_back
    return running


def _contents(cell: types.CellType) -> object:
    try:
        return cell.cell_contents
    except ValueError:  # a variable not assigned yet
        return None


def _describe(fn: object) -> str:
    # Not __qualname__: functools.wraps copied the view's name onto the wrapper.
    if not isinstance(fn, types.FunctionType):
        return f"{type(fn).__module__}.{type(fn).__qualname__}"
    code = fn.__code__
    name = getattr(code, "co_qualname", code.co_name)  # Python 3.11+; 3.10 says "wrapper"
    where = f"{os.path.basename(code.co_filename)}:{code.co_firstlineno}"
    return f"{fn.__globals__.get('__name__', '?')}.{name} ({where})"
