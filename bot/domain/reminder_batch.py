"""How a person's reminders that fall due at the same moment share one DM (pure rules).

Slack takes at most 50 blocks in a message. The combined DM spends one on its header, one
on its footer, one on each channel's heading and two on each item (its text and its Done /
Snooze buttons); past that, it shows the first items and says how many more there are.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Iterable, Sequence
from typing import TypeVar

MAX_BLOCKS = 50
HEADER_BLOCKS = 2  # the summary on top and the "and N more" footer
CHANNEL_BLOCKS = 1
ITEM_BLOCKS = 2

T = TypeVar("T")
K = TypeVar("K", bound=Hashable)


def group_by(entries: Iterable[T], key: Callable[[T], Hashable]) -> list[list[T]]:
    """Entries with equal ``key(entry)`` together, groups in the order their first entry came."""
    groups: dict[Hashable, list[T]] = {}
    for entry in entries:
        groups.setdefault(key(entry), []).append(entry)
    return list(groups.values())


def fit(channels: Sequence[tuple[K, Sequence[T]]],
        max_blocks: int = MAX_BLOCKS) -> tuple[list[tuple[K, list[T]]], int]:
    """The channels and items that fit in one message, in order, and how many items didn't."""
    budget = max_blocks - HEADER_BLOCKS
    shown: list[tuple[K, list[T]]] = []
    hidden = 0
    for channel, items in channels:
        kept: list[T] = []
        for item in items:
            cost = ITEM_BLOCKS + (CHANNEL_BLOCKS if not kept else 0)
            if cost <= budget:
                kept.append(item)
                budget -= cost
            else:
                hidden += 1
        if kept:
            shown.append((channel, kept))
    return shown, hidden
