"""What a very busy calendar costs to read: 5,000 meetings inside the two-week window.

Run from the repository root::

    python bench/calendar_busy.py               # 5,000 one-off meetings and 20 weekly series
    python bench/calendar_busy.py --events 2000

Past meetings are dropped before parsing (``bench/calendar_history.py``), so what a read
costs is the meetings in the window. Measured in this process, each the median of
``--rounds`` runs:

* ``parse``: ``icalendar.Calendar.from_ical`` alone, the baseline nothing can avoid;
* ``expand all``: the parse, then every event handed to ``recurring_ical_events`` over the
  window, how one-off meetings were read before they were read directly;
* ``read_feed``: what a poll does with the bytes.

Compare the ratios, not milliseconds, across machines.
"""

from __future__ import annotations

import argparse
import statistics
import time
from datetime import UTC, datetime, timedelta

import icalendar
import recurring_ical_events

from bot.domain.calendar import read_feed

NOW = datetime(2026, 11, 23, 15, 0, tzinfo=UTC)


def build_feed(events: int, series: int) -> bytes:
    """One-off meetings every few minutes over the next two weeks, and a few weekly series."""
    lines = ["BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//Bench//EN", "X-WR-CALNAME:alice@ourco.com"]
    step = timedelta(days=14) / max(1, events)
    for n in range(events):
        start = NOW + step * n
        lines += ["BEGIN:VEVENT", f"UID:busy-{n}@example.com", "DTSTAMP:20261120T120000Z",
                  f"DTSTART:{start:%Y%m%dT%H%M%SZ}", f"DTEND:{start + timedelta(minutes=15):%Y%m%dT%H%M%SZ}",
                  f"SUMMARY:Meeting {n}", "ATTENDEE;PARTSTAT=ACCEPTED:mailto:alice@ourco.com",
                  f"ATTENDEE;PARTSTAT=ACCEPTED:mailto:guest{n}@customer{n % 40}.com", "END:VEVENT"]
    for n in range(series):
        lines += ["BEGIN:VEVENT", f"UID:series-{n}@example.com", "DTSTAMP:20261120T120000Z",
                  f"DTSTART;TZID=America/New_York:20260105T{9 + n % 8:02d}0000",
                  f"DTEND;TZID=America/New_York:20260105T{9 + n % 8:02d}3000",
                  f"RRULE:FREQ=WEEKLY;BYDAY={('MO', 'TU', 'WE', 'TH', 'FR')[n % 5]}", f"SUMMARY:Series {n}",
                  f"ATTENDEE;PARTSTAT=ACCEPTED:mailto:p{n}@acme.com", "END:VEVENT"]
    lines.append("END:VCALENDAR")
    return ("\r\n".join(lines) + "\r\n").encode()


def median_seconds(work, rounds: int) -> float:
    times = []
    for _ in range(rounds):
        started = time.process_time()
        work()
        times.append(time.process_time() - started)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--events", type=int, default=5000)
    parser.add_argument("--series", type=int, default=20)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    data = build_feed(args.events, args.series)
    start = (NOW - timedelta(days=1)).replace(tzinfo=None)
    end = (NOW + timedelta(days=15)).replace(tzinfo=None)

    def expand_all() -> None:
        calendar = icalendar.Calendar.from_ical(data)
        list(recurring_ical_events.of(calendar, skip_bad_series=True).between(start, end))

    found = []

    def read() -> None:
        found.append(read_feed(data, owner_emails=["alice@ourco.com"], local_tz="America/New_York",
                               window_start=NOW - timedelta(hours=6), window_end=NOW + timedelta(days=14)))

    parse = median_seconds(lambda: icalendar.Calendar.from_ical(data), args.rounds)
    everything = median_seconds(expand_all, args.rounds)
    full = median_seconds(read, args.rounds)
    print(f"feed: {len(data) / 1024:.0f} KiB, {args.events} one-off meetings in the window, "
          f"{args.series} weekly series; {len(found[-1].occurrences)} occurrences kept")
    print(f"parse (baseline): {parse * 1000:8.1f} ms   1.00")
    print(f"expand all:       {everything * 1000:8.1f} ms   {everything / parse:.2f}x")
    print(f"read_feed:        {full * 1000:8.1f} ms   {full / parse:.2f}x")


if __name__ == "__main__":
    main()
