"""When a calendar meeting that moved deserves a new debrief prompt. Pure: times in, a verdict out.

A meeting is asked about once, after it really happened. A prompt that went out (or came due)
before the meeting, as the calendar now has it, began was about a meeting that hadn't happened
yet: the meeting was moved after we asked (postponed to next week, pushed to the afternoon), so
it is asked about again after its new end. A prompt that went out after the meeting began (it was
dragged to an earlier slot, or ran over and its end was corrected) already asked about it.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

# Times a meeting's prompts went out, kept per meeting: a meeting moved more often than this
# after each prompt is rare, and the latest asks are the ones that decide.
MAX_ASKS_KEPT = 10


def already_asked(asked_at: Iterable[datetime], starts_at: datetime) -> bool:
    """Some prompt for this meeting went out once it had begun (at its current start)."""
    return any(moment >= starts_at for moment in asked_at)


def round_job_id(base: str, round_number: int) -> str:
    """The job id of a meeting's ``round_number``-th prompt: the first keeps the plain id (jobs
    planned before rounds existed are round 0), later ones add the round."""
    return base if round_number <= 0 else f"{base}:{round_number}"
