"""Coaching context shared by every message that shows a balance or a nudge."""

from __future__ import annotations

from datetime import date
from typing import Any

from bot.domain.coaching import assess
from bot.domain.ledger import Commitment, balance


def coaching_context(items: list[Commitment], today: date) -> dict[str, Any]:
    """Balance, the situation it signals, and which phrasing of the nudge to use this time.

    The phrasing is derived from the ledger (it moves on with every item added or
    closed) rather than from a stored counter, so showing a nudge costs no write.
    """
    current = balance(items, today)
    return {
        "balance": current,
        "situation": assess(current).value,
        "variant": len(items) + sum(not item.is_open for item in items),
    }
