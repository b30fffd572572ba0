"""Accuracy of the commitment detector on the round 4 held-out messages.

Run from the repository root::

    python bench/listening_round4.py [--errors]

Prints precision, recall, side, due (the share of commitments found with the right side
whose due date, read against the corpus clock, is the labelled one) and what (the share
whose offered text holds the labelled phrase) over all rows, then the recall of the gives
and of the gets and how many look-alikes were offered (false alarms). Scored as round 3 is
(``tests/domain/test_listening_round3.py``); the corpus and its clock are in
``tests/domain/test_listening_round4.py``.
"""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def print_round(name: str, rows: list, now, *, errors: bool = False) -> None:
    """Print one corpus's scores: all rows, the gives' and gets' recall, the false alarms."""
    from tests.domain.test_listening_round3 import score_round3

    s = score_round3(rows, now)
    print(f"{name} n={len(rows)}  precision {s.precision:.3f}  recall {s.recall:.3f}  "
          f"side {s.side:.3f}  due {s.due:.3f}  what {s.what:.3f}")
    for label in ("give", "get"):
        part = [row for row in rows if row.label == label]
        print(f"  {label:<4} n={len(part):<4} recall {score_round3(part, now).recall:.3f}")
    quiet = [row for row in rows if row.label == "none"]
    print(f"  none n={len(quiet):<4} false alarms {score_round3(quiet, now).offered}")
    if errors:
        print("\n".join(f"  {m}" for m in s.mistakes))


def main(argv: list[str]) -> int:
    """Print the scores; exit status 0 (a measurement, not a gate)."""
    sys.path.insert(0, str(ROOT))
    from tests.domain.test_listening_round4 import NOW, ROWS

    print_round("round 4", ROWS, NOW, errors="--errors" in argv)
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
