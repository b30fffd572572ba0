"""What the message-weight guard adds to rendering a message, as a ratio to the render itself.

Run from the repository root::

    python bench/block_weight.py [--rounds 300]

Every message the bot renders is weighed (its text in blocks plus 125 a block, against the
12,000 Slack takes before it answers ``msg_blocks_too_long``; see bot/messages.py). This
renders two of the heaviest real surfaces, the deal list of a channel of 45 deals with the
longest escaping names and a reminders DM of the most items it holds, ``rounds`` times
each, and times the weighing alone on the same payloads; the ratio (weighing / whole
render) is what to compare across machines. Goal: under 10 % of a render (a heavy message
is rendered a few times a day; Slack takes 100 ms or more to answer its post).
"""

from __future__ import annotations

import argparse
import sys
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bot.domain.ledger import Commitment  # noqa: E402
from bot.domain.reminder_batch import fit  # noqa: E402
from bot.domain.stages import Stage  # noqa: E402
from bot.messages import _fit_weight, render  # noqa: E402
from bot.services.deals import Deal  # noqa: E402

TODAY = date(2026, 11, 23)
NOW = datetime(2026, 11, 23, 15, 0, tzinfo=UTC)
TEXT = ("R&D <pilot> \U0001F600 " * 40)[:300]


def items(count: int) -> list[Commitment]:
    made = NOW - timedelta(days=2)
    return [Commitment(n, "give" if n % 2 else "get", f"{n} {TEXT}", "U0ALICE", "U0ALICE", made,
                       due_on=TODAY + timedelta(days=1), counterpart=TEXT if n % 2 == 0 else None)
            for n in range(1, count + 1)]


def contexts() -> dict[str, dict]:
    deals = [Deal(name=f"D{n:02d} " + "R&D <&>" * 11, stage=Stage.NEGOTIATION,
                  updated_at=NOW - timedelta(days=n), updated_by="U0ALICE") for n in range(45)]
    reminders = [{"item": item, "channel": "C0DEAL", "state": "due", "days_left": 1, "today": TODAY,
                  "value": {"channel": "C0DEAL", "number": item.number, "job": f"j{item.number}"},
                  "snooze_days": 3} for item in items(30)]
    shown, hidden = fit([("C0DEAL", reminders)])
    return {
        "deal_list": {"deals": deals},
        "reminders": {"channels": shown, "hidden": hidden, "total": 30, "overdue": 0},
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rounds", type=int, default=300)
    rounds = parser.parse_args().rounds
    for name, context in contexts().items():
        started = time.perf_counter()
        payloads = [render(name, **context) for _ in range(rounds)]
        rendering = time.perf_counter() - started
        started = time.perf_counter()
        for payload in payloads:
            _fit_weight(payload["blocks"])
        weighing = time.perf_counter() - started
        print(f"{name:12} {len(payloads[0]['blocks']):3} blocks  render {rendering / rounds * 1e3:6.3f} ms"
              f"  weighing {weighing / rounds * 1e3:6.3f} ms  ratio {weighing / rendering:6.2%}")


if __name__ == "__main__":
    main()
