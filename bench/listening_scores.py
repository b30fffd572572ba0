"""Accuracy of both listening paths on the DEV and the held-out TEST corpora.

Run from the repository root::

    python bench/listening_scores.py [--errors] [--part dev|test]

Commitments (``tests/domain/corpus/commitments_<part>.tsv``): a commitment counts as found
only with the right side; precision is over everything offered, recall over every labelled
commitment, and *side* is the share of offered commitments given the right side.

CRM posts (``tests/domain/corpus/crm_<part>.json``, Slack message events): recall is the
share of stage changes recognised at all, precision the share of recognised posts that
really were stage changes, *stage* the share of recognised changes given the right stage
and *deal* the share given the right deal name. The TEST score is the one that counts;
the DEV corpus is what the rules were tuned on.
"""

from __future__ import annotations

import json
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT / "tests" / "domain" / "corpus"


@dataclass(frozen=True)
class Score:
    """Counts behind the reported ratios."""

    found: int  # detections (offers, or recognised stage changes)
    right: int  # detections that are true (right side; a real stage change)
    expected: int  # labelled positives
    side_or_stage: int  # detections of real positives with the right side / stage
    real_found: int  # detections of real positives (whatever side / stage)
    deal: int = 0  # CRM only: right deal name

    @property
    def precision(self) -> float:
        return self.right / self.found if self.found else 1.0

    @property
    def recall(self) -> float:
        return self.right / self.expected if self.expected else 1.0


def load_commitments(part: str) -> list[tuple[str, str]]:
    """(label, text) rows of ``commitments_<part>.tsv``."""
    rows = []
    for line in (CORPUS / f"commitments_{part}.tsv").read_text(encoding="utf-8").splitlines():
        label, _, text = line.partition("\t")
        if text and label in ("give", "get", "none"):
            rows.append((label, text))
    return rows


def load_crm(part: str) -> list[dict[str, Any]]:
    """Posts of ``crm_<part>.json``: each a Slack event with its expected answer."""
    return json.loads((CORPUS / f"crm_{part}.json").read_text(encoding="utf-8"))


def score_commitments(part: str, errors: list[str]) -> Score:
    from bot.domain.detector import detect_commitment

    found = right = expected = side_ok = real_found = 0
    for label, text in load_commitments(part):
        detection = detect_commitment(text)
        predicted = detection.side if detection else "none"
        expected += label != "none"
        if detection is not None:
            found += 1
            if label != "none":
                real_found += 1
                side_ok += predicted == label
            right += predicted == label
        if predicted != label:
            errors.append(f"  {label:>4} -> {predicted:<4} {text}")
    return Score(found=found, right=right, expected=expected, side_or_stage=side_ok, real_found=real_found)


def score_crm(part: str, errors: list[str]) -> Score:
    from bot.domain.crm import parse_crm_message

    found = right = expected = stage_ok = deal_ok = 0
    for post in load_crm(part):
        want = post["expected"]
        change = parse_crm_message(post["event"])
        expected += want is not None
        if change is None:
            if want is not None:
                errors.append(f"  missed      {post['name']:<14} {_gist(post)}")
            continue
        found += 1
        if want is None:
            errors.append(f"  false alarm {post['name']:<14} {_gist(post)} -> {change.stage.value}")
            continue
        right += 1
        stage_ok += change.stage.value == want["stage"]
        deal_ok += change.deal.casefold() == want["deal"].casefold()
        if change.stage.value != want["stage"] or change.deal.casefold() != want["deal"].casefold():
            errors.append(
                f"  wrong       {post['name']:<14} {_gist(post)} -> "
                f"{change.deal!r} {change.stage.value} (want {want['deal']!r} {want['stage']})"
            )
    return Score(
        found=found, right=right, expected=expected, side_or_stage=stage_ok, real_found=right, deal=deal_ok
    )


def _gist(post: dict[str, Any]) -> str:
    from bot.domain.message_text import flatten_message

    return " / ".join(flatten_message(post["event"]).split("\n"))[:150]


def _ratio(part: int, whole: int) -> float:
    return part / whole if whole else 1.0


def report(parts: list[str], show_errors: bool) -> dict[str, dict[str, float]]:
    """Print the table; also return it (``{"crm test": {"recall": ...}}``) for callers."""
    sys.path.insert(0, str(ROOT))
    table: dict[str, dict[str, float]] = {}
    for part in parts:
        for path, scorer, third in (("commitments", score_commitments, "side"), ("crm", score_crm, "stage")):
            errors: list[str] = []
            s = scorer(part, errors)
            row = {"precision": s.precision, "recall": s.recall, third: _ratio(s.side_or_stage, s.real_found)}
            if path == "crm":
                row["deal"] = _ratio(s.deal, s.right)
            table[f"{path} {part}"] = row
            n = len(load_commitments(part)) if path == "commitments" else len(load_crm(part))
            print(f"{path:<12} {part:<5} n={n:<4} " + "  ".join(f"{k} {v:.3f}" for k, v in row.items()))
            if show_errors and errors:
                print("\n".join(errors))
    return table


def main(argv: list[str]) -> int:
    """Print the scores; exit status 0 (a measurement, not a gate)."""
    parts = ["dev", "test"]
    if "--part" in argv:
        parts = [argv[argv.index("--part") + 1]]
    parts = [p for p in parts if (CORPUS / f"commitments_{p}.tsv").exists()]
    report(parts, "--errors" in argv)
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
