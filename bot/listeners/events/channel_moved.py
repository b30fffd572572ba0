"""`channel_id_changed`: Slack gave a channel a new id (a private channel shared with another
organisation); its records follow it (bot.services.channel_moves)."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from slack_bolt import BoltContext

from bot.listeners.payload import workspace_of
from bot.services.channel_moves import ChannelMoves

if TYPE_CHECKING:
    from bot.container import Services


def make_channel_id_changed_handler(services: Services) -> Callable[..., None]:
    """Move the channel's records from its old id to its new one (a redelivery moves nothing)."""
    moves = ChannelMoves(services.store, services.directory.forget_channel)

    def handle_channel_id_changed(event: dict[str, Any], context: BoltContext, logger: Any) -> None:
        moved = moves.id_changed(workspace_of(context), event.get("old_channel_id"),
                                 event.get("new_channel_id"))
        if moved:
            logger.info("channel %s is now %s: %d records moved", event.get("old_channel_id"),
                        event.get("new_channel_id"), moved)

    return handle_channel_id_changed
