"""What an action post needs that depends only on the action, worked out once.

The form class and its ``setup=`` function, and whether the action takes
the form, are the same for every post of one action (and, for an action
defined in a view, one set of form options in its token): an
:class:`ActionPlan` holds them, made on the first post and kept per app in
its :class:`~.settings.PostSettings` (so a changed setting makes them
again). A plan is for one resolved action: when its module is imported
again (a reload, a test), :func:`~flask_server_actions.closures.resolve`
gives another target and the plan is made again.
"""

from __future__ import annotations

import typing as t
from dataclasses import dataclass

from ..forms import OPTION as FORM_OPTION
from ..forms import SETUP_OPTION
from ..forms import form_class_for
from ..forms import setup_for

if t.TYPE_CHECKING:
    from wtforms import Form

    from ..closures import ActionTarget
    from ..forms import Setup

#: The plans of one app: by action, bound arguments and form options.
Plans = dict[tuple[str, int, object, object], "ActionPlan"]


@dataclass(frozen=True)
class ActionPlan:
    """What every post of one action needs, worked out once."""

    #: The resolved action.
    target: ActionTarget
    #: Its WTForms form class, if it takes one.
    form_class: type[Form] | None
    #: The form's ``setup=`` function, if any.
    setup: Setup | None
    #: Whether the form data is passed after the bound arguments.
    takes_form: bool


def plan_for(plans: Plans, target: ActionTarget, options: t.Mapping[str, t.Any],
             bound: int) -> ActionPlan:
    """The plan of ``target`` called with ``bound`` bound arguments and a
    token's ``options``, from ``plans`` or made now.

    :raises ResolveError: the token names a form class or a ``setup=``
        function that cannot be loaded (nothing is kept then).
    """
    form, setup = options.get(FORM_OPTION), options.get(SETUP_OPTION)
    # Only a name is looked up (anything else names nothing): keys stay hashable.
    key = (target.ref, bound, form if isinstance(form, str) else None,
           setup if isinstance(setup, str) else None)
    plan = plans.get(key)
    if plan is None or plan.target is not target:
        form_class = form_class_for(target, options, bound)
        plan = plans[key] = ActionPlan(
            target, form_class, setup_for(target, options) if form_class is not None else None,
            target.takes_form(bound))
    return plan
