"""When a calendar meeting that moved deserves a new debrief prompt. Pure: times in, a verdict out.

A meeting is asked about once, after it really happened. A prompt that went out (or came due)
before the meeting, as the calendar now has it, began was about a meeting that hadn't happened
yet: the meeting was moved after we asked (postponed to next week, pushed to the afternoon), so
it is asked about again after its new end. A prompt that went out after the meeting began (it was
dragged to an earlier slot, or ran over and its end was corrected) already asked about it.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, timedelta

# An unanswered prompt gets one reminder, in its thread, this long after it went out: long
# enough for people to be back from the next meeting, soon enough that the call is remembered.
# One only: a prompt that two reminders didn't get answered is one people chose not to answer,
# and a channel of reminders teaches people to skip the bot's posts.
REMIND_AFTER = timedelta(hours=3)
# A reminder is never posted later than this after its time (the bot was down, or was upgraded
# after prompts had gone out): a nudge about an old prompt is noise.
REMINDER_LATEST = timedelta(hours=1)

# A reply in the thread of one of the bot's posts silences that post's reminder; it can matter
# only until the latest moment a reminder can go out: a reply comes after its prompt, the
# reminder is due REMIND_AFTER the prompt at most, and is posted no later than REMINDER_LATEST
# after that. Past that, the record of the reply is kept for nothing (docs/listening.md).
REPLY_MATTERS_FOR = REMIND_AFTER + REMINDER_LATEST

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


def reminder_job_id(digest: str, round_number: int) -> str:
    """The job id of the one reminder about a meeting's ``round_number``-th prompt."""
    return f"calendar-nudge:{digest}:{round_number}"


def answered_since(logged_at: Iterable[datetime], started_at: datetime) -> bool:
    """Something was logged on the channel's ledger since the meeting began: the debrief form,
    a commitment typed or logged from a thread answer. The meeting's news is written down."""
    return any(moment >= started_at for moment in logged_at)


def reply_mark_expired(noted_at: datetime | None, now: datetime) -> bool:
    """A reply noted at ``noted_at`` can no longer silence any reminder at ``now`` (None: a
    record from before replies were dated, which is as old as that)."""
    return noted_at is None or now - noted_at > REPLY_MATTERS_FOR


def reminder_is_late(due_at: datetime, now: datetime) -> bool:
    """A reminder due at ``due_at`` is too late to post at ``now``."""
    return now - due_at > REMINDER_LATEST
