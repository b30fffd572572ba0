"""Coaching decisions: which nudge fits a ledger's balance, which prompt fits a stage.

The thresholds below are the product's opinion of when an exchange has turned
one-way; they are constants so tests and docs/coaching.md can name them.
"""

from __future__ import annotations

from enum import Enum

from bot.domain.ledger import Balance
from bot.domain.stages import Stage

# "Far outnumber": at least this many times as many items on one side ...
IMBALANCE_RATIO = 2
# ... and at least this many more, so 2 vs 1 is not yet a lecture.
IMBALANCE_MIN_GAP = 3
# A pattern of one-way exchange, where walking away becomes a fair question.
WALK_AWAY_RATIO = 3
WALK_AWAY_MIN_GIVES = 6
# Ours kept while theirs are overdue.
KEPT_WHILE_OVERDUE_BRAVE = 2
KEPT_WHILE_OVERDUE_WALK = 3


class Situation(str, Enum):
    """What the balance says about the partnership right now."""

    EMPTY = "empty"  # nothing recorded yet
    NOTHING_GIVEN = "nothing_given"  # we only ask
    TAKING = "taking"  # we ask far more than we give
    ONE_WAY = "one_way"  # we give far more than we get: time for a brave conversation
    WALK_AWAY = "walk_away"  # a pattern of one-way exchange
    BALANCED = "balanced"


def assess(balance: Balance) -> Situation:
    """Classify a balance; the order of checks is the order of urgency."""
    gives, gets = balance.give, balance.get
    if balance.is_empty:
        return Situation.EMPTY
    if gives.total == 0:
        return Situation.NOTHING_GIVEN
    if (
        gives.total >= WALK_AWAY_RATIO * max(1, gets.total) and gives.total >= WALK_AWAY_MIN_GIVES
    ) or (gives.kept >= KEPT_WHILE_OVERDUE_WALK and gets.overdue >= KEPT_WHILE_OVERDUE_WALK):
        return Situation.WALK_AWAY
    if (
        gives.total >= IMBALANCE_RATIO * gets.total
        and gives.total - gets.total >= IMBALANCE_MIN_GAP
    ) or (gives.kept >= KEPT_WHILE_OVERDUE_BRAVE and gets.overdue >= KEPT_WHILE_OVERDUE_BRAVE):
        return Situation.ONE_WAY
    if gets.total >= IMBALANCE_RATIO * gives.total and gets.total - gives.total >= IMBALANCE_MIN_GAP:
        return Situation.TAKING
    return Situation.BALANCED


def stage_prompt(stage: Stage) -> str:
    """The template that coaches a deal entering ``stage``."""
    if stage.is_early:
        return "stage_early"
    if stage.is_closing:
        return "stage_closing"
    return "stage_signed" if stage is Stage.SIGNED else "stage_lost"
