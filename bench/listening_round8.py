"""Accuracy of the commitment detector on the round 8 held-out messages.

Run from the repository root::

    python bench/listening_round8.py [--errors] [--older]

Prints, for each sitting (8a: the first rows, fixed while looking at them; 8b: the last 60,
written after 8a's fixes and measured before any change for them) and for all rows:
precision, recall, side, due (the share of commitments found with the right side whose due
date, read against the corpus clock, is the labelled one) and what (the share whose offered
text holds the labelled phrase); then the recall of the gives and of the gets and how many
look-alikes were offered (false alarms). Scored as rounds 3 to 6 are
(``tests/domain/test_listening_round3.py``); the corpus and its clock are in
``tests/domain/test_listening_round8.py``. ``--older`` also prints rounds 3 to 7 and the
DEV / TEST / FRESH corpora, to check a change did not cost them anything.
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.listening_round4 import print_sittings  # noqa: E402


def main(argv: list[str]) -> int:
    """Print the scores; exit status 0 (a measurement, not a gate)."""
    return print_sittings(8, argv)


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
