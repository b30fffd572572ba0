"""Small Google-shaped feeds built in a test, for meetings that move or get cancelled."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, timedelta


def event(uid: str, start: datetime, *, minutes: int = 30, title: str = "Pilot review",
          attendees: Iterable[str] = ("alice@ourco.com", "jane@acme.com"), status: str = "CONFIRMED",
          partstat: str = "ACCEPTED") -> str:
    """One VEVENT in UTC, the way Google exports a one-off meeting."""
    end = start + timedelta(minutes=minutes)
    people = "".join(
        "ATTENDEE;CUTYPE=INDIVIDUAL;ROLE=REQ-PARTICIPANT;"
        f"PARTSTAT={partstat if a.startswith('alice@') else 'ACCEPTED'};CN={a}:mailto:{a}\r\n"
        for a in attendees
    )
    return (
        "BEGIN:VEVENT\r\n"
        f"DTSTART:{start:%Y%m%dT%H%M%SZ}\r\nDTEND:{end:%Y%m%dT%H%M%SZ}\r\n"
        "DTSTAMP:20261120T120000Z\r\n"
        f"UID:{uid}\r\n{people}STATUS:{status}\r\nSUMMARY:{title}\r\n"
        "END:VEVENT\r\n"
    )


def calendar(*events: str, owner: str = "alice@ourco.com") -> bytes:
    """A feed around the events."""
    return (
        "BEGIN:VCALENDAR\r\nPRODID:-//Google Inc//Google Calendar 70.9054//EN\r\nVERSION:2.0\r\n"
        f"METHOD:PUBLISH\r\nX-WR-CALNAME:{owner}\r\nX-WR-TIMEZONE:America/New_York\r\n"
        + "".join(events) + "END:VCALENDAR\r\n"
    ).encode()
