"""Accuracy of the commitment detector on the round 3 held-out messages.

Run from the repository root::

    python bench/listening_round3.py [--errors]

Prints precision, recall and side (as ``listening_scores.py`` does), plus *due* (the share
of commitments found with the right side whose due date, read against the corpus clock, is
the labelled one) and *what* (the share whose offered text holds the labelled phrase), for
round 3a (rows 1-200, fitted), round 3b (rows 201-240, first measured after 3a's fixes) and
both. The corpus and its scorer are in ``tests/domain/test_listening_round3.py``.
"""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
ROUND_3A = 200  # rows written in the first sitting


def main(argv: list[str]) -> int:
    """Print the scores; exit status 0 (a measurement, not a gate)."""
    sys.path.insert(0, str(ROOT))
    from tests.domain.test_listening_round3 import load_round3, score_round3

    rows = load_round3()
    for name, part in (("3a", rows[:ROUND_3A]), ("3b", rows[ROUND_3A:]), ("all", rows)):
        s = score_round3(part)
        print(f"round {name:<3} n={len(part):<4} precision {s.precision:.3f}  recall {s.recall:.3f}  "
              f"side {s.side:.3f}  due {s.due:.3f}  what {s.what:.3f}")
        if "--errors" in argv and name != "all":
            print("\n".join(f"  {m}" for m in s.mistakes))
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
