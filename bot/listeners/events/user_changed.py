"""`user_change`: someone's account changed (a colleague made a guest, a guest made a full
member, a deactivation). Who is a partner follows at once (bot.slack.directory)."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from slack_bolt import BoltContext

from bot.listeners.payload import workspace_of

if TYPE_CHECKING:
    from bot.container import Services


def make_user_change_handler(services: Services) -> Callable[..., None]:
    """Forget what is cached of the person; the next look-up asks Slack."""

    def handle_user_change(event: dict[str, Any], context: BoltContext) -> None:
        services.directory.user_changed(workspace_of(context), event.get("user"))

    return handle_user_change
