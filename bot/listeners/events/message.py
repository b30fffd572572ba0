"""`message` events in deal channels: CRM posts, stated commitments, finished meetings."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from slack_bolt import BoltContext
from slack_sdk import WebClient

from bot.listeners.payload import workspace_of
from bot.slack.poster import post, post_ephemeral

if TYPE_CHECKING:
    from bot.container import Services


def make_message_handler(services: Services) -> Callable[..., None]:
    """Hand the message to the listening use case and say what it decided."""

    def handle_message(event: dict[str, Any], client: WebClient, context: BoltContext) -> None:
        channel = event.get("channel")
        if not channel or event.get("channel_type") == "im":
            return
        speaker = str(event.get("user") or (event.get("message") or {}).get("user") or "")
        actor = services.actor(workspace_of(context), channel, speaker)
        noticed = services.listening.on_message(actor, event)
        for deal in noticed.signed:  # plan check-ins before anything can fail on the way out
            services.on_signed(noticed.signer or actor, deal)
        for message in noticed.posts:
            post(client, channel, message)
        if noticed.ephemeral is not None and speaker:
            post_ephemeral(client, channel, speaker, noticed.ephemeral)
        if noticed.thread_reply is not None:
            post(client, channel, noticed.thread_reply, thread_ts=noticed.thread_ts)

    return handle_message
