"""How matching time grows with the post's length for catastrophic CRM patterns.

Run from the repository root::

    python bench/user_patterns.py

For each pattern a channel member could add with `/partner crm pattern`, the RE2 engine
the bot uses (:mod:`bot.domain.user_patterns`) is timed on a 1,000- and a 10,000-character
adversarial line: a ratio near 10 is linear time. As the baseline, Python's ``re`` (what
the bot used before) is timed on the same pattern at two short lengths, in the same run:
its ratio over a few more characters shows the blow-up (longer would never finish).
"""

from __future__ import annotations

import re
import sys
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

# (pattern, adversarial text of length n, two short lengths for Python's re)
CASES: list[tuple[str, Callable[[int], str], tuple[int, int]]] = [
    ("(?:.|..)*!", lambda n: ("Deal stage changed: Acme " * n)[:n], (20, 26)),
    ("(a|a)*b", lambda n: "a" * n, (16, 20)),
    ("(a|aa)+$", lambda n: "a" * (n - 1) + "!", (26, 32)),
    ("a*a*a*a*a*b", lambda n: "a" * n, (20, 40)),
    ("(a+)+b", lambda n: "a" * n, (16, 20)),
    (r"(\w+\s?)*!", lambda n: "w" * n, (16, 20)),
]


def _best(fn: Callable[[str], object], text: str, repeats: int = 3) -> float:
    best = float("inf")
    for _ in range(repeats):
        started = time.perf_counter()
        fn(text)
        best = min(best, time.perf_counter() - started)
    return best


def main() -> int:
    """Print per-pattern timings and ratios; exit 0."""
    sys.path.insert(0, str(ROOT))
    from bot.domain.user_patterns import compile_pattern

    print(f"{'pattern':<16} {'RE2 1k':>9} {'RE2 10k':>9} {'ratio':>6}   "
          f"{'re short':>9} {'re longer':>9} {'ratio':>7}")
    for core, adversarial, (short, longer) in CASES:
        compiled = compile_pattern(f"(?P<deal>x)?(?P<stage>y)?{core}")
        assert compiled is not None
        t1 = _best(compiled.search, adversarial(1_000))
        t10 = _best(compiled.search, adversarial(10_000))
        python = re.compile(core, re.IGNORECASE)
        p1 = _best(python.search, adversarial(short))
        p2 = _best(python.search, adversarial(longer))
        print(f"{core:<16} {t1 * 1e3:>7.3f}ms {t10 * 1e3:>7.3f}ms {t10 / t1:>6.1f}   "
              f"{p1 * 1e3:>7.1f}ms {p2 * 1e3:>7.1f}ms {p2 / max(p1, 1e-9):>7.1f}  "
              f"({short}->{longer} chars)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
