"""A big workspace: 5,000 deal channels, 50,000 commitments. What does each slow part cost?

Run from the repository root::

    python bench/workspace_scale.py             # 5,000 channels, 50,000 items, about a minute

Measured in this process, against the local Slack emulator, with a FakeClock (nothing sleeps),
each against a baseline measured in the same run:

- start-up after a restart: opening the TinyDB store (reading the journal) and building the
  app's services, against only ``json.loads`` of every line of the same file;
- the scheduler's first sweep after start-up (it plans every channel and writes each one's
  digest job) and the next ones (one a minute, a few channels written), against the time the
  scheduler has for them (a minute);
- the App Home of a manager who is a member of all 5,000 channels and owns items in each,
  against reading those channels' items alone.

The CPU times are of this process (the machine is shared: compare ratios, not milliseconds).
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

import ack_latency  # noqa: E402
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
    parser.add_argument("--channels", type=int, default=5_000)
    parser.add_argument("--total", type=int, default=50_000, help="commitments stored (50,000)")
    args = parser.parse_args()
    ack_latency.CHANNELS = args.channels  # write_database and channel() read it
    users, channel = ack_latency.USERS, ack_latency.channel

    emulator = SlackEmulator(token="xoxb-bench").start()
    for user in users:
        emulator.add_user(user, name=user.lower(), tz="America/New_York")
    for n in range(args.channels):
        emulator.add_channel(channel(n), f"deal-{n}", members=users)
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "db.json"
        ack_latency.write_database(path, args.total)

        began = cpu()
        lines = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]
        parse_only = cpu() - began
        del lines
        began = cpu()
        store = TinyDBStore(path)
        clock = FakeClock(START)
        services = build_services(store, clock, WebClient(token="xoxb-bench", base_url=emulator.api_url))
        limiter = PostLimiter(sleep=lambda s: None, monotonic=lambda: 0.0)
        schedule = install_schedule(services, limiter=limiter)
        startup = cpu() - began

        began = cpu()
        schedule.sweep()
        first = cpu() - began
        steady = []
        for minute in range(10):
            clock.advance(timedelta(minutes=1))
            for b in range(5):
                scope = Scope(ack_latency.TEAM, channel((minute * 5 + b) % args.channels))
                services.ledger.add(scope, side="give", what=f"bench {minute}", owner=users[b],
                                    created_by=users[b])
            began = cpu()
            schedule.sweep()
            steady.append(cpu() - began)

        manager = users[1]
        began = cpu()
        for scope in store.scopes(ack_latency.TEAM):
            services.ledger.items(scope)
        read_only = cpu() - began
        client = WebClient(token="xoxb-bench", base_url=emulator.api_url)
        began, wall = cpu(), time.perf_counter()
        services.publish_home(client, ack_latency.TEAM, manager)
        home, home_wall = cpu() - began, time.perf_counter() - wall
        pages = len(emulator.calls_to("users.conversations"))
        store.close()
    emulator.stop()

    print(f"{args.total:,} commitments in {args.channels:,} channels")
    print(f"start-up (open the store, build the app): {startup:6.2f} s CPU, "
          f"x{startup / parse_only:.2f} of json.loads of every journal line ({parse_only:.2f} s)")
    print(f"first sweep after start-up: {first:6.2f} s CPU, x{first / 60:.3f} of the minute between sweeps")
    print(f"next sweeps (5 channels written a minute): worst {max(steady) * 1000:.0f} ms CPU, "
          f"x{max(steady) / 60:.4f} of a minute")
    print(f"App Home of a member of all {args.channels:,} channels: {home:.2f} s CPU "
          f"({home_wall:.2f} s wall, "
          f"{pages} users.conversations pages), x{home / read_only:.2f} of reading every channel's items "
          f"({read_only:.2f} s)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
