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


def print_round(name: str, rows: list, now, *, errors: bool = False, summary_only: bool = False) -> None:
    """Print one corpus's scores: all rows, then (unless ``summary_only``) the gives' and gets'
    recall and the false alarms."""
    from tests.domain.test_listening_round3 import score_round3

    s = score_round3(rows, now)
    print(f"{name} n={len(rows)}  precision {s.precision:.3f}  recall {s.recall:.3f}  "
          f"side {s.side:.3f}  due {s.due:.3f}  what {s.what:.3f}")
    if summary_only:
        return
    for label in ("give", "get"):
        part = [row for row in rows if row.label == label]
        print(f"  {label:<4} n={len(part):<4} recall {score_round3(part, now).recall:.3f}")
    quiet = [row for row in rows if row.label == "none"]
    print(f"  none n={len(quiet):<4} false alarms {score_round3(quiet, now).offered}")
    if errors:
        print("\n".join(f"  {m}" for m in s.mistakes))


def print_sittings(number: int, argv: list[str]) -> int:
    """Round ``number``'s two sittings (a: fixed while looking at them; b: written after a's
    fixes), then the whole round as :func:`print_round` does; with ``--older`` also every
    earlier round from 3 and the DEV / TEST / FRESH corpora. Exit status 0."""
    import importlib

    sys.path.insert(0, str(ROOT))
    from bench.listening_scores import report

    corpus = importlib.import_module(f"tests.domain.test_listening_round{number}")
    rows, now = corpus.ROWS, corpus.NOW
    for name, part in ((f"{number}a", rows[:corpus.SITTING_A]), (f"{number}b", rows[corpus.SITTING_A:])):
        if part:
            print_round(f"round {name}", part, now, summary_only=True)
    print_round(f"round {number}", rows, now, errors="--errors" in argv)
    if "--older" in argv:
        for earlier in range(3, number):
            older = importlib.import_module(f"tests.domain.test_listening_round{earlier}")
            print_round(f"round {earlier}", older.ROWS, older.NOW, summary_only=True)
        report(["dev", "test", "fresh"], False)
    return 0


def main(argv: list[str]) -> int:
    """Print the scores; exit status 0 (a measurement, not a gate)."""
    sys.path.insert(0, str(ROOT))
    from tests.domain.test_listening_round4 import NOW, ROWS

    print_round("round 4", ROWS, NOW, errors="--errors" in argv)
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
