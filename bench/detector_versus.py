"""The commitment detector against an earlier version of itself, side by side in one process.

Run from the repository root (a git checkout)::

    python bench/detector_versus.py REV [ROUNDS] [--cpu]

``REV`` is any git revision (``main``, a commit id). Its ``bot/`` package is exported to a
temporary directory under another name and both detectors read the same messages (the DEV
corpus, as ``detector_throughput.py`` does) in short alternating runs; each side's best run
is kept. On a shared, busy machine absolute speeds swing by a factor of two from one minute
to the next, while the best of many interleaved short runs is stable to a few per cent, so
the ratio printed is what to quote ("0.93x the speed of REV").

When the machine is loaded far beyond its cores (a load average of 10 on 2 cores), even the
best of 150 wall-clock runs swings from 0.6x to 1.3x. ``--cpu`` then times each run in the
process's own CPU time and also prints the median of the per-round ratios (each round times
both versions back to back), which stays within a few per cent from one invocation to the next.
"""

from __future__ import annotations

import io
import re
import statistics
import subprocess
import sys
import tarfile
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
THEN = "bot_then"


def _detector_at(rev: str, into: Path) -> Callable[[str], object]:
    """``detect_commitment`` as it was at ``rev``, imported as package ``bot_then``."""
    archive = subprocess.run(["git", "archive", rev, "bot"], cwd=ROOT, capture_output=True,
                             check=True).stdout
    with tarfile.open(fileobj=io.BytesIO(archive)) as tar:
        tar.extractall(into, filter="data")
    (into / "bot").rename(into / THEN)
    for path in (into / THEN).rglob("*.py"):
        source = path.read_text(encoding="utf-8")
        path.write_text(re.sub(r"\b(from|import) bot\.", rf"\1 {THEN}.", source), encoding="utf-8")
    sys.path.insert(0, str(into))
    module = __import__(f"{THEN}.domain.detector", fromlist=["detect_commitment"])
    return module.detect_commitment


def main(argv: list[str]) -> int:
    """Print both speeds and their ratio; exit 0 (a measurement, not a gate)."""
    cpu = "--cpu" in argv
    argv = [a for a in argv if a != "--cpu"]
    if not argv:
        print(__doc__)
        return 2
    clock = time.process_time if cpu else time.perf_counter
    sys.path.insert(0, str(ROOT))
    from bench.detector_throughput import _messages
    from bot.domain.detector import detect_commitment as now

    rounds = int(argv[1]) if len(argv) > 1 else 150
    messages = _messages(400)
    with tempfile.TemporaryDirectory() as tmp:
        then = _detector_at(argv[0], Path(tmp))
        best = {"then": float("inf"), "now": float("inf")}
        ratios: list[float] = []
        sides: list[tuple[str, Callable[[str], object]]] = [("then", then), ("now", now)]
        for side_fn in sides:
            side_fn[1](messages[0])  # warm up outside the timing
        for k in range(rounds):
            took = {}
            for name, fn in sides if k % 2 else sides[::-1]:
                start = clock()
                for text in messages:
                    fn(text)
                took[name] = clock() - start
                best[name] = min(best[name], took[name])
            if took["now"] > 0:
                ratios.append(took["then"] / took["now"])
    n = len(messages)
    print(f"{argv[0]}: {n / best['then']:,.0f} messages/second")
    print(f"now: {n / best['now']:,.0f} messages/second")
    print(f"ratio: {best['then'] / best['now']:.3f}x the speed of {argv[0]}")
    if cpu and ratios:
        print(f"median of the per-round ratios (CPU time): {statistics.median(ratios):.3f}x")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
