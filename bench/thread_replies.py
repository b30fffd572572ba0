"""What do 10,000 thread replies cost the store: records kept and synced writes?

Run from the repository root::

    python bench/thread_replies.py              # 10,000 replies, a few seconds

A debrief reminder is skipped when someone answered in its prompt's thread, so the listening
service notes answered threads. It used to note the first reply of every thread in every
channel, forever, with one synced write (a journal line and an fsync) per new thread. It now
notes only replies to the bot's own posts (Slack's ``parent_user_id``), dates the note, and
deletes it once no reminder can ask (or as soon as the reminder is settled).

The workload, played through ``Listening.on_message`` on a TinyDB store in this process: 10,000
replies, each the first in its thread (the worst case: every reply a new thread), spread over
50 channels and a simulated week (one reply a minute), 1 in 100 answering one of the bot's
posts; the scheduler's hourly prune runs as ``serve`` would. The baseline is the old rule
(one note per new thread, never deleted) applied to the same events in the same run, on a
store of its own; results are reported as ratios to it.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from slack_sdk import WebClient  # noqa: E402

from bot.clock import FakeClock  # noqa: E402
from bot.container import build_services  # noqa: E402
from bot.services.listening import THREAD_REPLY  # noqa: E402
from bot.store import Scope, TinyDBStore  # noqa: E402
from bot.store.journal import Journal  # noqa: E402

TEAM, BOT_USER, PERSON = "T0001", "U0BOTBENCH", "U0PERSON1"
START = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)


def events(replies: int, channels: int, bot_share: int) -> list[tuple[str, dict]]:
    """(channel, message event) for each reply: every ``bot_share``-th answers the bot."""
    out = []
    for n in range(replies):
        parent = BOT_USER if n % bot_share == 0 else "U0SOMEONE"
        thread, ts = f"{1795000000 + n}.000100", f"{1795000000 + n}.000200"
        channel = f"C{n % channels:08d}"
        out.append((channel, {"type": "message", "channel": channel, "user": PERSON, "ts": ts,
                              "thread_ts": thread, "parent_user_id": parent,
                              "text": "thanks, sounds good"}))
    return out


def run(path: Path, played: list[tuple[str, dict]], *, old_rule: bool) -> dict[str, int]:
    """Play the replies; what the store holds afterwards and how many journal lines it wrote."""
    clock = FakeClock(START)
    store = TinyDBStore(path)
    services = build_services(store, clock, WebClient(token="xoxb-bench", base_url="http://127.0.0.1:9/"))
    lines = [0]
    append = Journal.append

    def counting(self: Journal, key: str, changes: dict) -> int:
        lines[0] += 1
        return append(self, key, changes)

    Journal.append = counting  # type: ignore[method-assign]
    try:
        for n, (channel, event) in enumerate(played):
            scope = Scope(TEAM, channel)
            if old_rule:  # what on_message did before: the first reply of every thread, kept
                store.add_once(scope, THREAD_REPLY, event["thread_ts"], {"first_reply": event["ts"]})
            else:
                services.listening.on_message(services.actor(TEAM, channel, PERSON), event,
                                              bot_user=BOT_USER)
            clock.advance(timedelta(minutes=1))
            if n % 60 == 59 and not old_rule:  # the scheduler's sweep plans each channel hourly
                for scope in list(store.scopes()):
                    services.listening.prune_replies(scope, clock.now())
    finally:
        Journal.append = append  # type: ignore[method-assign]
    notes = sum(1 for scope in store.scopes() for kind, _, _ in store.records(scope) if kind == THREAD_REPLY)
    store.close()
    return {"notes kept": notes, "journal lines (synced writes)": lines[0], "file bytes": path.stat().st_size}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--replies", type=int, default=10_000)
    parser.add_argument("--channels", type=int, default=50)
    parser.add_argument("--bot-share", type=int, default=100, help="1 in N replies answers the bot (100)")
    args = parser.parse_args()
    played = events(args.replies, args.channels, args.bot_share)
    with tempfile.TemporaryDirectory() as tmp:
        before = run(Path(tmp) / "old.json", played, old_rule=True)
        after = run(Path(tmp) / "new.json", played, old_rule=False)
    print(f"{args.replies:,} thread replies over {args.channels} channels, 1 in {args.bot_share} "
          "to the bot's posts; old rule (baseline) -> now, ratio now/baseline:")
    for key in before:
        ratio = after[key] / before[key] if before[key] else float("nan")
        print(f"  {key:32} {before[key]:>10,} -> {after[key]:>8,}   x{ratio:.4f}")


if __name__ == "__main__":
    main()
