"""Coaching context shared by every message that shows a balance or a nudge."""

from __future__ import annotations

from datetime import date
from typing import Any

from bot.domain.coaching import assess
from bot.domain.ledger import Commitment, balance
from bot.services.channel_settings import ChannelSettings
from bot.store import Scope


def coaching_context(
    settings: ChannelSettings, scope: Scope, items: list[Commitment], today: date
) -> dict[str, Any]:
    """Balance, the situation it signals, and which phrasing of the nudge to use this time."""
    current = balance(items, today)
    situation = assess(current)
    return {
        "balance": current,
        "situation": situation.value,
        "variant": settings.next_variant(scope, f"nudge:{situation.value}"),
    }
