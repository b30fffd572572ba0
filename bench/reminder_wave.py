"""A reminder wave: one person with hundreds of items due the same day, one DM or hundreds.

Run from the repository root::

    python bench/reminder_wave.py               # 300 items in 3 channels, one owner
    python bench/reminder_wave.py --items 1000 --channels 10

The baseline, measured in the same run on a fresh database, is one DM per reminder (the
dispatcher with its reminder batches switched off, as before). The report gives, for both:
the DMs posted, how long the workspace's post pace is taken by the wave (the limiter's
waits, summed on a virtual clock, so nothing sleeps: any other scheduled post of the
workspace due at that moment waits up to that long) and the CPU of the run, as ratios to
the baseline. Slack is the local emulator; the clock is a FakeClock.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from datetime import UTC, date, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from slack_sdk import WebClient  # noqa: E402

from bot.clock import FakeClock  # noqa: E402
from bot.container import build_services, install_schedule  # noqa: E402
from bot.emulator import SlackEmulator  # noqa: E402
from bot.schedule.limiter import PostLimiter  # noqa: E402
from bot.services.reminders import REMINDER  # noqa: E402
from bot.store import Scope, TinyDBStore  # noqa: E402

TEAM, OWNER = "T0001", "U0OWNER"
START = datetime(2026, 11, 23, 15, 0, tzinfo=UTC)  # Monday 10:00 New York
WAVE = datetime(2026, 11, 24, 14, 0, tzinfo=UTC)  # Tuesday 09:00 New York: all due-tomorrow reminders
DUE = date(2026, 11, 25)


def run(items: int, channels: int, batched: bool) -> tuple[int, float, float]:
    """(DMs posted, seconds of post pace taken, CPU seconds of the run)."""
    emulator = SlackEmulator(token="xoxb-bench").start()
    emulator.add_user(OWNER, name="owner", tz="America/New_York")
    names = [f"C{n:06d}" for n in range(channels)]
    for name in names:
        emulator.add_channel(name, name.lower(), members=[OWNER])
    with tempfile.TemporaryDirectory() as tmp:
        store = TinyDBStore(Path(tmp) / "db.json")
        clock = FakeClock(START)
        services = build_services(store, clock, WebClient(token="xoxb-bench", base_url=emulator.api_url))
        virtual = [0.0]
        limiter = PostLimiter(sleep=lambda s: virtual.__setitem__(0, virtual[0] + s),
                              monotonic=lambda: virtual[0])
        schedule = install_schedule(services, limiter=limiter)
        if not batched:
            schedule.dispatcher.combiners.pop(REMINDER)
        for n in range(items):
            services.ledger.add(Scope(TEAM, names[n % channels]), side="give", what=f"deliverable {n}",
                                owner=OWNER, created_by=OWNER, due_on=DUE)
        schedule.sweep()
        clock.set(WAVE)
        began = time.process_time()
        schedule.sweep()
        spent = time.process_time() - began
        store.close()
    posts = sum(1 for call in emulator.calls_to("chat.postMessage") if call.response.get("ok"))
    emulator.stop()
    return posts, virtual[0], spent


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--items", type=int, default=300, help="items due the same day (300)")
    parser.add_argument("--channels", type=int, default=3, help="channels they are in (3)")
    args = parser.parse_args()
    base_posts, base_pace, base_cpu = run(args.items, args.channels, batched=False)
    posts, pace, spent = run(args.items, args.channels, batched=True)
    print(f"{args.items} items of one owner due the same day, in {args.channels} channels")
    print(f"one DM per reminder (baseline): {base_posts:5d} DMs, post pace taken {base_pace:7.1f} s, "
          f"CPU {base_cpu * 1000:8.1f} ms")
    print(f"one DM per person and moment:   {posts:5d} DMs, post pace taken {pace:7.1f} s, "
          f"CPU {spent * 1000:8.1f} ms (x{spent / base_cpu:.3f} of the baseline's CPU)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
