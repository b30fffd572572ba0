"""How a person's reminders due at the same moment are grouped and cut to Slack's block limit
and to the weight Slack takes for all of a message's blocks together."""

from __future__ import annotations

from bot.domain.reminder_batch import (
    CHANNEL_WEIGHT,
    HEADER_WEIGHT,
    ITEM_WEIGHT,
    MAX_BLOCKS,
    MAX_WEIGHT,
    fit,
    group_by,
)


def cost(shown) -> int:
    """Blocks the combined DM spends on what ``fit`` kept (header and footer included)."""
    return 2 + sum(1 + 2 * len(items) for _, items in shown)


def weight(shown) -> int:
    """The most the combined DM of what ``fit`` kept can weigh (text plus blocks)."""
    return HEADER_WEIGHT + sum(CHANNEL_WEIGHT + ITEM_WEIGHT * len(items) for _, items in shown)


def test_group_by_keeps_first_seen_order_and_every_entry():
    entries = [("U1", 1), ("U2", 2), ("U1", 3), ("U3", 4), ("U2", 5)]
    assert group_by(entries, lambda e: e[0]) == [[("U1", 1), ("U1", 3)], [("U2", 2), ("U2", 5)], [("U3", 4)]]
    assert group_by([], lambda e: e) == []


def test_few_items_all_fit():
    channels = [("C1", [1, 2]), ("C2", [3])]
    assert fit(channels) == ([("C1", [1, 2]), ("C2", [3])], 0)


def test_thirty_items_in_one_channel_show_as_many_as_slack_takes_by_weight():
    shown, hidden = fit([("C1", list(range(1, 31)))])
    assert shown == [("C1", list(range(1, 17)))] and hidden == 14
    assert weight(shown) <= MAX_WEIGHT < weight([("C1", list(range(17)))])
    assert cost(shown) <= MAX_BLOCKS


def test_the_block_limit_still_cuts_when_the_weight_would_allow_more():
    shown, hidden = fit([("C1", list(range(1, 31)))], max_weight=10**9)
    assert shown == [("C1", list(range(1, 24)))] and hidden == 7
    assert cost(shown) == 49 <= MAX_BLOCKS


def test_the_cut_counts_channel_headings_and_hides_whole_later_channels():
    channels = [(f"C{n}", [n * 10, n * 10 + 1]) for n in range(1, 12)]  # 11 channels of 2
    shown, hidden = fit(channels)
    assert [c for c, _ in shown] == [f"C{n}" for n in range(1, 8)]
    assert weight(shown) <= MAX_WEIGHT < weight(shown) + CHANNEL_WEIGHT + ITEM_WEIGHT
    assert hidden == 22 - sum(len(items) for _, items in shown) == 8
    by_blocks, _ = fit(channels, max_weight=10**9)
    assert cost(by_blocks) == MAX_BLOCKS and by_blocks[-1] == ("C10", [100])


def test_exactly_full_and_empty():
    shown, hidden = fit([("C1", list(range(24)))], max_blocks=2 + 1 + 2 * 24, max_weight=10**9)
    assert hidden == 0 and len(shown[0][1]) == 24
    full = HEADER_WEIGHT + CHANNEL_WEIGHT + 5 * ITEM_WEIGHT
    assert fit([("C1", list(range(5)))], max_weight=full) == ([("C1", list(range(5)))], 0)
    assert fit([("C1", list(range(5)))], max_weight=full - 1) == ([("C1", list(range(4)))], 1)
    assert fit([]) == ([], 0)
