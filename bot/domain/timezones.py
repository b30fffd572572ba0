"""The one place that turns a user's time zone name into a zone, and "now" into their date."""

from __future__ import annotations

from datetime import UTC, date, datetime, tzinfo
from functools import lru_cache
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError


@lru_cache(maxsize=256)
def _named(tz: str) -> tzinfo:
    try:
        return ZoneInfo(tz)
    except (ZoneInfoNotFoundError, ValueError, OSError):
        return UTC


def zone(tz: str | None) -> tzinfo:
    """The zone named ``tz``; UTC for None, empty or unknown names (Slack can send any of these)."""
    if not tz or not isinstance(tz, str) or not tz.strip():
        return UTC
    return _named(tz.strip())


def local_date(now: datetime, tz: str | None) -> date:
    """The calendar date at ``now`` in ``tz``."""
    return now.astimezone(zone(tz)).date()
