"""Building blocks for the calendar scenarios: feeds written the way calendars write them,
and a small driver that moves the FakeClock and sweeps, the way `serve` does every minute."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, datetime, timedelta

from tests.calendar.feed_server import Route
from tests.conftest import ALICE, DEAL
from tests.e2e.helpers import all_text, reply_text

ACME = ("alice@ourco.com", "jane@acme.com")


def stamp(value: datetime) -> str:
    """``20261124T150000Z`` for an aware time, ``20261124T150000`` for a naive (local) one."""
    if value.tzinfo is None:
        return f"{value:%Y%m%dT%H%M%S}"
    return f"{value.astimezone(UTC):%Y%m%dT%H%M%SZ}"


def when(name: str, value: datetime, tzid: str | None = None) -> str:
    """A DTSTART/DTEND/RECURRENCE-ID/EXDATE/RDATE line: UTC, local with TZID, or floating."""
    if tzid:
        return f"{name};TZID={tzid}:{value:%Y%m%dT%H%M%S}"
    return f"{name}:{stamp(value)}"


def vevent(uid: str, start: datetime, *, minutes: int = 30, title: str = "Acme Corp pilot review",
           attendees: Iterable[str] = ACME, tzid: str | None = None, status: str = "CONFIRMED",
           declined: Iterable[str] = (), lines: Iterable[str] = ()) -> str:
    """One VEVENT; ``lines`` adds RRULE, EXDATE, RECURRENCE-ID … as written."""
    gone = set(declined)
    people = [
        f"ATTENDEE;CN={a};PARTSTAT={'DECLINED' if a in gone else 'ACCEPTED'}:mailto:{a}"
        for a in attendees
    ]
    body = [
        "BEGIN:VEVENT", f"UID:{uid}", "DTSTAMP:20261120T120000Z",
        when("DTSTART", start, tzid), when("DTEND", start + timedelta(minutes=minutes), tzid),
        f"SUMMARY:{title}", f"STATUS:{status}", *people, *lines, "END:VEVENT",
    ]
    return "\r\n".join(body) + "\r\n"


def all_day(uid: str, day: str, title: str = "Acme Corp onsite") -> str:
    """An all-day event (VALUE=DATE)."""
    return ("BEGIN:VEVENT\r\nUID:" + uid + "\r\nDTSTAMP:20261120T120000Z\r\n"
            f"DTSTART;VALUE=DATE:{day}\r\nSUMMARY:{title}\r\n"
            "ATTENDEE;PARTSTAT=ACCEPTED:mailto:jane@acme.com\r\nEND:VEVENT\r\n")


def vcalendar(*events: str, owner: str = "alice@ourco.com", zone: str | None = None) -> bytes:
    """A feed; ``zone`` adds Google's X-WR-TIMEZONE."""
    head = ["BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//Scenario//EN", f"X-WR-CALNAME:{owner}"]
    if zone:
        head.append(f"X-WR-TIMEZONE:{zone}")
    return ("\r\n".join(head) + "\r\n" + "".join(events) + "END:VCALENDAR\r\n").encode()


def debriefs(emulator, channel: str = DEAL, about: str = "") -> list[dict]:
    """The debrief prompts posted in ``channel`` (mentioning ``about``); a reminder in a prompt's
    thread is no prompt."""
    return [m for m in emulator.messages(channel)
            if "Debrief" in all_text(m) and about in all_text(m) and not m.get("thread_ts")]


class Desk:
    """One scenario: the real app, a feed server, the clock, and the sweeps between."""

    def __init__(self, slack, emulator, clock, feeds, schedule) -> None:
        self.slack, self.emulator, self.clock, self.feeds, self.schedule = (
            slack, emulator, clock, feeds, schedule)
        self.routes: dict[str, Route] = {}

    def deal(self, name: str = "Acme Corp", domains: str | None = "acme.com", channel: str = DEAL,
             user: str = ALICE, stage: str = "qualified") -> None:
        """A deal in ``channel`` (with its company domains)."""
        self.slack.command(f"deal {name} {stage}", user=user, channel=channel)
        if domains:
            answer = reply_text(self.slack.command(f"deal {name} domain {domains}", user=user,
                                                   channel=channel))
            assert domains.split()[0] in answer, answer

    def connect(self, body: bytes, user: str = ALICE) -> Route:
        """Serve ``body`` as ``user``'s feed and connect it; the Route can be changed later."""
        route = Route(body)
        url = self.feeds.serve(f"/{user}.ics", route)
        answer = reply_text(self.slack.command(f"calendar connect {url}", user=user, channel=DEAL))
        assert "Connected" in answer, answer
        self.routes[user] = route
        self.schedule.sweep()
        return route

    def at(self, moment: datetime) -> None:
        """The clock at ``moment``, then one sweep (poll, plan, post)."""
        self.clock.set(moment)
        self.schedule.sweep()

    def count(self, moment: datetime, channel: str = DEAL, about: str = "") -> int:
        """Sweep at ``moment``: how many prompts the channel has by then."""
        self.at(moment)
        return len(debriefs(self.emulator, channel, about))

    def prompted_once_after(self, end: datetime, channel: str = DEAL, about: str = "") -> None:
        """Nothing for the meeting before end + 5 min, exactly one just after, and still one later."""
        before = len(debriefs(self.emulator, channel, about))
        assert self.count(end + timedelta(minutes=3), channel, about) == before, f"early for {end}"
        assert self.count(end + timedelta(minutes=6), channel, about) == before + 1, f"none for {end}"
        assert self.count(end + timedelta(minutes=40), channel, about) == before + 1, f"twice for {end}"

    def never_prompted(self, end: datetime, channel: str = DEAL, about: str = "") -> None:
        """Nothing new for a meeting ending at ``end``, even well after."""
        before = len(debriefs(self.emulator, channel, about))
        assert self.count(end + timedelta(minutes=6), channel, about) == before, f"prompted for {end}"
        assert self.count(end + timedelta(hours=2), channel, about) == before, f"prompted later for {end}"
