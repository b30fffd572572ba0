"""Which broken promises were dropped lately, read from the records instead of the whole channel.

Each side's record keeps its broken promises, dropped last first, so the coaching reads only
the few dropped within its window instead of walking a busy channel's whole history on each
decision. The old computation (every item read again) is kept here as the reference: on random
ledgers, small and large, every answer must be the same.
"""

from __future__ import annotations

import random
from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import HealthCheck, given, settings

from bot.domain import coaching
from bot.domain.coaching import ChannelHistory, assess
from bot.domain.ledger import Commitment, SideRecord, side_records
from bot.domain.stages import Stage
from tests.domain.test_coaching_properties import histories

NOW = datetime(2026, 12, 14, 15, 0, tzinfo=UTC)


def walk_every_item(history: ChannelHistory, record: SideRecord, days: int) -> list[Commitment]:
    """The old computation: every item of the channel read again, on every decision."""
    latest = record.last_broken
    if latest is None:
        return []
    return [c for c in history.items if c.status == "dropped" and c.side == latest.side and c.is_broken
            and c.closed_at is not None
            and c.closed_at <= history.now and coaching._days(c.closed_at, history.now) < days]


def old_assess(history: ChannelHistory, monkeypatch: pytest.MonkeyPatch) -> coaching.Nudge:
    with monkeypatch.context() as patched:
        patched.setattr(coaching, "_dropped_within", walk_every_item)
        return assess(history)


def random_ledger(rng: random.Random, size: int) -> list[Commitment]:
    """``size`` items over 90 days; many dropped, about half of those after their due date,
    some by agreement, a few dropped "after now" (a clock moved back)."""
    found = []
    for number in range(1, size + 1):
        made = rng.uniform(0, 90)
        due = rng.choice((None, rng.randint(-20, 90)))
        status = rng.choice(("open", "done", "dropped", "dropped"))
        closed = NOW - timedelta(days=rng.uniform(-2, made)) if status != "open" else None
        found.append(Commitment(
            number=number, side=rng.choice(("give", "get")), what=f"item {number}", owner="U0ALICE",
            created_by="U0ALICE", created_at=NOW - timedelta(days=made),
            due_on=(NOW - timedelta(days=due)).date() if due is not None else None,
            status=status, closed_at=closed, mutual=status == "dropped" and rng.random() < 0.2))
    return found


@given(history=histories())
@settings(max_examples=200, suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
def test_every_random_history_gets_the_same_nudge_as_walking_every_item(history, monkeypatch):
    assert assess(history) == old_assess(history, monkeypatch)


@pytest.mark.parametrize("seed", range(12))
def test_large_random_ledgers_get_the_same_nudge_as_walking_every_item(seed, monkeypatch):
    rng = random.Random(seed)
    items = random_ledger(rng, rng.choice((50, 400, 2000)))
    given_log = {"their_broken": [NOW - timedelta(days=rng.uniform(0, 10))],
                 "own_broken": [NOW - timedelta(days=rng.uniform(0, 10))]} if seed % 2 else {}
    deal = coaching.DealState("Acme", rng.choice(list(Stage)), NOW - timedelta(days=40),
                              signed_at=NOW - timedelta(days=40))
    for hours_back in (0, 30, 24 * 8, 24 * 31):
        now = NOW - timedelta(hours=hours_back)
        history = ChannelHistory(items=items, now=now, today=now.date(), deal=deal, given=given_log)
        assert assess(history) == old_assess(history, monkeypatch)
        assert coaching._their_recent_broken(history, history.records[1]) == \
            (lambda found: (len(found), min((c.due_on for c in found), default=None)))(
                walk_every_item(history, history.records[1], coaching.THEIR_BROKEN_COUNTS_DAYS))


def test_the_records_keep_every_broken_promise_dropped_last_first():
    items = random_ledger(random.Random(7), 500)
    ours, theirs = side_records(items, NOW.date())
    for side, record in (("give", ours), ("get", theirs)):
        broken = [c for c in items if c.side == side and c.is_broken]
        newest_first = sorted(broken, key=lambda c: (c.closed_at, c.number), reverse=True)
        assert broken and list(record.broken_items) == newest_first
        assert record.broken == len(broken) and record.last_broken == newest_first[0]


def test_the_latest_overdue_date_is_kept_as_new_items_arrive():
    """``with_open`` (a new commitment) says what reading every item would."""
    rng = random.Random(3)
    items = random_ledger(rng, 200)
    today = NOW.date()
    ours, theirs = side_records(items[:-1], today)
    last = items[-1]
    if not last.is_open:
        last = Commitment(number=999, side="give", what="new", owner="U0ALICE", created_by="U0ALICE",
                          created_at=NOW, due_on=today - timedelta(days=3))
    record = ours if last.side == "give" else theirs
    expected = side_records([*items[:-1], last], today)[0 if last.side == "give" else 1]
    assert record.with_open(last, today) == expected


@pytest.mark.parametrize("seed", range(6))
def test_answers_kept_with_a_record_are_the_walks_and_are_worked_out_once(seed):
    """Kept since the signature, made since their benefit was written down, the first undated open
    promise: the walk's answer, worked out once per record and question."""
    rng = random.Random(seed)
    items = random_ledger(rng, rng.choice((30, 300, 1500)))
    history = ChannelHistory(items=items, now=NOW, today=NOW.date())
    records = dict(zip(("give", "get"), side_records(items, NOW.date()), strict=True))
    for side, record in records.items():
        mine = [c for c in items if c.side == side]
        moments = [None, *(NOW - timedelta(days=rng.uniform(-3, 95)) for _ in range(4))]
        moments += [c.closed_at for c in mine[:3]] + [c.created_at for c in mine[:3]]
        for moment in moments:
            kept = sum(1 for c in mine if c.status == "done" and c.closed_at is not None
                       and (moment is None or c.closed_at >= moment))
            assert coaching._kept_since(history, record, side, moment) == kept
            if moment is not None:
                made = sum(1 for c in mine if c.status != "dropped" and c.created_at > moment)
                assert coaching._made_after(history, record, side, moment) == made
        undated = [c for c in mine if c.is_open and c.due_on is None]
        assert coaching._first_undated(history, record, side) == min(
            undated, key=lambda c: c.number, default=None)
    # Worked out once: asked again about other items (which a caller must never do), the record
    # answers from what it kept.
    ours = records["give"]
    moment = NOW - timedelta(days=30)
    first = coaching._kept_since(history, ours, "give", moment)
    assert coaching._kept_since(replace(history, items=[]), ours, "give", moment) == first


def test_a_changed_record_starts_without_answers():
    """``with_open`` (a new commitment) makes a record that works its answers out again."""
    items = random_ledger(random.Random(11), 300)
    today = NOW.date()
    ours, _ = side_records(items, today)
    history = ChannelHistory(items=items, now=NOW, today=today)
    moment = NOW - timedelta(days=2)
    before = coaching._made_after(history, ours, "give", moment)
    new = Commitment(number=1000, side="give", what="new", owner="U0ALICE", created_by="U0ALICE",
                     created_at=NOW - timedelta(days=1))
    after = ours.with_open(new, today)
    assert after == side_records([*items, new], today)[0]
    assert coaching._made_after(replace(history, items=[*items, new]), after, "give", moment) == before + 1


def test_a_busy_signed_channel_reads_its_items_once_for_many_decisions():
    """The follow-through's count of what we kept since the signature: one walk for the record,
    then every decision answers from it (the ledger keeps records between requests)."""
    items = random_ledger(random.Random(5), 2000)
    signed_at = NOW - timedelta(days=40)
    deal = coaching.DealState("Acme", Stage.SIGNED, signed_at, signed_at=signed_at)
    reads = 0

    class Counting(list):
        def __iter__(self):
            nonlocal reads
            reads += 1
            return super().__iter__()

    history = ChannelHistory(items=Counting(items), now=NOW, today=NOW.date(), deal=deal)
    records = side_records(items, NOW.date())
    first = assess(history, records)
    walked = reads
    for _ in range(5):
        assert assess(history, records) == first
    assert reads == walked
