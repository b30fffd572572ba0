"""Move this process's wall clock ahead by ``PARTNER_COACH_TIME_SHIFT_DAYS`` days (time-machine).

Proves that no test depends on today's date: CI runs the schedule and e2e suites a second
time with the clock 400 days ahead. Python imports ``sitecustomize`` at start-up from
``PYTHONPATH``, so putting this folder there shifts every process of the run, the
``serve`` and gunicorn subprocesses that tests start included (tests/conftest.py adds it).
The shift ticks (time flows normally from the moved start) and leaves the monotonic clock
alone, so timeouts still measure real seconds.
"""

from __future__ import annotations

import os

SHIFT_VARIABLE = "PARTNER_COACH_TIME_SHIFT_DAYS"
_SHIFTED_PID = "PARTNER_COACH_TIME_SHIFTED_PID"  # this process is already shifted


def shift_clock() -> float:
    """Start travelling ``$PARTNER_COACH_TIME_SHIFT_DAYS`` days ahead, once per process; the days.

    A fraction of a day lands the run at a chosen moment: just before New Year or a change
    to or from daylight saving time, to run across it."""
    days = float(os.environ.get(SHIFT_VARIABLE) or 0)
    if not days or os.environ.get(_SHIFTED_PID) == str(os.getpid()):
        return days
    from datetime import UTC, datetime, timedelta

    import time_machine

    time_machine.travel(datetime.now(UTC) + timedelta(days=days), tick=True).start()
    os.environ[_SHIFTED_PID] = str(os.getpid())
    return days


shift_clock()
