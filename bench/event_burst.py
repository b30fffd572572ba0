"""A burst of 1,000 message events in about a second: are they all acked in time, and all read?

Run from the repository root::

    python bench/event_burst.py                # 1,000 events from 20 connections

The real app (the same runtime and WSGI app as `serve`, on waitress) on a local port, the
local Slack emulator, signed requests. First 50 events one at a time (the baseline: an ack
with nothing else going on), then ``--events`` message events at once from ``--clients``
connections, each a different promise in one of 50 channels ("I'll send the deck 7 by
Friday"). Reported: the acks' p50, p99 and worst, as ratios to the quiet p50, how long the
burst took to send, how long the work after the acks took to drain, and whether every event
was read (one offer stored per message: none dropped).
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bot.clock import SystemClock  # noqa: E402
from bot.emulator import SlackEmulator  # noqa: E402
from bot.emulator.driver import SlackDriver  # noqa: E402
from bot.emulator.local_bot import LocalBot  # noqa: E402
from bot.store import Scope  # noqa: E402

TEAM, USER, CHANNELS = "T0001", "U0BURST1", 50


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--events", type=int, default=1_000)
    parser.add_argument("--clients", type=int, default=20)
    args = parser.parse_args()
    emulator = SlackEmulator().start()
    emulator.add_user(USER, name="burst", tz="America/New_York")
    for c in range(CHANNELS):
        emulator.add_channel(f"C0BURST{c:03d}", f"deal-{c}", members=[USER])
    with tempfile.TemporaryDirectory() as tmp:
        local = LocalBot(emulator, Path(tmp) / "db.json", SystemClock()).start()
        drivers = [SlackDriver(local.events_url, local.signing_secret) for _ in range(args.clients)]

        def send(n: int) -> float:
            driver = drivers[n % args.clients]
            began = time.perf_counter()
            response = driver.message(f"I'll send the deck {n} by Friday", user=USER,
                                      channel=f"C0BURST{n % CHANNELS:03d}", ts=f"1795000000.{n:06d}",
                                      channel_type="channel")
            assert response.status_code == 200, response.status_code
            return time.perf_counter() - began

        quiet = [send(1_000_000 + n) for n in range(50)]
        local.wait_idle(60)
        began = time.perf_counter()
        with ThreadPoolExecutor(args.clients) as pool:
            acks = list(pool.map(send, range(args.events)))
        sent = time.perf_counter() - began
        local.wait_idle(600)
        drained = time.perf_counter() - began
        store = local.runtime.store
        offers = sum(len(store.find(Scope(TEAM, f"C0BURST{c:03d}"), "offer")) for c in range(CHANNELS))
        local.stop()
    emulator.stop()

    base = statistics.median(quiet)
    acks.sort()
    p50, p99, worst = statistics.median(acks), acks[int(len(acks) * 0.99) - 1], acks[-1]
    print(f"{args.events:,} message events from {args.clients} connections, sent in {sent:.2f} s; "
          f"quiet ack p50 {base * 1000:.1f} ms")
    print(f"acks during the burst: p50 {p50 * 1000:.0f} ms (x{p50 / base:.1f}), p99 {p99 * 1000:.0f} ms "
          f"(x{p99 / base:.1f}), worst {worst * 1000:.0f} ms (x{worst / base:.1f}; Slack waits 3,000 ms)")
    print(f"work after the acks drained {drained:.2f} s after the burst began")
    print(f"offers stored: {offers - 50:,} of {args.events:,} (none dropped: {offers - 50 == args.events})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
