"""CPU of the scheduler's periodic sweep over 2,000 channels, against a full pass.

Run from the repository root::

    python bench/sweep_cost.py              # 100,000 commitments in 2,000 channels
    python bench/sweep_cost.py --total 20000
    python bench/sweep_cost.py --unknown-users  # owners Slack answers user_not_found for

The scheduler sweeps every 60 s. The baseline is a sweep that plans every channel (what
every sweep did before, and what the first sweep after start-up still does), measured in
the same run. Then the clock moves a minute at a time for an hour of sweeps while a few
channels get a new commitment each minute; the report gives those sweeps' CPU as ratios
to the full pass (median and worst). Slack is the local emulator; the clock is a FakeClock,
so nothing sleeps.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from ack_latency import CHANNELS, TEAM, USERS, channel, write_database  # noqa: E402
from slack_sdk import WebClient  # noqa: E402

from bot.clock import FakeClock  # noqa: E402
from bot.container import build_services, install_schedule  # noqa: E402
from bot.emulator import SlackEmulator  # noqa: E402
from bot.schedule.limiter import PostLimiter  # noqa: E402
from bot.store import Scope, TinyDBStore  # noqa: E402

START = datetime(2026, 11, 3, 15, 0, tzinfo=UTC)  # a Tuesday: no digest falls due within the hour


def cpu() -> float:
    return time.process_time()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--total", type=int, default=100_000, help="commitments stored (100,000)")
    parser.add_argument("--busy", type=int, default=5, help="channels written to each minute (5)")
    parser.add_argument("--unknown-users", action="store_true",
                        help="Slack doesn't know the stored commitments' owners (users.info: user_not_found)")
    args = parser.parse_args()

    emulator = SlackEmulator(token="xoxb-bench").start()
    if not args.unknown_users:
        for user in USERS:
            emulator.add_user(user, name=user.lower(), tz="America/New_York")
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "db.json"
        write_database(path, args.total)
        store = TinyDBStore(path)
        clock = FakeClock(START)
        services = build_services(store, clock, WebClient(token="xoxb-bench", base_url=emulator.api_url))
        limiter = PostLimiter(sleep=lambda s: None, monotonic=lambda: 0.0)
        schedule = install_schedule(services, limiter=limiter)

        began = cpu()
        schedule.sweep()  # the first sweep plans every channel (and writes their digest jobs)
        first = cpu() - began
        schedule.dispatcher.resume()  # forget what was planned: the next sweep is a full pass again
        began = cpu()
        schedule.sweep()
        full = cpu() - began  # the baseline: every channel planned, nothing left to write

        looked_up = len(emulator.calls_to("users.info"))
        steady: list[float] = []
        for minute in range(60):
            clock.advance(timedelta(minutes=1))
            for b in range(args.busy):
                scope = Scope(TEAM, channel((minute * args.busy + b) % CHANNELS))
                services.ledger.add(scope, side="give", what=f"bench {minute}", owner=USERS[b % len(USERS)],
                                    created_by=USERS[b % len(USERS)])
            began = cpu()
            schedule.sweep()
            steady.append(cpu() - began)
        looked_up = len(emulator.calls_to("users.info")) - looked_up
        store.close()
    emulator.stop()

    median, worst = statistics.median(steady), max(steady)
    print(f"{args.total:,} commitments in {CHANNELS:,} channels, {args.busy} channels written each minute")
    print(f"first sweep after start-up (plans and writes digest jobs): {first * 1000:8.1f} ms CPU")
    print(f"full pass, nothing to write (baseline):                    {full * 1000:8.1f} ms CPU")
    print(f"sweeps over the next hour, one a minute: median {median * 1000:.1f} ms "
          f"(x{median / full:.3f}), worst {worst * 1000:.1f} ms (x{worst / full:.3f}), "
          f"total {sum(steady):.2f} s (x{sum(steady) / (60 * full):.3f} of 60 full passes)")
    print(f"users.info calls during that hour: {looked_up}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
