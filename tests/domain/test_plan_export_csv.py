"""The plan's CSV export, cell by cell: what a spreadsheet opens is exactly this. Pure."""

from __future__ import annotations

from datetime import UTC, date, datetime

from bot.domain.ledger import Commitment
from bot.domain.mutual_plan import plan_csv, plan_view

TODAY = date(2026, 11, 23)
NOW = datetime(2026, 11, 23, 15, tzinfo=UTC)


def step(number, side, **fields):
    fields = {"owner": "U0ALICE", **fields}
    return Commitment(number=number, side=side, what=f"step {number}", created_by="U0ALICE", created_at=NOW,
                      **fields)


def test_the_csv_is_one_header_then_ours_then_theirs_each_cell_as_written():
    view = plan_view([
        step(1, "give", due_on=date(2026, 12, 1)),
        step(2, "get", counterpart="Dana", owner="U0BOB", confirmed_at=NOW, confirmed_by="partner"),
        step(3, "get", status="done"),
    ], TODAY)
    assert plan_csv(view, {"U0ALICE": "Alice Archer"}) == (
        "id,side,commitment,owner,counterpart,due,status,confirmed\r\n"
        "1,we commit,step 1,Alice Archer,,2026-12-01,open,no\r\n"
        "2,you commit,step 2,U0BOB,Dana,,open,yes\r\n"  # no name known: the id, never blank
        "3,you commit,step 3,Alice Archer,,,kept,no\r\n"
    )


def test_an_empty_cell_stays_empty_and_a_missing_name_is_not_the_word_none():
    view = plan_view([step(1, "give")], TODAY)
    row = plan_csv(view, {}).splitlines()[1]
    assert row == "1,we commit,step 1,U0ALICE,,,open,no"
