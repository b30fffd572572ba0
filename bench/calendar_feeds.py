"""What reading a calendar feed costs, as a ratio to the bare iCalendar parse it can't avoid.

Run from the repository root::

    python bench/calendar_feeds.py              # 300 meetings, 40 weekly series
    python bench/calendar_feeds.py --events 2000 --series 200

A feed shaped like a busy person's Google export (one-off meetings in UTC, weekly series
in a VTIMEZONE with moved and cancelled occurrences) is built in memory. Measured, each
the median of ``--rounds`` runs in this process:

* ``parse``: ``icalendar.Calendar.from_ical`` alone, the baseline;
* ``read_feed``: what a poll does with the bytes (X-WR-TIMEZONE, expansion of the
  series over the 6-hour-back / 14-day-ahead window, states, keys).

Compare the ratio, not milliseconds, across machines.
"""

from __future__ import annotations

import argparse
import statistics
import time
from datetime import UTC, datetime, timedelta

import icalendar

from bot.domain.calendar import read_feed

NOW = datetime(2026, 11, 23, 15, 0, tzinfo=UTC)


def build_feed(events: int, series: int) -> bytes:
    lines = ["BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//Google Inc//Google Calendar 70.9054//EN",
             "X-WR-CALNAME:alice@ourco.com", "X-WR-TIMEZONE:America/New_York"]
    for n in range(events):
        start = NOW - timedelta(days=60) + timedelta(hours=5 * n)
        lines += ["BEGIN:VEVENT", f"UID:one-off-{n}@google.com", f"DTSTART:{start:%Y%m%dT%H%M%SZ}",
                  f"DTEND:{start + timedelta(minutes=30):%Y%m%dT%H%M%SZ}", f"SUMMARY:Meeting {n}",
                  "ATTENDEE;PARTSTAT=ACCEPTED:mailto:alice@ourco.com",
                  f"ATTENDEE;PARTSTAT=ACCEPTED:mailto:guest{n}@customer{n % 40}.com", "END:VEVENT"]
    for n in range(series):
        hour = 9 + n % 8
        lines += ["BEGIN:VEVENT", f"UID:series-{n}@google.com",
                  f"DTSTART;TZID=America/New_York:20260105T{hour:02d}0000",
                  f"DTEND;TZID=America/New_York:20260105T{hour:02d}3000",
                  f"RRULE:FREQ=WEEKLY;BYDAY={('MO', 'TU', 'WE', 'TH', 'FR')[n % 5]}", f"SUMMARY:Series {n}",
                  f"ATTENDEE;PARTSTAT=ACCEPTED:mailto:p{n}@acme.com", "END:VEVENT",
                  "BEGIN:VEVENT", f"UID:series-{n}@google.com", "STATUS:CANCELLED",
                  f"RECURRENCE-ID;TZID=America/New_York:20261130T{hour:02d}0000",
                  f"DTSTART;TZID=America/New_York:20261130T{hour:02d}0000",
                  f"DTEND;TZID=America/New_York:20261130T{hour:02d}3000", "END:VEVENT"]
    lines.append("END:VCALENDAR")
    return ("\r\n".join(lines) + "\r\n").encode()


def median_seconds(work, rounds: int) -> float:
    times = []
    for _ in range(rounds):
        started = time.perf_counter()
        work()
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--events", type=int, default=300)
    parser.add_argument("--series", type=int, default=40)
    parser.add_argument("--rounds", type=int, default=7)
    args = parser.parse_args()
    data = build_feed(args.events, args.series)
    parse = median_seconds(lambda: icalendar.Calendar.from_ical(data), args.rounds)
    found = []

    def read() -> None:
        found.append(read_feed(data, owner_emails=["alice@ourco.com"], local_tz="America/New_York",
                               window_start=NOW - timedelta(hours=6), window_end=NOW + timedelta(days=14)))

    full = median_seconds(read, args.rounds)
    print(f"feed: {len(data) / 1024:.0f} KiB, {args.events} one-off meetings, {args.series} weekly series; "
          f"{len(found[-1].occurrences)} occurrences in the window")
    print(f"parse (baseline): {parse * 1000:.1f} ms")
    print(f"read_feed:        {full * 1000:.1f} ms  = {full / parse:.2f}x the bare parse")


if __name__ == "__main__":
    main()
