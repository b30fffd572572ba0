"""What the bot says when it is invited into a channel: what it does there, and the first steps."""

from __future__ import annotations

from bot.services.deals import Deals
from bot.services.ledger import Ledger
from bot.services.listening import Listening
from bot.services.outcome import Message
from bot.store import Scope


def welcome_message(ledger: Ledger, deals: Deals, listening: Listening, scope: Scope) -> Message:
    """The channel's welcome: first steps for a new deal channel, where things stand for a
    channel the bot is invited back into, and how it listens (people should know it reads)."""
    # Posted to the channel: only what the partner may see when they are in it (Slack Connect).
    items = ledger.channel_items(scope)
    return Message("welcome", {
        "open_items": sum(1 for item in items if item.is_open),
        "deals": [{"name": deal.name, "stage": deal.stage.label} for deal in deals.all(scope)],
        "listen": listening.mode(scope),
    })
