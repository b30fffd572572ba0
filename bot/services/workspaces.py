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
from datetime import UTC

from bot.clock import Clock
from bot.store import Scope, Store

WORKSPACE_SCOPE = "_workspace"  # a pseudo-channel: planners skip scopes starting with "_"
STATUS_KIND = "install_status"
STATUS_KEY = "status"

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
        return self.store.get(Scope(workspace, WORKSPACE_SCOPE), STATUS_KIND, STATUS_KEY) is not None

    def uninstalled(self, workspace: str, reason: str) -> bool:
        """Mark the workspace gone, then run the uninstall hooks; True the first time.

        Safe to call again (Slack retries events): the hooks are idempotent and run
        every time, so a clean-up interrupted by a crash is finished by the retry.
        """
        at = self.clock.now().astimezone(UTC).isoformat(timespec="seconds")
        first = self.store.add_once(Scope(workspace, WORKSPACE_SCOPE), STATUS_KIND, STATUS_KEY,
                                    {"uninstalled_at": at, "reason": reason})
        for hook in self.uninstall_hooks:
            hook(workspace)
        return first

    def installed(self, workspace: str) -> bool:
        """Clear the mark (the app was installed again) and run the reinstall hooks; True when
        there was a mark."""
        if not self.store.delete(Scope(workspace, WORKSPACE_SCOPE), STATUS_KIND, STATUS_KEY):
            return False
        for hook in self.reinstall_hooks:
            hook(workspace)
        return True
