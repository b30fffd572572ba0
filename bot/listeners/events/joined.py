"""`member_joined_channel`: the bot was invited into a channel, so it introduces itself."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from slack_bolt import BoltContext
from slack_sdk import WebClient

from bot.listeners.payload import workspace_of
from bot.services.removal_notices import forget_notice
from bot.services.welcome import claim_welcome, release_welcome, welcome_message
from bot.slack.poster import post

if TYPE_CHECKING:
    from bot.container import Services


def make_joined_handler(services: Services) -> Callable[..., None]:
    """Welcome the channel once per join when the bot itself joins; people joining need nothing."""

    def handle_member_joined(event: dict[str, Any], body: dict[str, Any], client: WebClient,
                             context: BoltContext) -> None:
        channel, user = event.get("channel"), event.get("user")
        if not isinstance(channel, str) or not channel or not user or user != context.bot_user_id:
            return
        scope = services.actor(workspace_of(context), channel, str(event.get("inviter") or "")).scope
        forget_notice(services.store, scope)  # back in: a later removal is told again
        services.directory.forget_channel(scope.workspace, channel)  # a member now, not in a minute
        # A redelivery carries the same event id; a genuine re-join (removed, then invited
        # again) is a new event with a new id, and is welcomed again.
        join_id = _join_id(body, event)
        if join_id and not claim_welcome(services.store, scope, join_id, services.clock.now()):
            return
        ts, _error = post(client, channel, welcome_message(services.ledger, services.deals,
                                                           services.listening, scope))
        if ts is None and join_id:
            release_welcome(services.store, scope, join_id)

    return handle_member_joined


def _join_id(body: dict[str, Any], event: dict[str, Any]) -> str:
    """The join's identity across Slack's redeliveries: the envelope's event id, else the event's ts."""
    for value in (body.get("event_id"), event.get("event_ts")):
        if isinstance(value, str) and value.strip():
            return value.strip()[:100]
    return ""
