"""Reading an iCalendar feed into meeting occurrences. Pure: bytes in, plain data out.

The parsing itself is icalendar's, the expansion of recurrences (RRULE, RDATE, EXDATE and
moved occurrences with RECURRENCE-ID) recurring-ical-events', and Google's ``X-WR-TIMEZONE``
quirk (UTC times meant in the calendar's zone) x-wr-timezone's. This module only decides
which occurrences are meetings worth a debrief and what identifies each one.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any

import icalendar
import recurring_ical_events
import x_wr_timezone

from bot.domain.refusal import Refused
from bot.domain.timezones import zone
from bot.domain.visible_text import without_hidden_controls

ACTIVE = "active"
CANCELLED = "cancelled"  # STATUS:CANCELLED: the organiser called it off
DECLINED = "declined"  # the calendar's owner said no (their ATTENDEE has PARTSTAT=DECLINED)

# A feed keeps at most this many occurrences, the ones ending soonest (the later ones come in as
# the window moves on): a calendar of 5,000 meetings in two weeks stores what the next days need.
MAX_OCCURRENCES = 2000
# Expanding series stops after this many occurrences in the window: a FREQ=SECONDLY rule must not
# keep a worker busy for minutes (the step limits below bound the walk up to the window).
MAX_EXPANDED = 20_000
# Expanding a series walks every period of its rule from its first occurrence to the end of
# the window, whether or not it falls inside: FREQ=MINUTELY since 2020 is 3.6 million steps, a
# minute of CPU and gigabytes of memory, and the cap above only counts what lands in the
# window. A series that would take more steps than this (a daily meeting since 1970 is about
# 21,000) is left out, and so is every series past this many steps in one feed.
MAX_SERIES_STEPS = 50_000
MAX_FEED_STEPS = 100_000
_FREQ_SECONDS = {"SECONDLY": 1, "MINUTELY": 60, "HOURLY": 3600, "DAILY": 86400, "WEEKLY": 7 * 86400,
                 "MONTHLY": 2_629_746, "YEARLY": 31_556_952}
MAX_TITLE = 200
# Addresses kept per occurrence; past this only addresses of a domain not yet listed are added,
# so a town hall listing 300 colleagues before the customer still shows the customer's domain.
MAX_ATTENDEES = 100
MAX_DOMAINS_LISTED = 100


class FeedFormatError(Refused):
    """The bytes are not a calendar we can read; ``code`` names why, the refusal says it kindly."""

    def __init__(self, key: str, *, code: str) -> None:
        super().__init__(key)
        self.code = code


@dataclass(frozen=True)
class Occurrence:
    """One occurrence of a timed meeting in a feed."""

    key: str  # stable identity: UID, plus RECURRENCE-ID for an occurrence of a series
    uid: str
    title: str
    starts_at: datetime  # UTC
    ends_at: datetime  # UTC
    attendees: tuple[str, ...]  # lower-case e-mail addresses, organiser included
    state: str  # ACTIVE | CANCELLED | DECLINED
    # The organiser's revision (SEQUENCE): two people's feeds, read minutes or hours apart, can
    # hold two versions of one meeting; the higher is the newer.
    sequence: int = 0

    def to_doc(self) -> dict[str, Any]:
        """JSON-safe, for the store."""
        doc = {"key": self.key, "uid": self.uid, "title": self.title,
               "starts_at": self.starts_at.isoformat(), "ends_at": self.ends_at.isoformat(),
               "attendees": list(self.attendees), "state": self.state}
        if self.sequence:
            doc["sequence"] = self.sequence
        return doc

    @classmethod
    def from_doc(cls, doc: dict[str, Any]) -> Occurrence:
        """Inverse of :meth:`to_doc`."""
        return cls(key=doc["key"], uid=doc["uid"], title=doc["title"],
                   starts_at=datetime.fromisoformat(doc["starts_at"]),
                   ends_at=datetime.fromisoformat(doc["ends_at"]),
                   attendees=tuple(doc.get("attendees") or ()), state=doc["state"],
                   sequence=int(doc.get("sequence") or 0))


@dataclass(frozen=True)
class Feed:
    """What a feed says: its occurrences in the window, and whose calendar it claims to be."""

    occurrences: list[Occurrence]
    calendar_email: str | None  # Google names a primary calendar after its owner's address


def occurrence_key(uid: str, recurrence_id: datetime | None) -> str:
    """UID alone for a one-off meeting (moving it keeps its identity), UID plus the original
    start (RECURRENCE-ID) for an occurrence of a series (moving it keeps that, too)."""
    if recurrence_id is None:
        return uid
    return f"{uid}|{recurrence_id.astimezone(UTC).strftime('%Y%m%dT%H%M%SZ')}"


def key_digest(key: str) -> str:
    """A short, store- and Slack-safe id for an occurrence key (a UID can be anything)."""
    return hashlib.sha256(key.encode("utf-8", "replace")).hexdigest()[:24]


def _email(value: Any) -> str | None:
    text = str(value or "").strip()
    if text.lower().startswith("mailto:"):
        text = text[7:]
    text = text.strip().lower()
    return text if "@" in text and " " not in text and len(text) <= 254 else None


def _aware(value: datetime | date, local_tz: str) -> datetime | None:
    """UTC; floating times are read in the owner's zone; dates (all-day) give None."""
    if not isinstance(value, datetime):
        return None
    if value.tzinfo is None:
        value = value.replace(tzinfo=zone(local_tz))
    return value.astimezone(UTC)


def _written_later(start: Any, end: Any) -> bool:
    """``end`` is later than ``start`` on the wall clock they are both written in."""
    return (isinstance(start, datetime) and isinstance(end, datetime) and start.tzinfo == end.tzinfo
            and end.replace(tzinfo=None) > start.replace(tzinfo=None))


def _partstat(attendee: Any) -> str:
    """An ATTENDEE's answer (ACCEPTED, DECLINED, TENTATIVE, NEEDS-ACTION …), upper-case."""
    return str(getattr(attendee, "params", {}).get("PARTSTAT", "")).upper()


def _owner_declined(component: Any, owners: set[str]) -> bool:
    attendees = component.get("ATTENDEE") or []
    if not isinstance(attendees, list):
        attendees = [attendees]
    return any(_email(attendee) in owners and _partstat(attendee) == "DECLINED" for attendee in attendees)


def _attendees(component: Any) -> tuple[str, ...]:
    found: list[str] = []
    domains: set[str] = set()
    values = component.get("ATTENDEE") or []
    if not isinstance(values, list):
        values = [values]
    organizer = component.get("ORGANIZER")
    for value in [*values, *([organizer] if organizer is not None else [])]:
        if value is not organizer and _partstat(value) == "DECLINED":
            # Not coming: a partner who declined makes no meeting with the partner (everyone
            # from Acme declined: only our people meet), a colleague who declined isn't in it.
            continue
        address = _email(value)
        if not address or address in found:
            continue
        domain = address.rpartition("@")[2]
        if len(found) < MAX_ATTENDEES or (domain not in domains and len(domains) < MAX_DOMAINS_LISTED):
            found.append(address)
            domains.add(domain)
    return tuple(found)


# One VEVENT block of the raw text (they never nest; a VALARM inside one ends before it does).
_VEVENT_BLOCK = re.compile(r"BEGIN:VEVENT\r?\n.*?END:VEVENT[^\S\n]*(?:\n|$)", re.S | re.I)
_JUDGED_BY_PARSER = re.compile(r"^(?:RRULE|RDATE|RECURRENCE-ID|DURATION)[;:]", re.M | re.I)
_DATE_OF = {name: re.compile(rf"^{name}[^:\r\n]*:(\d{{4}})(\d{{2}})(\d{{2}})", re.M | re.I)
            for name in ("DTSTART", "DTEND")}
# Local and floating times are at most 14 hours off UTC; a day either side covers them twice.
_MARGIN = timedelta(days=2)


def _near_window(text: str, first: date, last: date) -> str:
    """``text`` without the one-off events that start after ``last`` or end before ``first``.

    Parsing costs about six seconds a megabyte: a 5 MB feed of years of past meetings took a
    worker half a minute to parse and as long again to walk, every poll. One-off events are
    judged by their raw DTSTART/DTEND dates before parsing; series, moved occurrences, events
    given by a DURATION and anything not plainly dated are left for the parser to judge.
    """
    def keep(match: re.Match[str]) -> str:
        block = match.group(0)
        if _JUDGED_BY_PARSER.search(block):
            return block
        dates = {}
        for name, pattern in _DATE_OF.items():
            found = pattern.search(block)
            try:
                dates[name] = date(*map(int, found.groups())) if found else None
            except ValueError:  # 20261340: let the parser refuse it
                return block
        start, end = dates["DTSTART"], dates["DTEND"] or dates["DTSTART"]
        if start is None or end is None:
            return block
        return "" if start > last or end < first else block

    return _VEVENT_BLOCK.sub(keep, text)


# What a content line starts with (RFC 5545 3.1): a name, then parameters or the value.
_CONTENT_LINE = re.compile(r"^[A-Za-z0-9-]+[;:]")


def _without_unreadable_lines(text: str) -> str:
    """``text`` without the lines that are no content line at all (``;;;``, a stray sentence),
    nor the folded continuations of such a line. One exporter's bad line must not cost a person
    every meeting in their calendar."""
    kept: list[str] = []
    keeping = True
    for line in text.replace("\r\n", "\n").split("\n"):  # not splitlines: U+2028 is text
        if line[:1] in (" ", "\t"):
            if keeping:
                kept.append(line)
            continue
        keeping = bool(_CONTENT_LINE.match(line)) and ":" in line
        if keeping:
            kept.append(line)
    return "\r\n".join(kept) + "\r\n"


def _load(data: bytes, first: date | None = None, last: date | None = None) -> icalendar.Calendar:
    head = data[:512].lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    if head.startswith((b"<!doctype html", b"<html", b"<?xml", b"<head", b"<body")) or b"<html" in head:
        raise FeedFormatError("feed_web_page", code="html")
    if b"BEGIN:VCALENDAR" not in data[:4096].upper():
        raise FeedFormatError("feed_not_ics", code="not_ics")
    try:
        # NUL is no text anyone wrote, and PostgreSQL can't store it in a JSON value.
        # utf-8-sig: a byte order mark (Windows exporters write one) is no part of "BEGIN".
        text = data.decode("utf-8-sig", "replace").replace("\x00", "")
        if first is not None and last is not None:
            text = _near_window(text, first, last)
        try:
            calendar = icalendar.Calendar.from_ical(text)
        except ValueError:
            calendar = icalendar.Calendar.from_ical(_without_unreadable_lines(text))
    except Exception as exc:  # noqa: BLE001 - icalendar raises many types on bad input
        raise FeedFormatError("feed_malformed", code="malformed") from exc
    if not isinstance(calendar, icalendar.Calendar):
        raise FeedFormatError("feed_malformed", code="malformed")
    try:
        return x_wr_timezone.to_standard(calendar)
    except Exception as exc:  # noqa: BLE001
        raise FeedFormatError("feed_time_zone", code="malformed") from exc


def _drop_endless_series(calendar: icalendar.Calendar, until: datetime) -> None:
    """Take out of ``calendar`` the series too costly to expand up to ``until`` (see
    :data:`MAX_SERIES_STEPS`), and every series once the feed's steps run out."""
    spent = 0
    for component in list(calendar.subcomponents):
        if component.name != "VEVENT" or component.get("RRULE") is None:
            continue
        steps = _series_steps(component, until)
        if steps > MAX_SERIES_STEPS or spent + steps > MAX_FEED_STEPS:
            calendar.subcomponents.remove(component)
        else:
            spent += steps


def _series_steps(component: Any, until: datetime) -> float:
    """About how many periods expanding the event's rules up to ``until`` walks through (each
    period times the hours, minutes and seconds it lists); unreadable rules count as endless."""
    try:
        start = component.decoded("DTSTART")
        first = start if isinstance(start, datetime) else datetime(start.year, start.month, start.day)
        first = first if first.tzinfo else first.replace(tzinfo=UTC)
        rules = component.get("RRULE")
        steps = 0.0
        for rule in rules if isinstance(rules, list) else [rules]:
            end = until
            for stop in rule.get("UNTIL") or []:  # a series that ended long ago costs little
                stop = stop if isinstance(stop, datetime) else datetime(stop.year, stop.month, stop.day)
                end = min(end, stop if stop.tzinfo else stop.replace(tzinfo=UTC))
            interval = max(1, int((rule.get("INTERVAL") or [1])[0]))
            period = _FREQ_SECONDS[str(rule["FREQ"][0]).upper()] * interval
            times = 1
            for part in ("BYHOUR", "BYMINUTE", "BYSECOND"):
                times *= max(1, len(rule.get(part) or []))
            steps += max(0.0, (end - first).total_seconds()) / period * times + 1
        return steps
    except Exception:  # noqa: BLE001 - no DTSTART, no FREQ, a mangled INTERVAL …
        return float("inf")


def _series_uids(calendar: icalendar.Calendar) -> set[str]:
    """UIDs that form a series: only their occurrences carry a RECURRENCE-ID in the key."""
    uids = set()
    for component in calendar.walk("VEVENT"):
        if any(component.get(name) is not None for name in ("RRULE", "RDATE", "RECURRENCE-ID")):
            uids.add(str(component.get("UID", "")))
    return uids


def read_feed(
    data: bytes,
    *,
    owner_emails: Iterable[str],
    local_tz: str,
    window_start: datetime,
    window_end: datetime,
) -> Feed:
    """Timed meetings overlapping the window (all-day events are left out), each with its state.

    ``owner_emails`` are the calendar owner's addresses: their ``PARTSTAT=DECLINED`` makes an
    occurrence DECLINED. ``local_tz`` reads floating times (no TZID, no Z).
    """
    calendar = _load(data, (window_start - _MARGIN).date(), (window_end + _MARGIN).date())
    _drop_endless_series(calendar, window_end + timedelta(days=1))
    owners = {e.strip().lower() for e in owner_emails if e and e.strip()}
    cal_name = _email(calendar.get("X-WR-CALNAME"))
    if cal_name:
        owners.add(cal_name)
    series = _series_uids(calendar)
    found: list[Occurrence | None] = []
    for component in _latest_one_offs(calendar, series):
        try:
            found.append(_occurrence(component, series, owners, local_tz, {}))
        except Exception:  # noqa: BLE001 - a mangled date or zone loses that event, not the feed
            continue
    found.extend(_expanded_series(calendar, series, owners, local_tz, window_start, window_end))
    occurrences: dict[str, Occurrence] = {}
    for occurrence in found:
        if occurrence is None or occurrence.ends_at <= window_start or occurrence.starts_at >= window_end:
            continue
        occurrences[occurrence.key] = occurrence
    ordered = sorted(occurrences.values(), key=lambda o: (o.ends_at, o.key))
    return Feed(occurrences=ordered[:MAX_OCCURRENCES], calendar_email=cal_name)


def _latest_one_offs(calendar: icalendar.Calendar, series: set[str]) -> list[Any]:
    """The events that are no series, one per UID: the latest version (highest SEQUENCE, then
    DTSTAMP) when a feed carries several. Read directly: handing thousands of one-off meetings
    to the recurrence expander cost four times their parse."""
    latest: dict[str, tuple[tuple[int, str], Any]] = {}
    for component in calendar.walk("VEVENT"):
        uid = str(component.get("UID") or "").strip()
        if not uid or uid in series:
            continue
        stamp = component.get("DTSTAMP")
        rank = (_sequence(component), stamp.to_ical().decode() if stamp is not None else "")
        if uid not in latest or rank >= latest[uid][0]:
            latest[uid] = (rank, component)
    return [component for _, component in latest.values()]


def _sequence(component: Any) -> int:
    try:
        return int(str(component.get("SEQUENCE") or 0))
    except ValueError:
        return 0


def _expanded_series(calendar: icalendar.Calendar, series: set[str], owners: set[str], local_tz: str,
                     window_start: datetime, window_end: datetime) -> list[Occurrence | None]:
    """The occurrences of the feed's recurring series around the window."""
    if not series:
        return []
    calendar.subcomponents = [c for c in calendar.subcomponents
                              if c.name != "VEVENT" or str(c.get("UID") or "").strip() in series]
    shifts = _future_shifts(calendar, local_tz)
    # Floating times are read in the owner's zone, so look a day wider and filter after.
    query = recurring_ical_events.of(calendar, skip_bad_series=True)
    naive_start = (window_start - timedelta(days=1)).astimezone(UTC).replace(tzinfo=None)
    naive_end = (window_end + timedelta(days=1)).astimezone(UTC).replace(tzinfo=None)
    found: list[Occurrence | None] = []
    try:
        for count, component in enumerate(query.between(naive_start, naive_end)):
            if count >= MAX_EXPANDED:
                break
            found.append(_occurrence(component, series, owners, local_tz, shifts))
    except FeedFormatError:
        raise
    except Exception as exc:  # noqa: BLE001 - a broken RRULE, an unknown TZID, …
        raise FeedFormatError("feed_bad_event", code="malformed") from exc
    return found


def _future_shifts(calendar: icalendar.Calendar, local_tz: str) -> dict[tuple[str, datetime], timedelta]:
    """For each ``RECURRENCE-ID;RANGE=THISANDFUTURE`` override: how far it moved its occurrence.

    The expander gives every later occurrence that override's RECURRENCE-ID, so the key of each
    is rebuilt from its own original start (its start less the shift): a series moved "from this
    one on" keeps each occurrence's planned prompt, moved, instead of folding them into one.
    """
    shifts: dict[tuple[str, datetime], timedelta] = {}
    for component in calendar.walk("VEVENT"):
        rid = component.get("RECURRENCE-ID")
        if rid is None or str(rid.params.get("RANGE", "")).upper() != "THISANDFUTURE":
            continue
        original, start = _aware(rid.dt, local_tz), component.get("DTSTART")
        moved = _aware(start.dt, local_tz) if start is not None else None
        if original is not None and moved is not None:
            shifts[(str(component.get("UID") or "").strip(), original)] = moved - original
    return shifts


def _occurrence(component: Any, series: set[str], owners: set[str], local_tz: str,
                shifts: dict[tuple[str, datetime], timedelta]) -> Occurrence | None:
    start_prop, end_prop = component.get("DTSTART"), component.get("DTEND")
    if start_prop is None:
        return None
    starts_at = _aware(start_prop.dt, local_tz)
    if starts_at is None:
        return None  # all-day: not a meeting that ends at a moment
    ends_at = _aware(end_prop.dt, local_tz) if end_prop is not None else None
    if ends_at is None:
        duration = component.get("DURATION")
        ends_at = starts_at + (duration.dt if duration is not None else timedelta(0))
    written_end = end_prop.dt if end_prop is not None else None
    if ends_at <= starts_at and not _written_later(start_prop.dt, written_end):
        # Ends when it starts (a deadline marker, an event written without an end: RFC 5545
        # 3.6.1) or before: nothing happened that a debrief could be about. One that a clock
        # change squeezed to nothing (02:30-03:30 on the night 02:00 becomes 03:00) did happen.
        return None
    ends_at = max(ends_at, starts_at)
    uid = str(component.get("UID") or "").strip()
    if not uid:
        return None  # nothing stable to key a job on
    recurrence = None
    if uid in series and component.get("RECURRENCE-ID") is not None:
        recurrence = _aware(component.get("RECURRENCE-ID").dt, local_tz)
        shift = shifts.get((uid, recurrence)) if recurrence is not None else None
        if shift is not None:
            recurrence = starts_at - shift  # a later occurrence of a this-and-future override
    state = ACTIVE
    if str(component.get("STATUS") or "").upper() == CANCELLED.upper():
        state = CANCELLED
    elif _owner_declined(component, owners):
        state = DECLINED
    title = " ".join(without_hidden_controls(str(component.get("SUMMARY") or "")).split())[:MAX_TITLE]
    return Occurrence(key=occurrence_key(uid, recurrence), uid=uid, title=title or "(no title)",
                      starts_at=starts_at, ends_at=ends_at, attendees=_attendees(component), state=state,
                      sequence=_sequence(component))
