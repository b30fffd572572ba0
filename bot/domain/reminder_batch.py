"""How a person's reminders that fall due at the same moment share one DM (pure rules).

Slack takes at most 50 blocks in a message, and refuses one whose blocks hold too much
altogether (``msg_blocks_too_long``: about 12,000 characters of text, each block costing
some 125 more; see bot/emulator/block_kit_structure.py). The combined DM spends one block
on its header, one on its footer, one on each channel's heading and two on each item (its
text and its Done / Snooze buttons), each with at most the text below; past either budget,
it shows the first items and says how many more there are.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Iterable, Sequence
from typing import TypeVar

MAX_BLOCKS = 50
HEADER_BLOCKS = 2  # the summary on top and the "and N more" footer
CHANNEL_BLOCKS = 1
ITEM_BLOCKS = 2
# Weight: characters of text plus BLOCK_WEIGHT per block, as Slack sums a message's blocks.
MAX_WEIGHT = 12_000
BLOCK_WEIGHT = 125
# The longest text each part shows (prompts/reminders.json.j2): an item's line with its
# text cut to 250 and its counterpart to 60, its state and its two buttons; the heading
# naming a channel; the summary and the footer.
ITEM_WEIGHT = ITEM_BLOCKS * BLOCK_WEIGHT + 420
CHANNEL_WEIGHT = CHANNEL_BLOCKS * BLOCK_WEIGHT + 40
HEADER_WEIGHT = HEADER_BLOCKS * BLOCK_WEIGHT + 450

T = TypeVar("T")
K = TypeVar("K", bound=Hashable)


def group_by(entries: Iterable[T], key: Callable[[T], Hashable]) -> list[list[T]]:
    """Entries with equal ``key(entry)`` together, groups in the order their first entry came."""
    groups: dict[Hashable, list[T]] = {}
    for entry in entries:
        groups.setdefault(key(entry), []).append(entry)
    return list(groups.values())


def fit(channels: Sequence[tuple[K, Sequence[T]]], max_blocks: int = MAX_BLOCKS,
        max_weight: int = MAX_WEIGHT) -> tuple[list[tuple[K, list[T]]], int]:
    """The channels and items that fit in one message, in order, and how many items didn't."""
    budget = max_blocks - HEADER_BLOCKS
    weight = max_weight - HEADER_WEIGHT
    shown: list[tuple[K, list[T]]] = []
    hidden = 0
    for channel, items in channels:
        kept: list[T] = []
        for item in items:
            cost = ITEM_BLOCKS + (CHANNEL_BLOCKS if not kept else 0)
            heavy = ITEM_WEIGHT + (CHANNEL_WEIGHT if not kept else 0)
            if cost <= budget and heavy <= weight:
                kept.append(item)
                budget -= cost
                weight -= heavy
            else:
                hidden += 1
        if kept:
            shown.append((channel, kept))
    return shown, hidden
