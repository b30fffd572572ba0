"""`/partner meeting <topic> [[<day>] at <time> [<zone>] | in <duration>] [for <duration>]`: when
to ask for a debrief; `/partner meeting cancel <topic>`: not at all."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from bot.domain.date_words import WEEKDAY
from bot.domain.dates import DueDateError, parse_due
from bot.domain.refusal import Refused
from bot.domain.schedule_rules import resolve_tz
from bot.domain.timezones import ZONE_WORDS, zone

DEFAULT_LENGTH = timedelta(minutes=60)
MAX_LENGTH = timedelta(hours=12)
MAX_AHEAD = timedelta(days=60)
MAX_TOPIC = 120

_DURATION = r"(\d+(?:[.,]\d+)?)\s*(m|min|mins|minutes?|h|hr|hrs|hours?|d|days?)"
_FOR = re.compile(rf"\s+for\s+{_DURATION}\s*$", re.I)
_IN = re.compile(rf"\s+in\s+{_DURATION}\s*$", re.I)
_AT = re.compile(r"\s+at\s+(\d{1,2})(?::(\d{2}))?\s*(am|pm)?(?P<after>(?:\s+\S+){0,4}?)\s*$", re.I)
# The day of a meeting, next to its time: "tomorrow at 3pm", "at 3pm on Friday", "next Tuesday
# at 10". Without "on", only words that can be nothing but a day, so "Sprint 3 at 3pm" keeps its 3.
_BARE_DAY = re.compile(rf"^(?:today|tomorrow|(?:(?:next|this)\s+)?(?:{WEEKDAY}))$", re.I)
_MAX_DAY_WORDS = 4
# A clock time left inside the topic ("at 3pm", "at 15:30"): the time was said, not read.
_STRAY_TIME = re.compile(r"\bat\s+\d{1,2}(?::\d{2}\s*(?:am|pm)?|\s*(?:am|pm))\b", re.I)


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

    `at 3pm` means the next 3pm in the user's time zone (today, or tomorrow once passed); a
    day next to it ("tomorrow at 3pm", "at 3pm on Friday") is that day, and a zone after it
    ("at 3pm PT") is the zone of that 3pm. A day without a time, or a time left inside the
    topic, is refused: guessing would schedule the debrief at a time nobody said.
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
        read = _read_after(match.group("after"), now, tz) if match else None
        if match and read is not None:
            after, named_zone = read
            wall_zone = zone(named_zone) if named_zone else local_zone  # "at 3pm PT": their 3pm
            hour, minute = int(match.group(1)), int(match.group(2) or 0)
            meridiem = (match.group(3) or "").lower()
            if meridiem == "pm" and hour < 12:
                hour += 12
            elif meridiem == "am" and hour == 12:
                hour = 0
            if hour > 23 or minute > 59:
                raise MeetingError("meeting_time_invalid")
            rest = rest[: match.start()]
            day = after
            if day is None:  # "Acme demo tomorrow at 3pm": the day stands before the time
                rest, day = _day_at_end(rest, now, tz)
            local = now.astimezone(wall_zone)
            start = local.replace(hour=hour, minute=minute, second=0, microsecond=0)
            if day is not None:
                start = datetime.combine(day, time(hour, minute), tzinfo=wall_zone)
            elif start <= local:
                start += timedelta(days=1)
            starts_at = start
        else:
            _, day = _day_at_end(rest, now, tz)
            if day is not None:  # "Acme demo on Friday": a day, but when on it?
                raise MeetingError("meeting_needs_time", day=day.isoformat())
    topic = rest.strip()
    if not topic:
        raise MeetingError("meeting_topic_missing")
    stray = _STRAY_TIME.search(topic)
    if stray:  # "Acme at 3pm with Dana": a time was said, but not where it can be read
        raise MeetingError("meeting_time_not_last", time=stray.group(0).strip()[:20])
    if len(topic) > MAX_TOPIC:
        raise MeetingError("meeting_topic_too_long", limit=MAX_TOPIC)
    if length <= timedelta(0) or length > MAX_LENGTH:
        raise MeetingError("meeting_length", hours=_hours(MAX_LENGTH))
    if starts_at - now > MAX_AHEAD:
        raise MeetingError("meeting_too_far", days=MAX_AHEAD.days)
    start_utc = starts_at.astimezone(UTC)
    return MeetingPlan(topic=topic, starts_at=start_utc, ends_at=start_utc + length)


def _zone_word(word: str) -> str | None:
    """The IANA zone a typed zone word names ("PT", "(CET)", "Europe/Berlin"), else None."""
    return ZONE_WORDS.get(word.strip("().,").casefold()) or resolve_tz(word)


def _read_after(words: str, now: datetime, tz: str) -> tuple[date | None, str | None] | None:
    """What follows a meeting's time: nothing, a zone, a day, or a zone and a day in either
    order, as ``(day, zone)``; None when it is something else ("at 3pm with Dana")."""
    parts = words.split()
    named_zone = None
    if parts and (found := _zone_word(parts[-1])):
        named_zone, parts = found, parts[:-1]
    elif parts and (found := _zone_word(parts[0])):
        named_zone, parts = found, parts[1:]
    if not parts:
        return None, named_zone
    day = _day(" ".join(parts), now, tz)
    return (day, named_zone) if day is not None else None


def _day(words: str, now: datetime, tz: str) -> date | None:
    """The day ``words`` name ("tomorrow", "on Friday", "on Dec 3", "next Tuesday"), or None
    when they are no day, or a day already past."""
    words = words.strip()
    head, _, phrase = words.partition(" ")
    if head.lower() != "on":
        phrase = words
        if not _BARE_DAY.match(phrase):
            return None
    try:
        return parse_due(phrase, now, tz)
    except DueDateError:
        return None


def _day_at_end(text: str, now: datetime, tz: str) -> tuple[str, date | None]:
    """Split a day off the end of ``text`` ("Acme demo tomorrow"), longest first."""
    words = text.split()
    for size in range(min(_MAX_DAY_WORDS, len(words) - 1), 0, -1):
        day = _day(" ".join(words[-size:]), now, tz)
        if day is not None:
            return " ".join(words[:-size]), day
    return text, None


_CANCEL = re.compile(r"^(?:cancel|cancelled|canceled)(?:\s+(?P<topic>.*))?$", re.I | re.S)


def cancelled_topic(text: str, now: datetime, tz: str) -> str | None:
    """``"cancel Acme demo"`` → ``"Acme demo"`` (the meeting is off); None for any other text.

    "cancel" alone gives ``""``: which meeting isn't said. A time after the topic ("cancel Acme
    demo at 3pm") is dropped: it names the same meeting.
    """
    match = _CANCEL.match((text or "").strip())
    if match is None:
        return None
    topic = (match.group("topic") or "").strip()
    for pattern in (_FOR, _IN, _AT):
        found = pattern.search(" " + topic)
        if found:
            topic = (" " + topic)[: found.start()].strip()
    return _day_at_end(topic, now, tz)[0].strip() if topic else ""


def topic_key(topic: str) -> str:
    """What makes two topics the same meeting: case and spacing aside."""
    return " ".join(topic.casefold().split())


# A debrief prompt is worth posting until this long after the meeting ended: a bot that was
# down over lunch still asks in the afternoon, one down over a weekend doesn't ask on Monday
# about Friday's calls (nobody remembers the details by then, and a pile of stale prompts
# teaches people to ignore the real ones).
PROMPT_LATEST = timedelta(hours=6)


def prompt_is_stale(ended_at: datetime, now: datetime) -> bool:
    """True when a meeting that ended at ``ended_at`` is too long ago to ask about at ``now``."""
    return now - ended_at > PROMPT_LATEST
