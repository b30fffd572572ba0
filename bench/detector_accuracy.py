"""Precision, recall, F1 and a confusion matrix of the commitment detector over the corpus.

Run from the repository root::

    python bench/detector_accuracy.py [path/to/corpus.tsv] [--errors]

A commitment counts as a true positive only when detected with the right side; detecting
the wrong side is both a false positive (for the predicted side) and a false negative.
"""

from __future__ import annotations

import sys
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_CORPUS = ROOT / "tests" / "domain" / "corpus" / "commitments_dev.tsv"
LABELS = ("give", "get", "none")


def load_corpus(path: Path) -> list[tuple[str, str]]:
    """(label, text) rows of a ``label<TAB>text`` file; skips the header and # comments."""
    rows: list[tuple[str, str]] = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        label, _, text = line.partition("\t")
        if label == "label":
            continue
        rows.append((label.strip(), text))
    return rows


def main(argv: list[str]) -> int:
    """Print the report; exit status 0 (this is a measurement, not a gate)."""
    # Make ``bot`` importable when run as a plain script from anywhere.
    sys.path.insert(0, str(ROOT))
    from bot.domain.detector import detect_commitment

    show_errors = "--errors" in argv
    paths = [a for a in argv if not a.startswith("--")]
    corpus = Path(paths[0]) if paths else DEFAULT_CORPUS
    rows = load_corpus(corpus)

    confusion: Counter[tuple[str, str]] = Counter()
    errors: list[tuple[str, str, str]] = []
    for label, text in rows:
        found = detect_commitment(text)
        predicted = found.side if found else "none"
        confusion[(label, predicted)] += 1
        if predicted != label:
            errors.append((label, predicted, text))

    tp = sum(confusion[(side, side)] for side in ("give", "get"))
    fp = sum(confusion[(actual, p)] for p in ("give", "get") for actual in LABELS if actual != p)
    fn = sum(confusion[(side, p)] for side in ("give", "get") for p in LABELS if p != side)
    precision = tp / (tp + fp) if tp + fp else 1.0
    recall = tp / (tp + fn) if tp + fn else 1.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0

    counts = Counter(label for label, _ in rows)
    print(f"corpus: {corpus.relative_to(ROOT) if corpus.is_relative_to(ROOT) else corpus}")
    print(
        "rows: "
        + ", ".join(f"{label}={counts[label]}" for label in LABELS)
        + f" (total {len(rows)})"
    )
    print(f"precision: {precision:.3f}")
    print(f"recall:    {recall:.3f}")
    print(f"F1:        {f1:.3f}")
    print()
    print("confusion (rows = expected, columns = predicted)")
    print(f"{'':>8}" + "".join(f"{p:>8}" for p in LABELS))
    for actual in LABELS:
        print(f"{actual:>8}" + "".join(f"{confusion[(actual, p)]:>8}" for p in LABELS))
    if errors:
        print()
        print(f"{len(errors)} disagreement(s)" + ("" if show_errors else " (--errors to list)"))
        if show_errors:
            for label, predicted, text in errors:
                print(f"  {label:>4} -> {predicted:<4} {text}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
