"""Round 7 held-out messages: deal-channel Slack chatter labelled before the detector saw it.

``corpus/commitments_round7.tsv`` has the round 3 format (``label, due, what, text``); its
due dates were labelled against Wednesday 16 June 2027, 15:00 UTC. See
tests/domain/corpus/README.md, "Round 7", for how it was written and what the floors mean.
"""

from __future__ import annotations

from datetime import UTC, datetime

from tests.domain.test_listening_round3 import load_rows, older_texts

# The clock the due dates were labelled against: Wednesday 16 June 2027, 15:00 UTC.
NOW = datetime(2027, 6, 16, 15, 0, tzinfo=UTC)

ROWS = load_rows("commitments_round7.tsv")
# Sitting 7a is the first 425 rows; 7b, written after 7a's fixes, the rest.
SITTING_A = 425


def test_round7_is_large_varied_and_new() -> None:
    labels = [row.label for row in ROWS]
    assert len(ROWS) >= 400
    assert labels.count("give") >= 100 and labels.count("get") >= 75 and labels.count("none") >= 150
    assert len({row.text.lower() for row in ROWS}) == len(ROWS), "duplicate sentences"
    older = older_texts("dev", "test", "fresh", "round3", "round4", "round5", "round6")
    assert not [row.text for row in ROWS if row.text.lower() in older], "copied from an older corpus"
    assert all(row.due is None and row.what is None for row in ROWS if row.label == "none")
    assert all(row.what in row.text.lower() for row in ROWS if row.what)
