"""What a feed's past costs a poll: years of old meetings against the window's few.

Run from the repository root::

    python bench/calendar_history.py                 # 20,000 past meetings (about 2 MB)
    python bench/calendar_history.py --past 50000    # about 5 MB, the size limit

Two feeds are built in memory: ``window`` holds only the 20 meetings around now;
``history`` holds the same 20 plus ``--past`` one-off meetings of the last years, as a
Google export of a long-used calendar does. Measured in this process, the best of
``--rounds`` runs each:

* ``read_feed`` of each feed (what every poll does with the bytes);
* ``parse``: ``icalendar.Calendar.from_ical`` of the history feed alone, what reading it
  cost before past one-off meetings were dropped from the text unparsed.

The ratios, not the seconds, are what to compare across machines: ``history / window``
near 1 means a poll's cost no longer grows with the calendar's past.
"""

from __future__ import annotations

import argparse
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta

import icalendar

from bot.domain.calendar import read_feed

NOW = datetime(2026, 11, 23, 15, 0, tzinfo=UTC)


def _event(uid: str, start: datetime) -> str:
    end = start + timedelta(minutes=30)
    return (f"BEGIN:VEVENT\r\nUID:{uid}\r\nDTSTART:{start:%Y%m%dT%H%M%SZ}\r\n"
            f"DTEND:{end:%Y%m%dT%H%M%SZ}\r\nSUMMARY:Meeting {uid}\r\n"
            "ATTENDEE;PARTSTAT=ACCEPTED:mailto:jane@acme.com\r\nEND:VEVENT\r\n")


def feed(past: int) -> bytes:
    """20 meetings around now, after ``past`` meetings spread over the three years before."""
    events = [_event(f"old{i}", NOW - timedelta(days=7 + (i * 1093) % (3 * 365), hours=i % 9))
              for i in range(past)]
    events += [_event(f"now{i}", NOW + timedelta(hours=6 * i)) for i in range(20)]
    return ("BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:bench\r\n" + "".join(events)
            + "END:VCALENDAR\r\n").encode()


def best(fn: Callable[[], object], rounds: int) -> float:
    times = []
    for _ in range(rounds):
        started = time.perf_counter()
        fn()
        times.append(time.perf_counter() - started)
    return min(times)


def poll(data: bytes) -> object:
    return read_feed(data, owner_emails=[], local_tz="UTC", window_start=NOW - timedelta(hours=6),
                     window_end=NOW + timedelta(days=14))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--past", type=int, default=20_000)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    window, history = feed(0), feed(args.past)
    assert len(poll(history).occurrences) == len(poll(window).occurrences) == 20  # type: ignore[attr-defined]
    small = best(lambda: poll(window), args.rounds)
    big = best(lambda: poll(history), args.rounds)
    parse = best(lambda: icalendar.Calendar.from_ical(history.decode()), 1)
    print(f"history feed: {len(history) / 1e6:.1f} MB, {args.past} past meetings")
    print(f"read_feed(window)  {small * 1000:9.1f} ms   1.00")
    print(f"read_feed(history) {big * 1000:9.1f} ms   {big / small:6.2f} x window")
    print(f"parse(history)     {parse * 1000:9.1f} ms   {parse / small:6.2f} x window (the cost before)")


if __name__ == "__main__":
    main()
