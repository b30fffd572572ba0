"""`member_joined_channel`: the bot was invited into a channel, so it introduces itself."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from slack_bolt import BoltContext
from slack_sdk import WebClient

from bot.listeners.payload import workspace_of
from bot.services.welcome import welcome_message
from bot.slack.poster import post

if TYPE_CHECKING:
    from bot.container import Services


def make_joined_handler(services: Services) -> Callable[..., None]:
    """Welcome the channel when the bot itself joins; people joining need nothing from us."""

    def handle_member_joined(event: dict[str, Any], client: WebClient, context: BoltContext) -> None:
        channel, user = event.get("channel"), event.get("user")
        if not isinstance(channel, str) or not channel or not user or user != context.bot_user_id:
            return
        scope = services.actor(workspace_of(context), channel, str(event.get("inviter") or "")).scope
        post(client, channel, welcome_message(services.ledger, services.deals, services.listening, scope))

    return handle_member_joined
