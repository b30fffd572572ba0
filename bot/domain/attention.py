"""Which deal needs its owner first: the App Home's order of a salesperson's deals, and why.

Pure: reads a deal's stage and both sides' records (:func:`bot.domain.ledger.side_records`), and
returns an :class:`Attention`: a rank (lower comes first), the reason's key, and the facts the
reason shows (``prompts/home.json.j2`` words it). The order follows the coaching's urgency: our
own slip first (it is fully in our hands, and still owed on a deal paused or lost), then a promise
of ours due today, then their slip worth a follow-up, then ours due in the next few days; deals
that are moving quietly, then paused, then lost come last.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from bot.domain.coaching import FOLLOW_UP_AFTER_DAYS, OUR_LATE_AFTER_DAYS
from bot.domain.ledger import Commitment, SideRecord
from bot.domain.stages import Stage

# A promise of ours due within this many days is worth seeing before a deal that is merely moving.
DUE_SOON_DAYS = 3

OURS_LATE, OURS_TODAY, THEIRS_LATE, OURS_SOON, STEADY, ON_HOLD, LOST = range(7)
# The reason of each rank, for the template.
WHY = {OURS_LATE: "ours_late", OURS_TODAY: "ours_today", THEIRS_LATE: "theirs_late",
       OURS_SOON: "ours_soon", STEADY: "steady", ON_HOLD: "on_hold", LOST: "lost"}


@dataclass(frozen=True)
class Attention:
    """How much a deal needs its owner now: ``rank`` (lower first), and the facts of its reason."""

    rank: int
    days: int = 0  # days late (ours or theirs), or days until ours is due
    item: Commitment | None = None  # the promise the reason names
    count: int = 0  # how many of that side are late (or due that day)

    @property
    def why(self) -> str:
        """The reason's key in prompts/home.json.j2."""
        return WHY[self.rank]

    @property
    def order(self) -> tuple[int, int]:
        """Sort key: rank, then the longer slip (or the sooner due date) first."""
        return (self.rank, -self.days if self.rank in (OURS_LATE, THEIRS_LATE) else self.days)


def attention(stage: Stage, ours: SideRecord, theirs: SideRecord, today: date) -> Attention:
    """What a deal at ``stage`` with these records needs from its owner on ``today``."""
    if ours.oldest_due is not None and ours.oldest_due_days >= OUR_LATE_AFTER_DAYS:
        return Attention(OURS_LATE, ours.oldest_due_days, ours.oldest_due, ours.overdue)
    if ours.next_due == today:
        return Attention(OURS_TODAY, 0, ours.oldest_due, ours.due_next)
    if stage is Stage.LOST:
        return Attention(LOST, count=ours.open + theirs.open)
    if stage is Stage.ON_HOLD:
        return Attention(ON_HOLD, count=ours.open)
    if theirs.oldest_due is not None and theirs.oldest_due_days >= FOLLOW_UP_AFTER_DAYS:
        return Attention(THEIRS_LATE, theirs.oldest_due_days, theirs.oldest_due, theirs.overdue)
    if ours.next_due is not None and (ours.next_due - today).days <= DUE_SOON_DAYS:
        return Attention(OURS_SOON, (ours.next_due - today).days, ours.oldest_due, ours.due_next)
    return Attention(STEADY, count=ours.open + theirs.open)
