"""The action about to run, as authorization checks and ``key=`` functions see it."""

from __future__ import annotations

import typing as t
from dataclasses import dataclass
from dataclasses import field

#: A check: ``before_action`` hook or ``require=`` callable.
Check = t.Callable[["ActionCall"], t.Any]


@dataclass(frozen=True)
class ActionCall:
    """The action about to run, as authorization checks see it.

    ::

        @actions.before_action
        def only_members(call):
            if call.name.startswith("admin_") and not current_user.is_admin:
                abort(403)
    """

    #: ``module:qualname`` of the action.
    ref: str
    #: The action's own name.
    name: str
    #: The variables the action captured when the page was rendered, by
    #: name (empty for module-level actions).
    captured: t.Mapping[str, t.Any] = field(default_factory=dict)
    #: The arguments bound in the template, ``{{ action(fn, *args) }}``.
    args: tuple[t.Any, ...] = ()
    #: Whether the action may run only once per rendered form.
    once: bool = False
