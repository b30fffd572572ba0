"""`channel_shared` / `channel_unshared`: a channel joined or left Slack Connect.

What the bot says in a channel depends on whether the partner's organisation reads it
(private items and our coaching stay out of shared channels), and that answer is cached
for a minute: the event drops it, so the next post asks Slack again.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from slack_bolt import BoltContext

from bot.listeners.payload import workspace_of

if TYPE_CHECKING:
    from bot.container import Services


def make_sharing_handler(services: Services) -> Callable[..., None]:
    """Forget the channel's cached sharing and members (a redelivery just forgets again)."""

    def handle_sharing_changed(event: dict[str, Any], context: BoltContext) -> None:
        channel = event.get("channel")
        if isinstance(channel, str) and channel:
            services.directory.forget_channel(workspace_of(context), channel)

    return handle_sharing_changed
