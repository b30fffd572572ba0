"""How a person's reminders due at the same moment are grouped and cut to Slack's block limit."""

from __future__ import annotations

from bot.domain.reminder_batch import MAX_BLOCKS, fit, group_by


def cost(shown) -> int:
    """Blocks the combined DM spends on what ``fit`` kept (header and footer included)."""
    return 2 + sum(1 + 2 * len(items) for _, items in shown)


def test_group_by_keeps_first_seen_order_and_every_entry():
    entries = [("U1", 1), ("U2", 2), ("U1", 3), ("U3", 4), ("U2", 5)]
    assert group_by(entries, lambda e: e[0]) == [[("U1", 1), ("U1", 3)], [("U2", 2), ("U2", 5)], [("U3", 4)]]
    assert group_by([], lambda e: e) == []


def test_few_items_all_fit():
    channels = [("C1", [1, 2]), ("C2", [3])]
    assert fit(channels) == ([("C1", [1, 2]), ("C2", [3])], 0)


def test_thirty_items_in_one_channel_show_the_first_23():
    shown, hidden = fit([("C1", list(range(1, 31)))])
    assert shown == [("C1", list(range(1, 24)))] and hidden == 7
    assert cost(shown) == 49 <= MAX_BLOCKS


def test_the_cut_counts_channel_headings_and_hides_whole_later_channels():
    channels = [(f"C{n}", [n * 10, n * 10 + 1]) for n in range(1, 12)]  # 11 channels of 2
    shown, hidden = fit(channels)
    assert cost(shown) == MAX_BLOCKS  # 9 channels of 5 blocks, a 10th with one item
    assert [c for c, _ in shown] == [f"C{n}" for n in range(1, 11)] and shown[-1][1] == [100]
    assert hidden == 22 - sum(len(items) for _, items in shown) == 3


def test_exactly_full_and_empty():
    shown, hidden = fit([("C1", list(range(24)))], max_blocks=2 + 1 + 2 * 24)
    assert hidden == 0 and len(shown[0][1]) == 24
    assert fit([]) == ([], 0)
