"""Accuracy of the commitment detector on the round 6 held-out messages.

Run from the repository root::

    python bench/listening_round6.py [--errors] [--older]

Prints, for each sitting (6a: the first rows, fixed while looking at them; 6b: the last 60,
written after 6a's fixes and measured before any change for them) and for all rows:
precision, recall, side, due (the share of commitments found with the right side whose due
date, read against the corpus clock, is the labelled one) and what (the share whose offered
text holds the labelled phrase); then the recall of the gives and of the gets and how many
look-alikes were offered (false alarms). Scored as rounds 3 to 5 are
(``tests/domain/test_listening_round3.py``); the corpus and its clock are in
``tests/domain/test_listening_round6.py``. ``--older`` also prints rounds 3 to 5 and the
DEV / TEST / FRESH corpora, to check a change did not cost them anything.
"""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def main(argv: list[str]) -> int:
    """Print the scores; exit status 0 (a measurement, not a gate)."""
    sys.path.insert(0, str(ROOT))
    from bench.listening_round4 import print_round
    from tests.domain.test_listening_round3 import score_round3
    from tests.domain.test_listening_round6 import NOW, ROWS, SITTING_A

    for name, rows in (("6a", ROWS[:SITTING_A]), ("6b", ROWS[SITTING_A:])):
        if not rows:
            continue
        part = score_round3(rows, NOW)
        print(f"round {name} n={len(rows)}  precision {part.precision:.3f}  recall {part.recall:.3f}  "
              f"side {part.side:.3f}  due {part.due:.3f}  what {part.what:.3f}")
    print_round("round 6", ROWS, NOW, errors="--errors" in argv)
    if "--older" in argv:
        _older()
    return 0


def _older() -> None:
    from bench.listening_scores import report
    from tests.domain.test_listening_round3 import NOW as NOW3
    from tests.domain.test_listening_round3 import ROWS as ROWS3
    from tests.domain.test_listening_round3 import score_round3
    from tests.domain.test_listening_round4 import NOW as NOW4
    from tests.domain.test_listening_round4 import ROWS as ROWS4
    from tests.domain.test_listening_round5 import NOW as NOW5
    from tests.domain.test_listening_round5 import ROWS as ROWS5

    for name, rows, now in (("round 3", ROWS3, NOW3), ("round 4", ROWS4, NOW4), ("round 5", ROWS5, NOW5)):
        s = score_round3(rows, now)
        print(f"{name} n={len(rows)}  precision {s.precision:.3f}  recall {s.recall:.3f}  "
              f"side {s.side:.3f}  due {s.due:.3f}  what {s.what:.3f}")
    report(["dev", "test", "fresh"], False)


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
