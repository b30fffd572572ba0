"""Whether a Zoom ``meeting.ended`` event's times are believable. Pure: times in, a verdict out.

Zoom sends ``meeting.ended`` when a meeting has ended, so its ``end_time`` is in the past by
Zoom's own clock. A request's timestamp is already checked to be within five minutes of ours
(bot.timestamped_signature), so an ``end_time`` further ahead than that is no clock skew: the
event contradicts itself (a replayed or hand-made body, signed with the secret). It is answered
and ignored: a prompt about a meeting that hasn't ended asks people about a call they are still
in, and asking "at once" would let any such body put a prompt in a deal channel on demand.
"""

from __future__ import annotations

from datetime import datetime, timedelta

# The same tolerance as the signature's timestamp: two honest clocks are never further apart.
CLOCK_SKEW = timedelta(minutes=5)
END_IN_FUTURE = "end_time_in_future"
START_IN_FUTURE = "start_time_in_future"


def zoom_times_problem(ended_at: datetime | None, started_at: datetime | None, now: datetime) -> str | None:
    """Why an event with these times can't be about a meeting that ended (None: it can).

    Unreadable times (None) are no contradiction: such an event is taken as ended now.
    """
    if ended_at is not None and ended_at > now + CLOCK_SKEW:
        return END_IN_FUTURE
    if started_at is not None and started_at > now + CLOCK_SKEW:
        return START_IN_FUTURE
    return None


def zoom_end(ended_at: datetime | None, now: datetime) -> datetime:
    """When the meeting ended, as far as we can tell: its ``end_time``, never later than now
    (a clock a little ahead of ours), or now when Zoom sent none we can read."""
    return now if ended_at is None or ended_at > now else ended_at
