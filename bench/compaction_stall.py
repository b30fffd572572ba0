"""How long a write waits while the TinyDB journal is rewritten (compacted).

    python bench/compaction_stall.py              # 10,000 and 100,000 commitments, 3 rounds

The journal is rewritten when it has grown to four times its live data. A writer thread
keeps writing (one `put`, journaled and synced, like a `give`) while the journal is
rewritten two ways, taking turns:

1. under the store's lock, the way it used to be done: every write waits for the rewrite;
2. as the store does it now (``_compact_aside``): the lock is held to copy a batch of
   shards' tables at a time and, at the end, to copy over the lines written meanwhile and
   rename the file; the old file is closed (its blocks freed) after the lock is let go.

For each: the rewrite's wall time, the longest and the 99th-percentile write during it,
as ratios to a write with no rewrite running, and the two steps of (2) that still hold
the lock, timed on their own.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import ack_latency  # noqa: E402  (write_database: the same stored commitments as its servers)

from bot.store import Scope, TinyDBStore  # noqa: E402
from bot.store.tinydb_store import COMPACTION_BATCH  # noqa: E402

WRITER = Scope(ack_latency.TEAM, "CWRITER")


def _writes_during(store: TinyDBStore, rewrite) -> tuple[float, list[float]]:  # noqa: ANN001
    """Run ``rewrite`` while a thread writes; its wall time and the writes' latencies."""
    latencies: list[float] = []
    stop = threading.Event()

    def writer() -> None:
        n = 0
        while not stop.is_set():
            began = time.perf_counter()
            store.put(WRITER, "c", str(n % 50), {"n": n, "what": "a write during the rewrite"})
            latencies.append(time.perf_counter() - began)
            n += 1
            time.sleep(0.0005)  # a request every half millisecond or so, not a spin

    thread = threading.Thread(target=writer)
    thread.start()
    time.sleep(0.05)
    began = time.perf_counter()
    rewrite()
    took = time.perf_counter() - began
    time.sleep(0.05)
    stop.set()
    thread.join()
    return took, latencies


def _under_lock(store: TinyDBStore) -> None:
    with store._lock:
        store._compact()


def _aside(store: TinyDBStore) -> None:
    with store._lock:
        store._compact_aside()
    store.wait_for_compaction()


def _steps_holding_the_lock(store: TinyDBStore) -> tuple[float, float]:
    """(the longest hold copying a batch of shards' tables, swapping the file in), in ms."""
    with store._lock:
        since, keys = store._journal.mark(), list(store._shards)
    longest = 0.0
    for start in range(0, len(keys), COMPACTION_BATCH):
        with store._lock:
            began = time.perf_counter()
            for key in keys[start:start + COMPACTION_BATCH]:
                store._shard_copy(key)
            longest = max(longest, time.perf_counter() - began)
    size = store._journal.write_snapshot(store._states(keys))
    with store._lock:
        began = time.perf_counter()
        retired = store._journal.swap_in(size, since)
        swap = time.perf_counter() - began
    if retired is not None:
        retired.close()
    return longest * 1000, swap * 1000


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sizes", default="10000,100000", help="commitments stored (10000,100000)")
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    for total in (int(s) for s in args.sizes.split(",")):
        path = Path(tempfile.mkdtemp(prefix="compaction-")) / "db.json"
        ack_latency.write_database(path, total)
        store = TinyDBStore(path)
        print(f"\n{total:,} commitments ({path.stat().st_size / 1e6:.1f} MB journal)")
        for r in range(args.rounds):
            _, quiet = _writes_during(store, lambda: time.sleep(0.3))
            base = statistics.median(quiet)
            ways = [("under the lock", _under_lock), ("aside (shipped)", _aside)]
            for name, how in ways[r % 2:] + ways[:r % 2]:  # taking turns
                took, lat = _writes_during(store, lambda how=how, store=store: how(store))
                p99 = statistics.quantiles(lat, n=100)[98] if len(lat) >= 2 else lat[0]
                print(f"  round {r + 1} {name:16s} rewrite {took * 1000:7.0f} ms   "
                      f"writes {len(lat):5d}  longest {max(lat) * 1000:7.1f} ms (×{max(lat) / base:6.0f})  "
                      f"p99 ×{p99 / base:5.1f}   (a quiet write: {base * 1000:.2f} ms)")
            copy, swap = _steps_holding_the_lock(store)
            print(f"  round {r + 1} lock held by the shipped rewrite: at most {copy:.1f} ms copying "
                  f"{COMPACTION_BATCH} shards' tables, {swap:.1f} ms swapping the file in")
        store.close()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
