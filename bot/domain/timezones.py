"""The one place that turns a user's time zone name into a zone, and "now" into their date."""

from __future__ import annotations

from datetime import UTC, date, datetime, tzinfo
from functools import lru_cache
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

# Zones people type after a time ("at 3pm PT", "by noon ET"), read as the places most deal
# teams mean by them (IST is India, not Ireland or Israel).
ZONE_WORDS: dict[str, str] = {
    **dict.fromkeys(("pt", "pst", "pdt", "pacific"), "America/Los_Angeles"),
    **dict.fromkeys(("mt", "mst", "mdt", "mountain"), "America/Denver"),
    **dict.fromkeys(("ct", "cst", "cdt", "central"), "America/Chicago"),
    **dict.fromkeys(("et", "est", "edt", "eastern"), "America/New_York"),
    **dict.fromkeys(("utc", "gmt", "z"), "UTC"),
    **dict.fromkeys(("bst", "uk"), "Europe/London"),
    **dict.fromkeys(("cet", "cest"), "Europe/Berlin"),
    "jst": "Asia/Tokyo", "sgt": "Asia/Singapore", "aest": "Australia/Sydney", "aedt": "Australia/Sydney",
    "ist": "Asia/Kolkata", "hkt": "Asia/Hong_Kong",
}


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
