"""`/partner meeting <topic> [at <time> | in <duration>] [for <duration>]`: when to ask for a debrief."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from bot.domain.refusal import Refused
from bot.domain.timezones import zone

DEFAULT_LENGTH = timedelta(minutes=60)
MAX_LENGTH = timedelta(hours=12)
MAX_AHEAD = timedelta(days=60)
MAX_TOPIC = 120

_DURATION = r"(\d+(?:[.,]\d+)?)\s*(m|min|mins|minutes?|h|hr|hrs|hours?|d|days?)"
_FOR = re.compile(rf"\s+for\s+{_DURATION}\s*$", re.I)
_IN = re.compile(rf"\s+in\s+{_DURATION}\s*$", re.I)
_AT = re.compile(
    r"\s+at\s+(\d{1,2})(?::(\d{2}))?\s*(am|pm)?(?:\s+(today|tomorrow))?\s*$", re.I
)


def _hours(length: timedelta) -> int:
    return int(length.total_seconds() // 3600)


class MeetingError(Refused):
    """The meeting text can't be read; its refusal says how to write it."""


@dataclass(frozen=True)
class MeetingPlan:
    """What the meeting is about and when it ends (when the debrief is due)."""

    topic: str
    starts_at: datetime
    ends_at: datetime


def _duration(amount: str, unit: str) -> timedelta:
    value = float(amount.replace(",", "."))
    unit = unit.lower()
    try:
        if unit.startswith("d"):
            return timedelta(days=value)
        return timedelta(hours=value) if unit.startswith("h") else timedelta(minutes=value)
    except OverflowError:  # "in 99999999999 days": past what a timedelta holds
        raise MeetingError("meeting_beyond_count", days=MAX_AHEAD.days, hours=_hours(MAX_LENGTH)) from None


def parse_meeting(text: str, now: datetime, tz: str) -> MeetingPlan:
    """Read topic, start and length; the start is now unless `at`/`in` says otherwise.

    `at 3pm` means the next 3pm in the user's time zone (today, or tomorrow once passed).
    """
    local_zone = zone(tz)
    rest = " " + (text or "").strip()
    length = DEFAULT_LENGTH
    match = _FOR.search(rest)
    if match:
        length = _duration(match.group(1), match.group(2))
        rest = rest[: match.start()]
    starts_at = now
    match = _IN.search(rest)
    if match:
        ahead = _duration(match.group(1), match.group(2))
        if ahead > MAX_AHEAD:  # checked before adding: now + 99999999 days overflows a datetime
            raise MeetingError("meeting_too_far", days=MAX_AHEAD.days)
        starts_at = now + ahead
        rest = rest[: match.start()]
    else:
        match = _AT.search(rest)
        if match:
            hour, minute = int(match.group(1)), int(match.group(2) or 0)
            meridiem, day = (match.group(3) or "").lower(), (match.group(4) or "").lower()
            if meridiem == "pm" and hour < 12:
                hour += 12
            elif meridiem == "am" and hour == 12:
                hour = 0
            if hour > 23 or minute > 59:
                raise MeetingError("meeting_time_invalid")
            local = now.astimezone(local_zone)
            start = local.replace(hour=hour, minute=minute, second=0, microsecond=0)
            if day == "tomorrow" or (day != "today" and start <= local):
                start += timedelta(days=1)
            starts_at = start
            rest = rest[: match.start()]
    topic = rest.strip()
    if not topic:
        raise MeetingError("meeting_topic_missing")
    if len(topic) > MAX_TOPIC:
        raise MeetingError("meeting_topic_too_long", limit=MAX_TOPIC)
    if length <= timedelta(0) or length > MAX_LENGTH:
        raise MeetingError("meeting_length", hours=_hours(MAX_LENGTH))
    if starts_at - now > MAX_AHEAD:
        raise MeetingError("meeting_too_far", days=MAX_AHEAD.days)
    start_utc = starts_at.astimezone(UTC)
    return MeetingPlan(topic=topic, starts_at=start_utc, ends_at=start_utc + length)
