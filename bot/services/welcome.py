"""What the bot says when it is invited into a channel: what it does there, and the first steps."""

from __future__ import annotations

from datetime import UTC, datetime

from bot.services.deals import Deals
from bot.services.ledger import Ledger
from bot.services.listening import Listening
from bot.services.outcome import Message
from bot.store import Scope, Store

# One record per join the channel was welcomed for, keyed by the join's event id: {"at": iso}.
# Slack redelivers an event it got no timely 200 for with the same event id, and the bot's
# memory of event ids does not survive a restart; this record does. A channel is joined a
# handful of times in its life, so the records are kept rather than pruned.
WELCOMED = "welcomed"


def welcome_message(ledger: Ledger, deals: Deals, listening: Listening, scope: Scope) -> Message:
    """The channel's welcome: first steps for a new deal channel, where things stand for a
    channel the bot is invited back into, and how it listens (people should know it reads)."""
    # Posted to the channel: only what the partner may see when they are in it (Slack Connect).
    items = ledger.channel_items(scope)
    return Message("welcome", {
        "open_items": sum(1 for item in items if item.is_open),
        "deals": [{"name": deal.name, "stage": deal.stage.label} for deal in deals.all(scope)],
        "listen": listening.mode(scope),
        # The partner reads this channel: the welcome speaks to both sides, with no coaching.
        "shared": ledger.externally_shared(scope),
    })


def claim_welcome(store: Store, scope: Scope, join_id: str, now: datetime) -> bool:
    """True the first time the join ``join_id`` is offered for the channel, before or after a
    restart, in any process sharing the store: only that delivery posts the welcome."""
    return store.add_once(scope, WELCOMED, join_id, {"at": now.astimezone(UTC).isoformat(timespec="seconds")})


def release_welcome(store: Store, scope: Scope, join_id: str) -> None:
    """Forget a claimed join whose welcome could not be posted, so a redelivery may try again."""
    store.delete(scope, WELCOMED, join_id)
