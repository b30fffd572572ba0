"""Which deal needs its owner first (bot/domain/attention.py): each rank, its boundaries, and
that our own slip comes first whatever the stage."""

from __future__ import annotations

import pytest

from bot.domain.attention import attention
from bot.domain.ledger import side_records
from bot.domain.stages import Stage
from tests.domain.test_coaching_scenarios_fresh import TODAY, get, give


def why(stage: Stage, items: list) -> tuple[str, int]:
    ours, theirs = side_records(items, TODAY)
    found = attention(stage, ours, theirs, TODAY)
    return found.why, found.days


@pytest.mark.parametrize(("stage", "items", "expected"), [
    (Stage.NEGOTIATION, [give(due=1), get(due=9)], ("ours_late", 1)),
    (Stage.LOST, [give(due=4)], ("ours_late", 4)),  # still owed after a loss
    (Stage.ON_HOLD, [give(due=2), get(due=20)], ("ours_late", 2)),  # and while paused
    (Stage.NEGOTIATION, [give(due=0), get(due=9)], ("ours_today", 0)),
    (Stage.NEGOTIATION, [give(due=-5), get(due=2)], ("theirs_late", 2)),
    (Stage.NEGOTIATION, [give(due=-5), get(due=1)], ("steady", 0)),  # one day late: a busy day
    (Stage.ON_HOLD, [give(due=-5), get(due=20)], ("on_hold", 0)),  # paused: nothing to chase
    (Stage.LOST, [get(due=20)], ("lost", 0)),
    (Stage.PROPOSAL, [give(due=-3)], ("ours_soon", 3)),
    (Stage.PROPOSAL, [give(due=-4)], ("steady", 0)),
])
def test_each_reason_and_its_boundary(stage, items, expected) -> None:
    assert why(stage, items) == expected


def test_the_longer_slip_comes_first_and_ours_before_theirs() -> None:
    def order(stage: Stage, items: list) -> tuple[int, int]:
        return attention(stage, *side_records(items, TODAY), TODAY).order

    ours_long, ours_short = order(Stage.QUALIFIED, [give(due=9)]), order(Stage.QUALIFIED, [give(due=2)])
    theirs_long = order(Stage.QUALIFIED, [get(due=30)])
    soon, later = order(Stage.QUALIFIED, [give(due=-1)]), order(Stage.QUALIFIED, [give(due=-3)])
    assert ours_long < ours_short < theirs_long
    assert soon < later
