"""Does a `/partner give` cost more as its channel's history grows?

Run from the repository root::

    python bench/channel_growth.py            # sizes 100 to 2,000 items, about a minute

Builds the bot in this process against the local Slack emulator and runs the work of a
give without HTTP and Bolt: parse the command, record the item, judge the channel
(balance and coaching) and render the confirmation. The CPU time of this process per
give is reported at each channel size, and as a ratio to the cost at the smallest size
measured in the same run (the machine is shared: compare ratios, not milliseconds).

A give reads the channel's whole history for its balance line and its coaching. The
ledger keeps a busy channel's items and both sides' records between requests and
updates them with each new item (``Ledger.snapshot``), so the ratio should stay near 1.

It then counts the journal lines (each one a sync the answer waits for) that 400 gives
write in one channel and spread over 50 new channels: a give whose advice changes logs
that advice too, and advice changes most in a channel's first few gives.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bot.domain.commands import parse_command  # noqa: E402
from bot.emulator import SlackEmulator  # noqa: E402
from bot.slack.poster import rendered  # noqa: E402

TEAM = "T0001"
USER = "U0BENCH1"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="100,500,1000,2000", help="channel sizes (items)")
    parser.add_argument("--gives", type=int, default=300, help="gives measured at each size (300)")
    parser.add_argument("--rounds", type=int, default=20, help="batches of 50 gives with and without "
                        "the trigger note (20)")
    args = parser.parse_args()
    sizes = sorted(int(s) for s in args.sizes.split(","))

    token = "xoxb-bench-token"
    emulator = SlackEmulator(token=token, team_id=TEAM).start()
    with tempfile.TemporaryDirectory() as tmp:
        os.environ.update(SLACK_BOT_TOKEN=token, SLACK_SIGNING_SECRET="0123456789abcdef0123456789abcdef",
                          SLACK_API_URL=emulator.api_url, PARTNER_COACH_DB=f"{tmp}/db.json", PORT="0")
        from bot.startup import build, load_settings

        runtime = build(load_settings())
        services = runtime.services

        def give(n: int) -> None:
            give_in("C0BUSY", n)

        def give_in(channel: str, n: int, note: bool = True) -> None:
            actor = services.actor(TEAM, channel, USER)
            receipts = getattr(services, "receipts", None)
            if note and receipts is not None:  # as the listener does: the trigger id first
                assert receipts.first(actor.scope, f"{channel}.{n}.trigger")
            outcome = services.partner.handle(actor, parse_command(f"give benchmark item {n} by Friday"))
            assert outcome.reply is not None and "Logged" in str(rendered(outcome.reply))

        made = 0
        results: list[tuple[int, float]] = []
        lines = _count_journal_lines()
        for size in sizes:
            while made < size:
                give(made)
                made += 1
            began = time.process_time()
            for i in range(args.gives):
                give(made + i)
            results.append((made, (time.process_time() - began) / args.gives * 1000))
            made += args.gives
        spread = {}
        layouts = {"one channel": ["C0ONE"], "50 channels": [f"C0MANY{c}" for c in range(50)]}
        for label, channels in layouts.items():
            lines.clear()
            for n in range(400):
                give_in(channels[n % len(channels)], made + n)
            made += 400
            spread[label] = len(lines) / 400
        # The trigger note (bot.request_receipts) against the same give without it, in
        # alternating batches in two channels of the same size, so load on the machine
        # weighs on both alike.
        noted: dict[bool, float] = {True: 0.0, False: 0.0}
        for rounds in range(args.rounds):
            for note in (rounds % 2 == 0, rounds % 2 == 1):
                channel = "C0NOTED" if note else "C0PLAIN"
                began = time.process_time()
                for i in range(50):
                    give_in(channel, made + i, note=note)
                noted[note] += time.process_time() - began
                made += 50
        runtime.close()
    emulator.stop()

    base = results[0][1]
    print(f"CPU per give, {args.gives} gives at each size (ratio to {results[0][0]} items):")
    for size, ms in results:
        print(f"  {size:6,} items in the channel: {ms:.3f} ms  ×{ms / base:.2f}")
    print("Journal lines (syncs) per give, 400 gives:")
    for label, per_give in spread.items():
        print(f"  {label}: {per_give:.2f}")
    if noted[False]:
        print(f"CPU of a give with its trigger noted, against without, {args.rounds} × 50 gives each: "
              f"×{noted[True] / noted[False]:.3f}")


def _count_journal_lines() -> list[str]:
    """A list that gets one entry per journal line written from now on."""
    from bot.store.journal import Journal

    written: list[str] = []
    append = Journal.append

    def counting(self: Journal, key: str, changes: dict) -> int:
        written.append(key)
        return append(self, key, changes)

    Journal.append = counting  # type: ignore[method-assign]
    return written


if __name__ == "__main__":
    main()
