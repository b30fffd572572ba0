"""Fill the CRM post shapes with deals and vendor stage names: ``crm_<part>.json``.

Run from the repository root after editing a shapes file::

    python tests/domain/corpus/build_crm_corpus.py

Each shape is filled ``COPIES`` times, deterministically (no randomness), with a different
deal, owner, amount and a (from, to) pair taken from the shape's vendor vocabulary, so the
same shape is seen with several stage names. The output is committed; the scorers and the
end-to-end test read the JSON, never the shapes.
"""

from __future__ import annotations

import importlib.util
import json
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
COPIES = 5
EXPECTED_FOR_KIND = {"won": "signed", "lost": "lost"}


def _load(part: str) -> Any:
    spec = importlib.util.spec_from_file_location(f"crm_{part}_shapes", HERE / f"crm_{part}_shapes.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _fill(value: Any, slots: dict[str, str]) -> Any:
    if isinstance(value, str):
        for key, text in slots.items():
            value = value.replace("{" + key + "}", text)
        return value
    if isinstance(value, list):
        return [_fill(v, slots) for v in value]
    if isinstance(value, dict):
        return {k: _fill(v, slots) for k, v in value.items()}
    return value


def build(part: str) -> list[dict[str, Any]]:
    """Every filled post of one corpus part, with its expected answer."""
    shapes = _load(part)
    posts: list[dict[str, Any]] = []
    for i, (vendor, vocab_name, kind, event) in enumerate(shapes.SHAPES):
        vocab = shapes.VOCAB[vocab_name]
        for j in range(COPIES):
            to_raw, to_stage = vocab[(i + 3 * j) % len(vocab)]
            frm_raw = vocab[(i + 3 * j + len(vocab) - 1) % len(vocab)][0]
            deal = shapes.DEALS[(7 * i + 5 * j) % len(shapes.DEALS)]
            n = 1000 * i + j
            slots = {
                "deal": deal, "to": to_raw, "frm": frm_raw,
                "owner": shapes.OWNERS[(i + j) % len(shapes.OWNERS)],
                "amt": f"${(n * 37) % 90 + 10},{(n * 13) % 900 + 100}",
                "amt2": f"${(n * 41) % 90 + 10},{(n * 17) % 900 + 100}",
                "days": str(14 + (n % 40)), "id": str(880000 + n),
            }  # fmt: skip
            filled = _fill(event, slots)
            message = {
                "type": "message",
                "subtype": "bot_message",
                "bot_id": f"B0{vendor.upper()[:8]}",
                "username": vendor,
                "ts": f"17170{i:04d}.{j:06d}",
                **filled,
            }
            if kind == "none":
                expected = None
            else:
                expected = {"deal": deal, "stage": EXPECTED_FOR_KIND.get(kind, to_stage)}
            posts.append(
                {
                    "name": f"{part}-{i:03d}-{j}",
                    "vendor": vendor,
                    "kind": kind,
                    "shape": i,
                    "event": message,
                    "expected": expected,
                }
            )
    return posts


def main() -> None:
    for part in ("test", "dev"):
        if (HERE / f"crm_{part}_shapes.py").exists():
            posts = build(part)
            (HERE / f"crm_{part}.json").write_text(json.dumps(posts, ensure_ascii=False, indent=1) + "\n")
            print(f"crm_{part}.json: {len(posts)} posts")


if __name__ == "__main__":
    main()
