"""Can any text someone types or posts make a reader take longer than Slack's 3 seconds?

Run from the repository root::

    python bench/adversarial_text.py              # about a minute
    python bench/adversarial_text.py --texts 50   # quicker, fewer texts per reader

Every reader that runs before an ack, or on every message of a channel, gets the longest
text it accepts (a slash command's 2,000 characters; a message's 2,000, the length past
which messages aren't read for commitments; a CRM post of 60 lines of 500), built to be
costly: random runs of the readers' own vocabulary (date words, subjects, promise
markers, CRM stage words, mentions, punctuation) and one word repeated to the end. The
worst of those texts is reported with its time as a ratio to the same reader on an
ordinary text, measured in the same run (the baseline), and as a share of Slack's 3 s.

A linear reader shows a ratio in the tens (a 2,000-character text against a 25-character
one); a reader that blows up shows thousands, and a share of the 3 s that counts.
"""

from __future__ import annotations

import argparse
import random
import sys
import time
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bot.domain.commands import MAX_COMMAND_TEXT, UsageError, parse_command  # noqa: E402
from bot.domain.crm import parse_crm_post  # noqa: E402
from bot.domain.dates import DueDateError, parse_due  # noqa: E402
from bot.domain.detector import MAX_TEXT_LENGTH, detect_commitment, detect_meeting_end  # noqa: E402
from bot.domain.refusal import Refused  # noqa: E402

NOW = datetime(2026, 11, 23, 15, tzinfo=UTC)
SLACK_ACK_SECONDS = 3.0
WORDS = [
    "by", "before", "until", "next", "friday", "end", "of", "month", "in", "2", "days", "weeks",
    "the", "<@U123>", "<!channel>", "<http://x|y>", "from", "at", "5pm", "PT", "week", "after",
    "monday", "Q1", "EOD", "tomorrow", "on", "Dec", "25", "2026", "-", "/", ":", "12/25", "a",
    "to", "first", "last", "business", "day", "Christmas", "within", "noon", "(private)",
    "I'll", "we'll", "they'll", "will", "gonna", "send", "share", "intro", "promised", "agreed",
    "Acme", "Corp", "Deal", "stage", "changed", "→", "Negotiation", "closedwon", "moved",
    "call", "meeting", "just", "got", "off", "with", "*", "_", "&", ";", ",", ".", "!", "'", "\"",
    "🎄", "\u200f", "É", "我们",
]
ORDINARY = "the security questionnaire by Friday"


def _time(read: Callable[[str], object], text: str) -> float:
    started = time.perf_counter()
    try:
        read(text)
    except (UsageError, DueDateError, Refused, ValueError):
        pass  # refused is an answer too; its time counts the same
    return time.perf_counter() - started


def _texts(rng: random.Random, length: int, count: int) -> list[str]:
    texts = []
    for n in range(count):
        if n % 2:
            word = rng.choice(WORDS) + rng.choice([" ", "", ",", "  "])
            texts.append((word * (length // len(word) + 1))[:length])
        else:
            out: list[str] = []
            while sum(len(w) + 1 for w in out) < length:
                out.append(rng.choice(WORDS))
            texts.append(" ".join(out)[:length])
    return texts


def _crm_texts(rng: random.Random, count: int) -> list[str]:
    return ["\n".join(text[:500] for text in _texts(rng, 500, 60)) for _ in range(count)]


def readers() -> dict[str, tuple[Callable[[str], object], int]]:
    """Each reader with the longest text it is given (characters)."""
    command = MAX_COMMAND_TEXT
    found: dict[str, tuple[Callable[[str], object], int]] = {}
    for sub in ("give", "get", "edit 3", "meeting", "deal Acme", "digest weekly", "checkins", "crm pattern"):
        found[f"/partner {sub} …"] = ((lambda t, s=sub: parse_command(f"{s} {t}"[:command])), command)
    found["due date"] = ((lambda t: parse_due(t, NOW, "America/New_York")), command)
    found["commitment in a message"] = ((lambda t: detect_commitment(t)), MAX_TEXT_LENGTH)
    found["meeting end in a message"] = ((lambda t: detect_meeting_end(t)), MAX_TEXT_LENGTH)
    return found


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--texts", type=int, default=200, help="adversarial texts per reader")
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    rng = random.Random(args.seed)
    print(f"{args.texts} adversarial texts per reader; ms, × the same reader on {ORDINARY!r} (this run)")
    print(f"{'reader':34} {'chars':>6} {'ordinary':>9} {'worst':>9} {'× ordinary':>11} {'of 3 s':>8}")
    worst_share = 0.0
    cases = {name: (read, _texts(rng, length, args.texts), length)
             for name, (read, length) in readers().items()}
    # Read only in bots' posts (a CRM's); fewer texts, each 15 times as long.
    cases["CRM post (60 lines of 500)"] = (lambda t: parse_crm_post(t),
                                           _crm_texts(rng, max(10, args.texts // 10)), 30_060)
    for name, (read, texts, length) in cases.items():
        ordinary = min(_time(read, ORDINARY) for _ in range(20))
        worst = max(_time(read, text) for text in texts)
        share = worst / SLACK_ACK_SECONDS
        worst_share = max(worst_share, share)
        print(f"{name:34} {length:>6} {ordinary * 1000:>9.3f} {worst * 1000:>9.2f} "
              f"{worst / ordinary:>11.0f} {share:>8.2%}")
    print(f"\nworst reader took {worst_share:.2%} of Slack's 3 s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
