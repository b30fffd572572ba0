"""What the partner may propose on the page, on each limit: the longest wording, today, and
the furthest date are allowed; one step past each is refused. Pure."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from bot.domain.commands import MAX_WHAT
from bot.domain.ledger import Commitment
from bot.domain.mutual_plan import MAX_PROPOSAL_AHEAD, Proposal, ProposalError, read_proposal

TODAY = date(2026, 11, 23)
ITEM = Commitment(number=2, side="get", what="the signed NDA", owner="U0ALICE", created_by="U0ALICE",
                  created_at=datetime(2026, 11, 20, tzinfo=UTC), due_on=date(2026, 12, 3))


def refusal(what: str, due: str) -> str:
    with pytest.raises(ProposalError) as raised:
        read_proposal(ITEM, what, due, TODAY)
    return raised.value.refusal.key


def test_wording_of_exactly_the_limit_is_taken_and_one_more_character_is_refused():
    assert read_proposal(ITEM, "a" * MAX_WHAT, "", TODAY) == Proposal("a" * MAX_WHAT, None)
    assert refusal("a" * (MAX_WHAT + 1), "") == "proposal_too_long"


def test_today_is_a_date_one_can_propose_and_yesterday_is_not():
    assert read_proposal(ITEM, "", TODAY.isoformat(), TODAY) == Proposal(None, TODAY)
    assert refusal("", (TODAY - timedelta(days=1)).isoformat()) == "proposal_date_past"


def test_the_furthest_date_is_taken_and_the_day_after_is_refused():
    furthest = TODAY + MAX_PROPOSAL_AHEAD
    assert read_proposal(ITEM, "", furthest.isoformat(), TODAY) == Proposal(None, furthest)
    assert refusal("", (furthest + timedelta(days=1)).isoformat()) == "proposal_date_too_far"
