"""`message` events in deal channels: CRM posts, stated commitments, finished meetings."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from slack_bolt import BoltContext
from slack_sdk import WebClient

from bot.domain.mutual_plan import is_external
from bot.listeners.payload import workspace_of
from bot.slack.poster import post, post_ephemeral

if TYPE_CHECKING:
    from bot.container import Services


def make_message_handler(services: Services) -> Callable[..., None]:
    """Hand the message to the listening use case and say what it decided."""

    def handle_message(event: dict[str, Any], client: WebClient, context: BoltContext) -> None:
        channel = event.get("channel")
        if not channel or event.get("channel_type") == "im" or _is_own(event, context):
            return
        if _partner_bot(event, workspace_of(context)) and services.directory.is_ext_shared(
                workspace_of(context), channel):
            return  # a partner's bot in a Slack Connect channel doesn't move our deals
        speaker = str(event.get("user") or (event.get("message") or {}).get("user") or "")
        actor = services.actor(workspace_of(context), channel, speaker)
        workspace, team = workspace_of(context), context.team_id
        noticed = services.listening.on_message(
            actor, event, is_ours=lambda user: services.directory.is_local(workspace, team, user),
            is_partner=lambda user: services.directory.is_partner(workspace, channel, user),
            bot_user=context.bot_user_id,
        )
        for deal in noticed.signed:  # plan check-ins before anything can fail on the way out
            services.on_signed(noticed.signer or actor, deal)
        for message in noticed.posts:
            post(client, channel, message)
        if noticed.ephemeral is not None and speaker:
            post_ephemeral(client, channel, speaker, noticed.ephemeral)
        if noticed.thread_reply is not None:
            post(client, channel, noticed.thread_reply, thread_ts=noticed.thread_ts)

    return handle_message


def _partner_bot(event: dict[str, Any], workspace: str) -> bool:
    """A bot's post (or an edit of one) made from another organisation's workspace.

    In a Slack Connect channel the partner's own bots post too; their "Deal stage changed"
    lines are about the partner's CRM, not ours.
    """
    message = event.get("message") if isinstance(event.get("message"), dict) else event
    if not (message.get("bot_id") or message.get("subtype") == "bot_message"):
        return False
    profile = message.get("bot_profile") if isinstance(message.get("bot_profile"), dict) else {}
    teams = (profile.get("team_id"), *(message.get(k) for k in ("team", "user_team", "source_team")))
    return any(isinstance(team, str) and is_external(workspace, team) for team in teams)


def _is_own(event: dict[str, Any], context: BoltContext) -> bool:
    """The bot's own post (or an edit of it), which Slack echoes back like anyone's.

    Bolt drops these already (its self-event filter); this keeps a stage prompt that reads
    "Acme moved to Negotiation" from ever being taken for a CRM post, whatever Bolt does.
    """
    message = event.get("message") if isinstance(event.get("message"), dict) else event
    bot_id, bot_user = context.bot_id, context.bot_user_id
    return bool((bot_id and message.get("bot_id") == bot_id)
                or (bot_user and message.get("user") == bot_user))
