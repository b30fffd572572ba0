"""Round 8 held-out messages: terse chat, non-native English, questions mixed with promises,
conditions, corrections, relative and quarter dates, promises made for someone else.

``corpus/commitments_round8.tsv`` has the round 3 format (``label, due, what, text``); its
due dates were labelled against Tuesday 10 August 2027, 15:00 UTC. See
tests/domain/corpus/README.md, "Round 8", for how it was written and what the floors mean.
"""

from __future__ import annotations

from datetime import UTC, datetime

from tests.domain.test_listening_round3 import assert_floors, load_rows, older_texts

# The clock the due dates were labelled against: Tuesday 10 August 2027, 15:00 UTC.
NOW = datetime(2027, 8, 10, 15, 0, tzinfo=UTC)

ROWS = load_rows("commitments_round8.tsv")
# Sitting 8a is the first 419 rows; 8b, written after 8a's fixes, the rest.
SITTING_A = 419


def test_round8_is_large_varied_and_new() -> None:
    labels = [row.label for row in ROWS]
    assert len(ROWS) >= 400
    assert labels.count("give") >= 100 and labels.count("get") >= 75 and labels.count("none") >= 150
    assert len({row.text.lower() for row in ROWS}) == len(ROWS), "duplicate sentences"
    older = older_texts("dev", "test", "fresh", "round3", "round4", "round5", "round6", "round7")
    assert not [row.text for row in ROWS if row.text.lower() in older], "copied from an older corpus"
    assert all(row.due is None and row.what is None for row in ROWS if row.label == "none")
    assert all(row.what in row.text.lower() for row in ROWS if row.what)


# Floors are set after the round 8 fixes (see bench/listening_round8.py).
FLOORS = {"precision": 0.0, "recall": 0.0, "side": 0.0, "due": 0.0, "what": 0.0}


def test_round8_meets_its_floors() -> None:
    assert_floors(ROWS, NOW, FLOORS)
