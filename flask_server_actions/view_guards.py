"""Running an action inside its page's view decorators.

A view decorated with a login check (Flask-Login's ``@login_required``, a
role check, a feature flag) guards the page; an action posted to the page
must be guarded the same way, but the view's body must not run. Decorators
written with :func:`functools.wraps` leave a chain of ``__wrapped__``
attributes from the registered view down to its body, and each wrapper keeps
the function it wraps in a closure cell. The chain is rebuilt once per view
with the body replaced by the action: every decorator runs with the page's
view arguments, in the order it would for the page, and whatever it answers
instead (a redirect to the login page, a 403) is the answer.

A decorator that cannot be rebuilt this way (an object instead of a
function, an ``async`` wrapper, or one that forgot :func:`functools.wraps`
and hides the view) is reported when the page renders its first token,
never skipped silently.
"""

from __future__ import annotations

import inspect
import os
import types
import typing as t

from .errors import UnguardedView

View = t.Callable[..., t.Any]

_LOCALS = ".<locals>."
_PASSES_ANY = inspect.CO_VARARGS | inspect.CO_VARKEYWORDS
# Rebuilt chains, by registered view and body: bounded by the app's views.
_rebuilt: dict[tuple[View, View], View] = {}
# (view, action code) pairs already checked at render time.
_checked: set[tuple[View, object]] = set()


def guarded(view: View, body: View) -> View:
    """``view`` with the function at the bottom of its decorators replaced
    by ``body``; ``view`` itself if it has no decorators.

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
    visible through ``__wrapped__``.

    :raises UnguardedView: they cannot.
    """
    key = (view, getattr(action, "__code__", action))
    if key in _checked:
        return
    guarded(view, body)
    qualname = getattr(action, "__qualname__", "")
    if _LOCALS in qualname:
        _check_visible(view, f"{getattr(action, '__module__', '')}:{qualname}")
    _checked.add(key)


def _chain(view: View) -> tuple[list[View], View]:
    wrappers = []
    while (inner := getattr(view, "__wrapped__", None)) is not None:
        wrappers.append(view)
        view = inner
    return wrappers, view


def _rebuild(view: View, body: View) -> View:
    wrappers, _ = _chain(view)
    rebuilt = body
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
    return guarded(view, body)


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
    rebuilt = types.FunctionType(wrapper.__code__, wrapper.__globals__, wrapper.__name__,
                                 wrapper.__defaults__, tuple(cells))
    rebuilt.__kwdefaults__ = wrapper.__kwdefaults__
    rebuilt.__dict__.update(wrapper.__dict__)
    rebuilt.__wrapped__ = new  # type: ignore[attr-defined]
    return rebuilt


def _check_visible(view: View, action_ref: str) -> None:
    # An inline action named "mod:show_post.<locals>.update_post" lives in
    # show_post. If the view at the bottom of the chain is not show_post but
    # a wrapper taking (*args, **kwargs) with show_post in its closure, a
    # decorator without functools.wraps hides it. (A view that calls a helper
    # defining the action takes the view's own arguments, not *args.)
    module, _, qualname = action_ref.partition(":")
    outer = qualname.rpartition(_LOCALS)[0]
    _, bottom = _chain(view)
    code = getattr(bottom, "__code__", None)
    if (getattr(bottom, "__qualname__", None) == outer or code is None
            or not code.co_flags & _PASSES_ANY):
        return
    for cell in getattr(bottom, "__closure__", None) or ():
        hidden = _contents(cell)
        if (isinstance(hidden, types.FunctionType) and hidden.__qualname__ == outer
                and hidden.__module__ == module):
            name = _describe(bottom)
            raise UnguardedView(
                f"The view {outer!r} is wrapped by {name}, which does not use"
                " functools.wraps: its actions could not be guarded by it. Decorate the"
                " wrapper with @functools.wraps(view).", name)


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
