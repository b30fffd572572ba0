"""The ledger's pure logic: states, the give/get balance, list views, order and pages."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from bot.domain.ledger import Balance, Commitment, SideTally, balance, paginate, select, sort_key, tally

TODAY = date(2026, 11, 23)
MADE = datetime(2026, 11, 1, 9, 0, tzinfo=UTC)


def item(number: int, side: str = "give", *, due: date | None = None, status: str = "open",
         closed: datetime | None = None, owner: str = "U0ALICE", **kw) -> Commitment:
    return Commitment(number, side, f"thing {number}", owner, "U0ALICE", MADE, due_on=due, status=status,
                      closed_at=closed, **kw)


def test_open_and_overdue():
    assert item(1).is_open and not item(1, status="done").is_open
    assert item(1, due=date(2026, 11, 22)).is_overdue(TODAY)
    assert not item(1, due=TODAY).is_overdue(TODAY)  # due today is not late yet
    assert not item(1).is_overdue(TODAY)  # undated never is
    assert not item(1, due=date(2026, 11, 1), status="done").is_overdue(TODAY)


@pytest.mark.parametrize(("due", "closed", "late"), [
    (date(2026, 11, 10), datetime(2026, 11, 11, 0, 5, tzinfo=UTC), True),
    (date(2026, 11, 10), datetime(2026, 11, 10, 23, 59, tzinfo=UTC), False),  # on the day is on time
    (None, datetime(2026, 11, 11, tzinfo=UTC), False),
    (date(2026, 11, 10), None, False),
])
def test_kept_late(due, closed, late):
    assert item(1, due=due, status="done", closed=closed).kept_late() is late
    assert item(1, due=due, status="dropped", closed=closed).kept_late() is False


def test_kept_late_counts_the_day_where_it_was_closed():
    due = date(2026, 11, 10)
    evening_in_los_angeles = datetime(2026, 11, 11, 3, 30, tzinfo=UTC)  # 10 Nov, 19:30 there
    kept = item(1, due=due).close("done", "U0BOB", evening_in_los_angeles, on=date(2026, 11, 10))
    assert not kept.kept_late()
    assert kept.closed_day == date(2026, 11, 10)
    assert Commitment.from_doc(kept.to_doc()) == kept  # stored and read back
    assert item(1, due=due).close("done", "U0BOB", evening_in_los_angeles, on=date(2026, 11, 11)).kept_late()
    # Closed before the day was kept: the UTC date, as before.
    assert item(1, due=due).close("done", "U0BOB", evening_in_los_angeles).kept_late()


def test_close_records_who_and_when_and_keeps_the_rest():
    at = datetime(2026, 11, 20, tzinfo=UTC)
    closed = item(3, due=TODAY, counterpart="Dana").close("dropped", "U0BOB", at)
    assert (closed.status, closed.closed_by, closed.closed_at) == ("dropped", "U0BOB", at)
    assert (closed.number, closed.due_on, closed.counterpart, closed.what) == (3, TODAY, "Dana", "thing 3")


def test_docs_round_trip_and_ignore_unknown_fields():
    full = item(4, "get", due=TODAY, status="done", closed=datetime(2026, 11, 22, 8, tzinfo=UTC),
                counterpart="Dana", deal="Acme", closed_by="U0BOB", source="conversation")
    doc = full.to_doc()
    assert doc["created_at"] == "2026-11-01T09:00:00+00:00" and doc["due_on"] == "2026-11-23"
    assert doc["closed_at"] == "2026-11-22T08:00:00+00:00" and doc["side"] == "get"
    assert Commitment.from_doc(doc) == full
    assert Commitment.from_doc({**doc, "from_a_newer_version": 1}) == full
    bare = item(5)
    assert bare.to_doc()["due_on"] is None and bare.to_doc()["closed_at"] is None
    assert Commitment.from_doc(bare.to_doc()) == bare
    assert Commitment.from_doc({**bare.to_doc(), "due_on": "", "closed_at": ""}) == bare


def test_balance_counts_each_state_per_side():
    late_done = datetime(2026, 11, 6, tzinfo=UTC)
    items = [
        item(1, "give"), item(2, "give", due=date(2026, 11, 20)),
        item(9, "neither"),  # an unknown side is not counted anywhere, and counting goes on
        item(3, "give", status="done", due=date(2026, 11, 5), closed=late_done),
        item(4, "give", status="done", due=date(2026, 11, 5), closed=datetime(2026, 11, 5, tzinfo=UTC)),
        item(5, "give", status="dropped"),
        item(6, "get", due=TODAY), item(7, "get", status="dropped"), item(8, "get", status="dropped"),
        item(10, "give", due=date(2026, 11, 21)), item(11, "give", status="done", due=date(2026, 11, 5),
                                                       closed=late_done),
    ]
    result = balance(items, TODAY)
    assert result.give == SideTally(open=3, kept=3, dropped=1, overdue=2, kept_late=2)
    assert result.get == SideTally(open=1, kept=0, dropped=2, overdue=0, kept_late=0)
    assert result.give.total == 6 and result.get.total == 1  # dropped never counts
    assert tally(items, "give", TODAY) == result.give and tally(items, "get", TODAY) == result.get
    assert not result.is_empty


def test_empty_balance():
    assert balance([], TODAY) == Balance() and Balance().is_empty
    assert balance([item(1, status="dropped")], TODAY).is_empty
    assert not balance([item(1, "get")], TODAY).is_empty
    assert not balance([item(1, "give")], TODAY).is_empty


def test_list_views_and_their_order():
    late = item(1, due=date(2026, 11, 20))
    soon = item(2, due=date(2026, 11, 25), owner="U0BOB")
    undated = item(3)
    sooner = item(4, due=date(2026, 11, 24))
    done = item(5, status="done", due=date(2026, 11, 2))
    items = [undated, done, soon, late, sooner]
    assert select(items, "open", "U0ALICE", TODAY) == [late, sooner, soon, undated]
    assert select(items, "anything else", "U0ALICE", TODAY) == [late, sooner, soon, undated]
    assert select(items, "all", "U0ALICE", TODAY) == [late, sooner, soon, undated, done]
    assert select(items, "overdue", "U0ALICE", TODAY) == [late]
    assert select(items, "mine", "U0ALICE", TODAY) == [late, sooner, undated]
    assert select(items, "mine", "U0BOB", TODAY) == [soon]


def test_sort_key_ties_break_on_number():
    assert sort_key(item(7, due=TODAY), TODAY) == (0, 1, TODAY, 7)
    assert sort_key(item(2), TODAY) == (0, 1, date.max, 2)
    assert sort_key(item(9, due=date(2026, 1, 1)), TODAY) == (0, 0, date(2026, 1, 1), 9)
    assert sort_key(item(1, status="done"), TODAY)[0] == 1


@pytest.mark.parametrize(("count", "page", "size", "expected"), [
    (0, 1, 10, ([], 1, 1, 0)),
    (25, 1, 10, (list(range(10)), 1, 3, 25)),
    (25, 3, 10, (list(range(20, 25)), 3, 3, 25)),
    (25, 9, 10, (list(range(20, 25)), 3, 3, 25)),  # past the end: the last page
    (25, 0, 10, (list(range(10)), 1, 3, 25)),  # before the start: the first
    (20, 2, 10, (list(range(10, 20)), 2, 2, 20)),  # exactly full pages
    (21, 3, 10, ([20], 3, 3, 21)),
])
def test_paginate(count, page, size, expected):
    items = list(range(count))
    result = paginate(items, page, size)  # type: ignore[arg-type]
    assert (result.items, result.number, result.count, result.total) == expected


def test_confirming_keeps_the_first_confirmation_and_round_trips():
    first, later = datetime(2026, 11, 20, tzinfo=UTC), datetime(2026, 11, 21, tzinfo=UTC)
    confirmed = item(1, "get").confirm("partner:dana", first)
    assert confirmed.is_confirmed
    assert (confirmed.confirmed_by, confirmed.confirmed_at) == ("partner:dana", first)
    assert confirmed.confirm("partner:other", later) == confirmed
    assert not item(1).is_confirmed
    doc = confirmed.to_doc()
    assert doc["confirmed_at"] == "2026-11-20T00:00:00+00:00"
    assert Commitment.from_doc(doc) == confirmed
    assert Commitment.from_doc({**doc, "confirmed_at": ""}).confirmed_at is None
