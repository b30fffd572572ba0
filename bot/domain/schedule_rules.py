"""Pure time rules for everything the bot does on its own clock.

Nothing here reads a clock: every function takes ``now`` (an aware datetime) or
dates. Local wall times are built with :mod:`zoneinfo`, so they stay right across
daylight-saving changes:

* a wall time that does not exist (spring forward, e.g. 02:30 on the night the
  clocks jump from 02:00 to 03:00) moves forward by the gap (03:30 local);
* a wall time that happens twice (fall back) means the first one.

All returned instants are in UTC.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from datetime import UTC, date, datetime, time, timedelta
from functools import lru_cache
from typing import Literal
from zoneinfo import available_timezones

from bot.domain.refusal import Refused
from bot.domain.timezones import local_date, zone

__all__ = ["local_date", "zone"]  # re-exported: callers import them from here too

CHECKIN_TIME = time(10, 0)
REMINDER_TIME = time(9, 0)
DEFAULT_CHECKIN_DAYS = (7, 30, 90)
MAX_CHECKINS = 6
MAX_CHECKIN_DAYS = 730
SNOOZE_DAYS = 2
# An overdue reminder is only started within this many days of the due date: a first start on
# an old database (or a long outage) must not DM everyone about every long-forgotten item.
OVERDUE_REMINDER_DAYS = 7

WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")

ReminderState = Literal["due", "overdue"]


class RuleError(Refused):
    """Input a person typed that the rules can't use; its refusal says why, kindly."""


# --------------------------------------------------------------------------- zones


@lru_cache(maxsize=512)
@lru_cache(maxsize=1)
def _zone_names() -> dict[str, str]:
    names = {name.casefold(): name for name in available_timezones()}
    names.setdefault("utc", "UTC")
    return names


def resolve_tz(name: str) -> str | None:
    """The canonical IANA name for what someone typed ("europe/berlin" → "Europe/Berlin")."""
    cleaned = name.strip()
    if not cleaned or len(cleaned) > 64:
        return None
    return _zone_names().get(cleaned.casefold())


def at_local(day: date, wall: time, tz: str | None) -> datetime:
    """The UTC instant of ``wall`` o'clock on ``day`` in ``tz`` (DST-safe, see module doc)."""
    # fold=0: zoneinfo reads a wall time inside a spring-forward gap with the offset from
    # before the change (so 02:30 becomes 03:30 local), and an ambiguous one as the first.
    return datetime.combine(day, wall).replace(tzinfo=zone(tz), fold=0).astimezone(UTC)


def weekday_or_monday(day: date) -> date:
    """Saturday and Sunday move to the following Monday; weekdays stay."""
    return day + timedelta(days=(7 - day.weekday()) % 7) if day.weekday() >= 5 else day


# --------------------------------------------------------------------------- check-ins


def checkin_times(
    signed_at: datetime, days: Iterable[int], tz: str | None, wall: time = CHECKIN_TIME
) -> list[tuple[int, datetime]]:
    """``(days, when)`` for each check-in: the local signature date plus ``days``,
    moved to Monday when it falls on a weekend, at ``wall`` local time."""
    signed_on = local_date(signed_at, tz)
    return [
        (n, at_local(weekday_or_monday(signed_on + timedelta(days=n)), wall, tz))
        for n in sorted(set(days))
    ]


_CADENCE = re.compile(r"^(\d{1,4})\s*(d|day|days|w|wk|wks|week|weeks|m|mo|month|months)?$")
_UNIT_DAYS = {"d": 1, "w": 7, "m": 30}


def parse_cadence(args: Sequence[str]) -> list[int]:
    """Check-in offsets in days from words like ``7d 2w 3m`` (m = 30 days, a bare number = days).

    Raises :class:`RuleError` for anything else, duplicates are merged, the result is sorted.
    """
    words = [w for arg in args for w in re.split(r"[,\s]+", arg.strip().lower()) if w]
    if not words:
        raise RuleError("cadence_empty")
    found: set[int] = set()
    for word in words:
        match = _CADENCE.match(word)
        if not match:
            raise RuleError("cadence_unreadable", word=word[:20])
        number, unit = int(match.group(1)), (match.group(2) or "d")[0]
        value = number * _UNIT_DAYS[unit]
        if not 1 <= value <= MAX_CHECKIN_DAYS:
            raise RuleError("cadence_out_of_range", word=word, days=value, limit=MAX_CHECKIN_DAYS)
        found.add(value)
    if len(found) > MAX_CHECKINS:
        raise RuleError("cadence_too_many", count=len(found), limit=MAX_CHECKINS)
    return sorted(found)


# --------------------------------------------------------------------------- weekly digest


def parse_weekday(word: str) -> int:
    """Monday=0 … Sunday=6 from a name or an unambiguous prefix of at least 2 letters."""
    cleaned = word.strip().lower().rstrip(".")
    if len(cleaned) >= 2:
        matches = [i for i, name in enumerate(WEEKDAYS) if name.startswith(cleaned)]
        if len(matches) == 1:
            return matches[0]
    raise RuleError("weekday_unreadable", word=word[:20])


_CLOCK = re.compile(r"^(\d{1,2})(?::(\d{2}))?\s*(am|pm)?$")


def parse_clock(word: str) -> time:
    """A wall time from ``09:00``, ``9:30``, ``17:45``, ``9am`` or ``5:30pm``."""
    match = _CLOCK.match(word.strip().lower())
    if match and (match.group(2) is not None or match.group(3)):
        hour, minute, half = int(match.group(1)), int(match.group(2) or 0), match.group(3)
        if half:
            if not 1 <= hour <= 12:
                hour = -1
            else:
                hour = hour % 12 + (12 if half == "pm" else 0)
        if 0 <= hour <= 23 and 0 <= minute <= 59:
            return time(hour, minute)
    raise RuleError("clock_unreadable", word=word[:20])


def next_weekly(now: datetime, weekday: int, wall: time, tz: str | None) -> datetime:
    """The first ``weekday`` at ``wall`` (local to ``tz``) strictly after ``now``, in UTC."""
    today = local_date(now, tz)
    day = today + timedelta(days=(weekday - today.weekday()) % 7)
    for _ in range(3):
        when = at_local(day, wall, tz)
        if when > now:
            return when
        day += timedelta(days=7)
    raise AssertionError("unreachable: a week later is always later")  # pragma: no cover


def week_key(when: datetime, tz: str | None) -> str:
    """The ISO week of the local date of ``when``, e.g. ``2026-W48``: one digest per key."""
    year, week, _ = local_date(when, tz).isocalendar()
    return f"{year}-W{week:02d}"


def week_window(due_at: datetime) -> tuple[datetime, datetime]:
    """The seven days a digest due at ``due_at`` reports on: ``[due_at - 7 days, due_at)``."""
    return due_at - timedelta(days=7), due_at


# --------------------------------------------------------------------------- reminders


def reminder_state(due_on: date, today: date,
                   overdue_days: int | None = None) -> ReminderState | None:
    """``due`` the day before and on the due date, ``overdue`` from the day after — for at
    most ``overdue_days`` days when given (older items are left to digests and check-ins)."""
    if today > due_on:
        if overdue_days is not None and (today - due_on).days > overdue_days:
            return None
        return "overdue"
    if today >= due_on - timedelta(days=1):
        return "due"
    return None


def reminder_time(due_on: date, state: ReminderState, tz: str | None,
                  wall: time = REMINDER_TIME) -> datetime:
    """When a reminder of that state is due: ``wall`` local the day before / the day after."""
    day = due_on - timedelta(days=1) if state == "due" else due_on + timedelta(days=1)
    return at_local(day, wall, tz)


def snooze_until(now: datetime, tz: str | None, days: int = SNOOZE_DAYS,
                 wall: time = REMINDER_TIME) -> datetime:
    """``wall`` local time ``days`` calendar days from now (Tuesday 14:00 → Thursday 09:00)."""
    return at_local(local_date(now, tz) + timedelta(days=days), wall, tz)


# --------------------------------------------------------------------------- retries

BACKOFF_BASE = timedelta(seconds=30)
BACKOFF_MAX = timedelta(hours=1)


def backoff(attempts: int, retry_after: float | None = None) -> timedelta:
    """How long to wait before attempt ``attempts + 1``: Slack's Retry-After when it gave one,
    else 30 s doubling up to an hour. Never "give up": a job is retried until it posts."""
    doubled = BACKOFF_BASE * (2 ** max(0, min(attempts - 1, 10)))
    wait = min(doubled, BACKOFF_MAX)
    if retry_after is not None:
        wait = max(wait, timedelta(seconds=retry_after))
    return wait


# --------------------------------------------------------------------------- display


def describe_local(when: datetime, tz: str | None) -> str:
    """``Mon 30 Nov 2026, 10:00 EST``: an instant as people in ``tz`` read it."""
    local = when.astimezone(zone(tz))
    return f"{local:%a} {local.day} {local:%b %Y, %H:%M} {local.tzname() or tz or 'UTC'}"
