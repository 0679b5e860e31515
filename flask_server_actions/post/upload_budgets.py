"""How much kept uploads may take: files and bytes per browser session, per
client address, and bytes for the whole app, each counted in a window of
the kept files' lifetime.

A pure policy, as :mod:`.limits` is: it gets the store, the settings and
the keys, and counts with :meth:`~.ActionStore.hit`, which adds one at a
time; so bytes are counted in started mebibytes (:data:`UNIT`), and a
file of 10 KB counts one.

.. versionadded:: 0.3.0
"""

from __future__ import annotations

import typing as t
from dataclasses import dataclass

if t.TYPE_CHECKING:
    from ..integrations.stores import ActionStore

#: Bytes are counted against the budgets in started mebibytes.
UNIT = 1024 * 1024


@dataclass(frozen=True)
class Budgets:
    """The kept-upload budgets of an app (``SERVER_ACTIONS_KEPT_UPLOAD*``)."""

    #: Files one browser session may have kept.
    files_per_session: int
    #: Bytes one browser session may have kept.
    bytes_per_session: int
    #: Files one client address may have kept, whatever its sessions.
    files_per_client: int
    #: Bytes one client address may have kept.
    bytes_per_client: int
    #: Bytes the whole app may have kept, for every client together.
    bytes_per_app: int

    @classmethod
    def from_config(cls, config: t.Mapping[str, t.Any]) -> Budgets:
        """The budgets an app's config sets."""
        return cls(config["SERVER_ACTIONS_KEPT_UPLOADS_PER_SESSION"],
                   config["SERVER_ACTIONS_KEPT_UPLOAD_BYTES_PER_SESSION"],
                   config["SERVER_ACTIONS_KEPT_UPLOADS_PER_CLIENT"],
                   config["SERVER_ACTIONS_KEPT_UPLOAD_BYTES_PER_CLIENT"],
                   config["SERVER_ACTIONS_KEPT_UPLOAD_BYTES_PER_APP"])


def within(store: ActionStore, budgets: Budgets, session: str, client: str, size: int,
           window: int) -> bool:
    """Count a file of ``size`` bytes against the budgets of the browser
    ``session``, the ``client`` address and the app, in ``window`` seconds.

    :return: ``False`` as soon as one budget is spent (the next ones are
        not counted: a client over its own budget takes nothing more of the
        app's).
    """
    units = max(1, -(-size // UNIT))
    for key, files, size_limit in (
            (f"kept:session:{session}", budgets.files_per_session, budgets.bytes_per_session),
            (f"kept:client:{client}", budgets.files_per_client, budgets.bytes_per_client),
            ("kept:app", None, budgets.bytes_per_app)):
        if files is not None and store.hit(f"{key}:files", window)[0] > files:
            return False
        # At most one count past the budget, however large the file.
        for _ in range(units):
            if store.hit(f"{key}:bytes", window)[0] > size_limit // UNIT:
                return False
    return True
