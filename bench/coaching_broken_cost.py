"""What does following up their broken promises cost the coaching of a busy channel?

Run from the repository root::

    python bench/coaching_broken_cost.py            # 10,000 and 100,000 items, under a minute

The coaching model (``assess``) reads both sides' records, kept by the ledger between
requests. A promise of theirs dropped after its due date in the last 30 days makes it walk
the channel's items once more (which of theirs were broken lately, and the earliest due
date among them), as a promise of ours broken this week already did. This measures the
CPU time of one ``assess`` on channels of each size in three shapes, and reports each as a
ratio to the first (nothing broken lately) measured in the same run: the machine is
shared, so compare ratios, not milliseconds.

- ``none``: nothing dropped after its due date lately (the records answer everything);
- ``theirs``: one of theirs dropped after its due date yesterday (the new walk);
- ``ours``: one of ours dropped after its due date yesterday (the walk that existed before).

Each side's record now keeps its broken promises, dropped last first, so the coaching reads
only those dropped within its window. ``--before`` also times the old computation (every item
of the channel read again on each decision: ``walk_every_item``, the reference of
tests/domain/test_coaching_recent_broken.py) in the same run, and prints how many times
cheaper the records make it.

``--index`` measures two more decisions that used to walk every item each time: a signed deal
with our promises open (how many of ours were kept since the signature) and a channel where
someone wrote down what's in it for them (how many gives were made since). Each record now
keeps the answers worked out from its items, and the ledger keeps the records between
requests, so only the first decision after a change walks the items. Printed: a decision with
the records kept (``kept``) and the first one after a change (``first``: the walk, which was
the cost of every decision before), each as a ratio to ``none``.
"""

from __future__ import annotations

import argparse
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bot.domain import coaching  # noqa: E402
from bot.domain.coaching import ChannelHistory, DealState, assess  # noqa: E402
from bot.domain.ledger import Commitment, side_records  # noqa: E402
from bot.domain.stages import Stage  # noqa: E402
from tests.domain.test_coaching_recent_broken import walk_every_item  # noqa: E402  (the old computation)

NOW = datetime(2026, 12, 14, 15, 0, tzinfo=UTC)


def channel(size: int, broken_side: str | None) -> list[Commitment]:
    """``size`` items, half of them kept long ago, the rest open and due later; one broken."""
    items = []
    for number in range(1, size + 1):
        kept = number % 2 == 0
        items.append(Commitment(
            number=number, side="give" if number % 3 else "get", what=f"item {number}",
            owner="U0BENCH1", created_by="U0BENCH1", created_at=NOW - timedelta(days=200),
            due_on=(NOW + timedelta(days=30 + number % 40)).date(),
            status="done" if kept else "open", closed_at=NOW - timedelta(days=100) if kept else None))
    if broken_side is not None:
        items.append(Commitment(
            number=size + 1, side=broken_side, what="broken", owner="U0BENCH1", created_by="U0BENCH1",
            created_at=NOW - timedelta(days=20), due_on=(NOW - timedelta(days=4)).date(),
            status="dropped", closed_at=NOW - timedelta(days=1)))
    return items


def cost(size: int, broken_side: str | None, rounds: int) -> float:
    """CPU seconds of one assess, the records computed beforehand (as the ledger keeps them)."""
    items = channel(size, broken_side)
    history = ChannelHistory(items=items, now=NOW, today=NOW.date(),
                             given={"celebrate_kept": [NOW - timedelta(days=1)]})
    records = side_records(items, NOW.date())
    assess(history, records)  # warm up
    start = time.process_time()
    for _ in range(rounds):
        assess(history, records)
    return (time.process_time() - start) / rounds


def index_cost(size: int, shape: str, rounds: int) -> tuple[float, float]:
    """CPU seconds of one assess in ``shape`` ("signed" or "benefit"): with the records kept
    (their answers worked out already), and the first decision on fresh records (the walk)."""
    items = channel(size, None)
    signed_at = NOW - timedelta(days=50)
    if shape == "signed":
        history = ChannelHistory(items=items, now=NOW, today=NOW.date(),
                                 deal=DealState("Acme", Stage.SIGNED, signed_at, signed_at=signed_at))
    else:
        history = ChannelHistory(items=items, now=NOW, today=NOW.date(),
                                 benefit_noted_at=NOW - timedelta(days=3),
                                 given={"celebrate_kept": [NOW - timedelta(days=1)]})
    kept = side_records(items, NOW.date())
    assess(history, kept)  # works the answers out once, as the first decision after a change does
    start = time.process_time()
    for _ in range(rounds):
        assess(history, kept)
    warm = (time.process_time() - start) / rounds
    fresh = [side_records(items, NOW.date()) for _ in range(rounds)]  # made outside the timing
    start = time.process_time()
    for records in fresh:
        assess(history, records)
    return warm, (time.process_time() - start) / rounds


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000])
    parser.add_argument("--rounds", type=int, default=20)
    parser.add_argument("--before", action="store_true",
                        help="also time the old computation (every item read again), same run")
    parser.add_argument("--index", action="store_true",
                        help="also time a signed deal and a noted benefit, records kept or fresh")
    args = parser.parse_args()
    print(f"{'items':>8} {'none ms':>9} {'theirs ms':>10} {'ours ms':>9}"
          f" {'theirs/none':>12} {'ours/none':>10}")
    for size in args.sizes:
        none, theirs, ours = (cost(size, side, args.rounds) for side in (None, "get", "give"))
        print(f"{size:>8} {none * 1000:>9.3f} {theirs * 1000:>10.3f} {ours * 1000:>9.3f} "
              f"{theirs / none:>12.1f} {ours / none:>10.1f}")
        if args.before:
            kept = coaching._dropped_within
            coaching._dropped_within = walk_every_item  # type: ignore[assignment]
            try:
                old_theirs, old_ours = (cost(size, side, args.rounds) for side in ("get", "give"))
            finally:
                coaching._dropped_within = kept  # type: ignore[assignment]
            print(f"{'before':>8} {'':>9} {old_theirs * 1000:>10.3f} {old_ours * 1000:>9.3f} "
                  f"{old_theirs / none:>12.1f} {old_ours / none:>10.1f}"
                  f"   (before/now: theirs {old_theirs / theirs:.0f}x, ours {old_ours / ours:.0f}x)")
        if args.index:
            for shape in ("signed", "benefit"):
                warm, first = index_cost(size, shape, args.rounds)
                print(f"{shape:>8} kept {warm * 1000:.3f} ms ({warm / none:.1f}x none), "
                      f"first {first * 1000:.3f} ms ({first / none:.1f}x none; "
                      f"first/kept {first / warm:.0f}x)")


if __name__ == "__main__":
    main()
