"""How long computing a Monday-morning wave of weekly digests takes, with no Slack I/O.

Run from the repository root::

    python bench/digest_compute.py [--channels 2000] [--items 50]

It writes a database of ``channels`` deal channels with ``items`` commitments each (mixed
sides, states and due dates over three weeks, two deals, one pending check-in), opens it
with the real TinyDB store, and then, per channel, does what the weekly run does before it
posts: read the ledger, compute the digest (made / kept / overdue per side, balance, trend
against a stored snapshot, upcoming check-ins) and render the Block Kit message from its
template. The snapshot write (one fsync per channel) and the post are left out: that is
I/O, paced at one post a second anyway.

As a yardstick for the machine, the same run also times a plain loop that only reads every
channel's items through the ledger; the ratio is what to compare across machines.
Goal: under 5 s for 2,000 channels × 50 items.
"""

from __future__ import annotations

import argparse
import json
import random
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bot.clock import FakeClock  # noqa: E402
from bot.domain.ledger import Commitment  # noqa: E402
from bot.domain.schedule_rules import describe_local, week_window  # noqa: E402
from bot.messages import render  # noqa: E402
from bot.schedule.jobs import JobStore, new_job  # noqa: E402
from bot.schedule.zones import ChannelZones  # noqa: E402
from bot.services.channel_settings import ChannelSettings  # noqa: E402
from bot.services.deals import Deals  # noqa: E402
from bot.services.digest import DigestService  # noqa: E402
from bot.services.ledger import Ledger  # noqa: E402
from bot.store import TinyDBStore  # noqa: E402

NOW = datetime(2026, 11, 30, 14, 0, tzinfo=UTC)  # a Monday, 09:00 in New York
TEAM = "T0BENCH"
OWNERS = ["U0ALICE", "U0BOB", "U0CAROL", "U0DAVE"]
WORDS = ("pilot workspace", "security review", "intro to their CFO", "case study", "pricing deck",
         "reference call", "SSO setup", "joint webinar", "renewal terms", "usage report")


def _shard(rng: random.Random, channel: int, items: int) -> dict:
    commitments = {}
    for n in range(1, items + 1):
        created = NOW - timedelta(days=rng.uniform(0, 21))
        status = rng.choice(("open", "open", "open", "done", "dropped"))
        closed = created + timedelta(days=rng.uniform(0, 5)) if status != "open" else None
        due = (created + timedelta(days=rng.randint(1, 20))).date() if rng.random() < 0.8 else None
        item = Commitment(
            number=n, side=rng.choice(("give", "get")),
            what=f"{rng.choice(WORDS)} for <team> & partner #{channel}-{n}",
            owner=rng.choice(OWNERS), created_by=rng.choice(OWNERS), created_at=created,
            due_on=due, counterpart="Dana" if rng.random() < 0.3 else None, status=status,
            closed_at=closed, closed_by=OWNERS[0] if closed else None,
        )
        commitments[str(n)] = item.to_doc()
    deals = {
        f"deal {channel} {d}": {"name": f"Deal {channel} {d}", "stage": rng.choice(("proposal", "signed")),
                                "updated_at": (NOW - timedelta(days=rng.uniform(0, 14))).isoformat(),
                                "updated_by": OWNERS[0], "history": []}
        for d in range(2)
    }
    checkin = new_job(f"checkin:deal {channel} 0:30", "checkin", NOW + timedelta(days=9),
                      {"deal": f"Deal {channel} 0", "deal_key": f"deal {channel} 0", "days": 30,
                       "signed_at": NOW.isoformat()}, NOW)
    snapshot = {"week": "2026-W48", "give_total": rng.randint(5, 20), "get_total": rng.randint(5, 20),
                "give_kept": 3, "get_kept": 2, "give_overdue": 1, "get_overdue": 1, "at": NOW.isoformat()}
    return {
        "commitment": commitments,
        "counter": {"commitment": {"next": items}},
        "deal": deals,
        "job": {checkin["id"]: checkin},
        "digest_snapshot": {"2026-W48": snapshot},
        "settings": {"channel": {"tz": "America/New_York"}},
    }


def build(path: Path, channels: int, items: int) -> None:
    """Write the journal directly: one line per channel shard (what the store itself writes)."""
    rng = random.Random(7)
    with open(path, "w", encoding="utf-8") as fh:
        for c in range(channels):
            line = {"s": f"{TEAM}/C{c:06d}", "d": _shard(rng, c, items)}
            fh.write(json.dumps(line, separators=(",", ":")) + "\n")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--channels", type=int, default=2000)
    parser.add_argument("--items", type=int, default=50)
    args = parser.parse_args(argv)

    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "bench.json"
        started = time.perf_counter()
        build(path, args.channels, args.items)
        store = TinyDBStore(path)
        print(f"setup: {args.channels} channels × {args.items} items in {time.perf_counter() - started:.1f}s")
        try:
            clock = FakeClock(NOW)
            settings = ChannelSettings(store)
            ledger, deals = Ledger(store, clock), Deals(store, clock)
            digests = DigestService(store, clock, ledger, deals, settings, JobStore(store),
                                    ChannelZones(store, settings, None))
            scopes = [s for s in store.scopes(TEAM)]
            start, end = week_window(NOW)

            def baseline() -> int:
                total = 0
                for scope in scopes:
                    total += sum(len(item.what) for item in ledger.items(scope))
                return total

            def digest_all() -> int:
                blocks = 0
                for scope in scopes:
                    data, tz = digests.compute(scope, start, end, NOW, before_week="2026-W49")
                    message = digests.message(scope, data, tz, describe_local(NOW + timedelta(days=7), tz))
                    blocks += len(render(message.template, **message.context)["blocks"])
                return blocks

            render_warm = digests.message(scopes[0], *digests.compute(scopes[0], start, end, NOW, None), None)
            render(render_warm.template, **render_warm.context)  # template compilation is not the point
            base_s, work_s = _best(baseline), _best(digest_all)
        finally:
            store.close()
    print(f"baseline (read every channel's items): {base_s:.2f}s")
    print(f"digests (read + compute + render):     {work_s:.2f}s "
          f"= {work_s / len(scopes) * 1000:.2f} ms per channel")
    print(f"ratio to baseline: {work_s / base_s:.1f}x · goal < 5 s: {'met' if work_s < 5 else 'MISSED'}")
    return 0 if work_s < 5 else 1


def _best(fn, repeats: int = 3) -> float:
    best = float("inf")
    for _ in range(repeats):
        started = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - started)
    return best


if __name__ == "__main__":
    sys.exit(main())
