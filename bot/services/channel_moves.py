"""A channel whose id Slack changed (`channel_id_changed`): its records follow it.

Slack gives a private channel a new, permanent id when someone shares it with another
organisation (Slack Connect), the moment a deal channel matters most: from then on every
message, command and post names the new id. The channel's ledger, deals, settings and
scheduled posts are filed under that id, and the few records kept outside the channel that
name it (mutual plan links, calendar meetings) are pointed at it, so nothing is left behind
under an id Slack no longer knows.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from bot.services.plans import LINKS
from bot.store import Scope, Store
from bot.store.base import move_scope

# Channel ids only (public C…, private G…): a DM or a user id is no channel to move data to.
_CHANNEL_ID = re.compile(r"[CG][A-Z0-9]{2,31}")
# Fields by which a record outside the channel names it.
_CHANNEL_FIELDS = ("channel", "job_channel")


class ChannelMoves:
    """Moves a channel's records when Slack changes its id."""

    def __init__(self, store: Store, forget_channel: Callable[[str, str], None]) -> None:
        self._store = store
        self._forget_channel = forget_channel

    def id_changed(self, workspace: str, old: object, new: object) -> int:
        """File ``old``'s records under ``new``; how many moved (0 for ids that are not two
        different channel ids, or a channel holding nothing: a retried event moves nothing)."""
        if not (isinstance(old, str) and isinstance(new, str) and _CHANNEL_ID.fullmatch(old)
                and _CHANNEL_ID.fullmatch(new) and old != new):
            return 0
        moved = move_scope(self._store, Scope(workspace, old), Scope(workspace, new))
        if moved:
            self._repoint(workspace, old, new)
        for channel in (old, new):  # who reads it, and whether it is shared, changed with it
            self._forget_channel(workspace, channel)
        return moved

    def _repoint(self, workspace: str, old: str, new: str) -> None:
        """Records outside the channel that name it by ``old`` name it by ``new``."""
        outside = [s for s in self._store.scopes(workspace) if s.channel_id.startswith("_")]
        for scope in [*outside, LINKS]:
            for kind, key, doc in self._store.records(scope):
                if scope == LINKS and doc.get("workspace") != workspace:
                    continue
                if any(doc.get(name) == old for name in _CHANNEL_FIELDS):
                    self._store.update(scope, kind, key, lambda current: _renamed(current, old, new))


def _renamed(doc: dict | None, old: str, new: str) -> dict | None:
    if doc is None:
        return None
    return {**doc, **{name: new for name in _CHANNEL_FIELDS if doc.get(name) == old}}
