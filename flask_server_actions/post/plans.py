"""What an action post needs that depends only on the action, worked out once.

The form class and its ``setup=`` function, and whether the action takes
the form, are the same for every post of one action (and, for an action
defined in a view, one set of form options in its token): an
:class:`ActionPlan` holds them, made on the first post and kept per app in
its :class:`~.settings.PostSettings` (so a changed setting makes them
again). A plan is for one resolved action: when its module is imported
again (a reload, a test), :func:`~flask_server_actions.closures.resolve`
gives another target and the plan is made again.

The plan also keeps the action's guard options (``once=``, ``limit=``,
``validate_limit=``, ``require=``, ``key=``, checked against the digest of
its decorator), worked out by :mod:`.guards` on the first post that gets
that far; the token's own options are part of the plan's key. A
``require=`` check or ``key=`` function a token names is loaded on every
post, so that a reloaded module of checks is seen.
"""

from __future__ import annotations

import inspect
import typing as t
from dataclasses import dataclass
from dataclasses import field

from ..forms import OPTION as FORM_OPTION
from ..forms import SETUP_OPTION
from ..forms import form_class_for
from ..forms import setup_for

if t.TYPE_CHECKING:
    from wtforms import Form

    from ..closures import ActionTarget
    from ..forms import Setup
    from .action_call import Check
    from .limits import KeyFunction

#: The plans of one app: by action, bound arguments, form options and
#: guard options.
Plans = dict[tuple[object, ...], "ActionPlan"]


@dataclass(frozen=True)
class GuardOptions:
    """An action's guard options, as its post applies them."""

    #: It may run only once per rendered form (``once=``).
    once: bool = False
    #: Its own check (``require=``).
    require: Check | None = None
    #: Its rate limit (``limit=``).
    limit: str | None = None
    #: What its limits are counted by (``key=``).
    key: str | KeyFunction | None = None
    #: The budget of its validate requests (``validate_limit=``).
    validate_limit: str | None = None


@dataclass
class ActionPlan:
    """What every post of one action needs, worked out once (not frozen:
    :attr:`guards` is filled in by the first post that is guarded)."""

    #: The resolved action.
    target: ActionTarget
    #: Its WTForms form class, if it takes one.
    form_class: type[Form] | None
    #: The form's ``setup=`` function, if any.
    setup: Setup | None
    #: Whether the form data is passed after the bound arguments.
    takes_form: bool
    #: Whether the action is a coroutine function (the app's ``ensure_sync``
    #: must run it).
    coroutine: bool = False
    #: For a module-level action, whether its token says it takes no form
    #: (``noform``), for each way it was found to fit the action's
    #: signature (:func:`~flask_server_actions.closures.check_call`).
    fits: set[bool] = field(default_factory=set, compare=False)
    #: Its guard options, once :func:`~.guards.guard` worked them out
    #: (and none of them is loaded by name from the token).
    guards: GuardOptions | None = field(default=None, compare=False)


def plan_for(plans: Plans, target: ActionTarget, options: t.Mapping[str, t.Any],
             bound: int) -> ActionPlan:
    """The plan of ``target`` called with ``bound`` bound arguments and a
    token's ``options``, from ``plans`` or made now.

    :raises ResolveError: the token names a form class or a ``setup=``
        function that cannot be loaded (nothing is kept then).
    """
    form, setup = options.get(FORM_OPTION), options.get(SETUP_OPTION)
    # Only a name is looked up (anything else names nothing): keys stay hashable.
    # The guard options a token carries (an inline action's) are text,
    # numbers or flags: dictionary lookups, no Python call.
    key = (target.ref, bound, form if isinstance(form, str) else None,
           setup if isinstance(setup, str) else None, options.get("decorator"),
           options.get("once"), options.get("require"), options.get("limit"),
           options.get("validate_limit"), options.get("key"))
    plan = plans.get(key)
    if plan is None or plan.target is not target:
        form_class = form_class_for(target, options, bound)
        plan = plans[key] = ActionPlan(
            target, form_class, setup_for(target, options) if form_class is not None else None,
            target.takes_form(bound),
            # An inline action is rebuilt from its code: the code says.
            inspect.iscoroutinefunction(target.function) if target.function is not None
            else bool(target.code.co_flags & inspect.CO_COROUTINE))
    return plan
