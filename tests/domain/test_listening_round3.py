"""Round 3 held-out messages: Slack deal-channel chatter labelled before the detector saw it.

``corpus/commitments_round3.tsv`` holds, per message, whether it is a commitment and whose
(``give`` / ``get`` / ``none``), the due date a sales-ops person reads in it against a fixed
clock (Thursday 11 February 2027, 15:00 UTC; ``-`` for none) and one word or phrase the
offered "what" must contain (``-`` when any wording will do). ``\\n`` in a text is a line
break. See tests/domain/corpus/README.md, "Round 3", for how it was written and what the
floors below mean.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path

from bot.domain.dates import DueDateError, parse_due
from bot.domain.detector import detect_commitment

CORPUS = Path(__file__).parent / "corpus"

# The clock the due dates were labelled against: Thursday 11 February 2027, 15:00 UTC.
NOW = datetime(2027, 2, 11, 15, 0, tzinfo=UTC)


@dataclass(frozen=True)
class Row:
    """One labelled message."""

    label: str  # give, get or none
    due: date | None
    what: str | None  # a phrase the offered "what" must contain, lowercase
    text: str


def load_round3() -> list[Row]:
    """The rows of ``commitments_round3.tsv``."""
    rows = []
    for line in (CORPUS / "commitments_round3.tsv").read_text(encoding="utf-8").splitlines()[1:]:
        label, due, what, text = line.split("\t", 3)
        rows.append(Row(label, None if due == "-" else date.fromisoformat(due),
                        None if what == "-" else what, text.replace("\\n", "\n")))
    return rows


@dataclass
class Round3Score:
    """Counts behind the ratios, and the rows read wrongly."""

    offered: int = 0
    right: int = 0  # offered with the right side
    real_offered: int = 0  # offered and really a commitment, whatever side
    expected: int = 0
    due_right: int = 0  # of the commitments found with the right side
    what_checked: int = 0
    what_right: int = 0
    mistakes: list[str] = field(default_factory=list)

    @property
    def precision(self) -> float:
        return self.right / self.offered if self.offered else 1.0

    @property
    def recall(self) -> float:
        return self.right / self.expected if self.expected else 1.0

    @property
    def side(self) -> float:
        return self.right / self.real_offered if self.real_offered else 1.0

    @property
    def due(self) -> float:
        return self.due_right / self.right if self.right else 1.0

    @property
    def what(self) -> float:
        return self.what_right / self.what_checked if self.what_checked else 1.0


def _due_on(due_text: str | None) -> date | None:
    if not due_text:
        return None
    try:
        return parse_due(due_text, NOW, "UTC")
    except DueDateError:  # a refused phrase ("Q3") is offered without a date
        return None


def _is_ours(user_id: str) -> bool:
    # Stands in for Slack's directory: the corpus writes Slack Connect guests as U0GUEST.
    return not user_id.startswith("U0GUEST")


def score_round3(rows: list[Row]) -> Round3Score:
    """Detect every row and count what it got right."""
    s = Round3Score()
    for row in rows:
        found = detect_commitment(row.text, is_ours=_is_ours)
        predicted = found.side if found else "none"
        s.expected += row.label != "none"
        gist = row.text.replace("\n", " / ")
        if found is None:
            if row.label != "none":
                s.mistakes.append(f"missed {row.label}: {gist}")
            continue
        s.offered += 1
        if row.label == "none":
            s.mistakes.append(f"false alarm ({predicted}): {gist}")
            continue
        s.real_offered += 1
        if predicted != row.label:
            s.mistakes.append(f"side {row.label} -> {predicted}: {gist}")
            continue
        s.right += 1
        due = _due_on(found.due_text)
        if due == row.due:
            s.due_right += 1
        else:
            s.mistakes.append(f"due {row.due} -> {due} ({found.due_text!r}): {gist}")
        if row.what is not None:
            s.what_checked += 1
            if row.what in found.what.lower():
                s.what_right += 1
            else:
                s.mistakes.append(f"what lacks {row.what!r}: {found.what!r}: {gist}")
    return s


ROWS = load_round3()


def test_round3_is_large_varied_and_new() -> None:
    labels = [row.label for row in ROWS]
    assert len(ROWS) >= 150
    assert labels.count("give") >= 50 and labels.count("get") >= 40 and labels.count("none") >= 70
    assert len({row.text.lower() for row in ROWS}) == len(ROWS), "duplicate sentences"
    older = set()
    for part in ("dev", "test", "fresh"):
        for line in (CORPUS / f"commitments_{part}.tsv").read_text(encoding="utf-8").splitlines()[1:]:
            older.add(line.partition("\t")[2].lower())
    assert not [row.text for row in ROWS if row.text.lower() in older], "copied from an older corpus"
    assert all(row.label in ("give", "get", "none") for row in ROWS)
    assert all(row.due is None and row.what is None for row in ROWS if row.label == "none")


def test_round3_meets_its_floors() -> None:
    s = score_round3(ROWS)
    report = "\n".join(s.mistakes)
    numbers = (s.precision, s.recall, s.side, s.due, s.what)
    assert s.precision >= FLOORS["precision"], (numbers, report)
    assert s.recall >= FLOORS["recall"], (numbers, report)
    assert s.side >= FLOORS["side"], (numbers, report)
    assert s.due >= FLOORS["due"], (numbers, report)
    assert s.what >= FLOORS["what"], (numbers, report)


# Floors the code meets after the round 3 fixes (docs/listening.md gives before and after).
FLOORS = {"precision": 0.99, "recall": 0.98, "side": 0.99, "due": 0.98, "what": 0.98}


if __name__ == "__main__":
    result = score_round3(ROWS)
    print("\n".join(result.mistakes))
    print(f"n={len(ROWS)} offered={result.offered} precision {result.precision:.3f} recall "
          f"{result.recall:.3f} side {result.side:.3f} due {result.due:.3f} what {result.what:.3f}")
