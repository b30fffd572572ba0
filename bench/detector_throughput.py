"""Single-thread throughput of the commitment detector on a realistic message mix.

Run from the repository root::

    python bench/detector_throughput.py [N]

The corpus (commitments and ordinary chatter) is cycled to N messages (default 50,000) and
fed through :func:`detect_commitment`. As a yardstick for the machine it runs on, the same
messages are also fed through ``str.lower()`` in the same run; the ratio is what to compare
across machines.
"""

from __future__ import annotations

import sys
import time
from collections.abc import Callable
from itertools import cycle, islice
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT / "tests" / "domain" / "corpus" / "commitments_dev.tsv"


def _messages(n: int) -> list[str]:
    texts = []
    for line in CORPUS.read_text(encoding="utf-8").splitlines():
        label, _, text = line.partition("\t")
        if text and label != "label" and not line.startswith("#"):
            texts.append(text)
    # Fresh string objects so no per-object caching can flatter the numbers.
    return ["".join(t) for t in islice(cycle(texts), n)]


def _rate(fn: Callable[[str], object], messages: list[str], repeats: int = 3) -> float:
    """Best-of-``repeats`` messages per second for ``fn`` over ``messages``."""
    best = float("inf")
    for _ in range(repeats):
        start = time.perf_counter()
        for text in messages:
            fn(text)
        best = min(best, time.perf_counter() - start)
    return len(messages) / best


def main(argv: list[str]) -> int:
    """Print messages/second and the ratio to a ``str.lower()`` baseline; exit 0."""
    sys.path.insert(0, str(ROOT))
    from bot.domain.detector import detect_commitment

    n = int(argv[0]) if argv else 50_000
    messages = _messages(n)
    detect_commitment(messages[0])  # warm up lazy regex internals outside the timing

    detector_rate = _rate(detect_commitment, messages)
    baseline_rate = _rate(str.lower, messages)
    found = sum(1 for text in messages if detect_commitment(text) is not None)

    print(f"messages:           {len(messages):,} (corpus cycled; {found:,} commitments)")
    print(f"detect_commitment:  {detector_rate:,.0f} messages/second")
    print(f"str.lower baseline: {baseline_rate:,.0f} messages/second")
    print(f"ratio:              {detector_rate / baseline_rate:.4f} of str.lower speed")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
