"""Whether Partner Coach is still installed in a workspace.

When a workspace uninstalls the app (or revokes its bot token) Slack sends one event
and then nothing: the token is dead. We record that in the store first, in one write,
so every process sharing the database stops planning and posting for the workspace
even if the rest of the clean-up (cancelling its jobs, deleting its installation)
is interrupted. Commitments and deals are kept: a reinstall picks up where the team
left off: the reinstall clears the mark and brings back what was scheduled and is
still ahead (what came due while the app was gone is not sent late).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime

from bot.clock import Clock
from bot.store import Doc, Scope, Store

WORKSPACE_SCOPE = "_workspace"  # a pseudo-channel: planners skip scopes starting with "_"
STATUS_KIND = "install_status"
STATUS_KEY = "status"
UNINSTALLED, INSTALLED = "uninstalled", "installed"

WorkspaceHook = Callable[[str], object]  # called with the workspace key; the result is ignored


class Workspaces:
    """The uninstalled mark per workspace key, and what runs when a workspace leaves."""

    def __init__(self, store: Store, clock: Clock) -> None:
        self.store = store
        self.clock = clock
        # After the mark is written (cancel jobs, drop tokens) and after it is cleared (resume).
        self.uninstall_hooks: list[WorkspaceHook] = []
        self.reinstall_hooks: list[WorkspaceHook] = []

    def is_uninstalled(self, workspace: str) -> bool:
        """True when the workspace removed the app and hasn't installed it again."""
        doc = self.store.get(Scope(workspace, WORKSPACE_SCOPE), STATUS_KIND, STATUS_KEY)
        return doc is not None and doc.get("state") == UNINSTALLED

    def uninstalled(self, workspace: str, reason: str, happened_at: datetime | None = None) -> bool:
        """Mark the workspace gone, then run the uninstall hooks; False for a stale event.

        ``happened_at`` is when Slack says it happened: an event older than the latest
        reinstall is ignored (a late delivery must not undo the install). Otherwise the
        hooks run every time, even when the mark was already there: they are idempotent,
        and a clean-up interrupted by a crash is finished by Slack's retry.
        """
        when = happened_at or self.clock.now()
        stale: list[bool] = []

        def mark(current: Doc | None) -> Doc | None:
            if current is not None and current.get("state") == UNINSTALLED:
                return current
            if current is not None and _parse(current["at"]) > when:
                stale.append(True)
                return current
            return {"state": UNINSTALLED, "at": _iso(when), "reason": reason}

        self.store.update(Scope(workspace, WORKSPACE_SCOPE), STATUS_KIND, STATUS_KEY, mark)
        if stale:
            return False
        for hook in self.uninstall_hooks:
            hook(workspace)
        return True

    def installed(self, workspace: str) -> bool:
        """The app was installed (again): clear the mark and run the reinstall hooks; True when
        there was a mark."""
        now = self.clock.now()
        cleared: list[bool] = []

        def clear(current: Doc | None) -> Doc | None:
            if current is None or current.get("state") != UNINSTALLED:
                return current
            cleared.append(True)
            return {"state": INSTALLED, "at": _iso(max(now, _parse(current["at"])))}

        self.store.update(Scope(workspace, WORKSPACE_SCOPE), STATUS_KIND, STATUS_KEY, clear)
        if not cleared:
            return False
        for hook in self.reinstall_hooks:
            hook(workspace)
        return True


def _iso(when: datetime) -> str:
    return when.astimezone(UTC).isoformat(timespec="seconds")


def _parse(text: str) -> datetime:
    return datetime.fromisoformat(text)
