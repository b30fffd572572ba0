"""What the replay guard for clicks and forms costs a `/partner give`.

Run from the repository root::

    python bench/replay_guard.py

Every request passes every global middleware, so the guard that remembers clicks' and
forms' trigger ids (:mod:`bot.listeners.replay_guard`) also sees each slash command, where
it has nothing to do. Timed here on a `/partner give` payload, in the same run, against
the workspace guard (:mod:`bot.listeners.workspace_guard`), a middleware every request
already passed before it. `bench/ack_latency.py --quick` measures whole acks; this isolates
the one new step, which the noise of a shared machine would hide there.
"""

from __future__ import annotations

import sys
import timeit
from pathlib import Path
from types import SimpleNamespace

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bot.listeners.replay_guard import make_replay_guard  # noqa: E402
from bot.listeners.workspace_guard import make_workspace_guard  # noqa: E402
from bot.slack.lean_middleware import LeanMiddleware  # noqa: E402

GIVE = {"command": "/partner", "text": "give the deck by Friday", "channel_id": "C0DEAL",
        "user_id": "U0ALICE", "team_id": "T0001", "trigger_id": "1234567890.1234567890.abcdef"}
CALLS = 200_000


def per_call(middleware: LeanMiddleware, request: SimpleNamespace) -> float:
    """Microseconds one call takes (the best of five rounds)."""
    rounds = timeit.repeat(lambda: middleware.process(req=request, resp=None, next=lambda: None),
                           number=CALLS, repeat=5)
    return min(rounds) / CALLS * 1e6


def main() -> int:
    services = SimpleNamespace(receipts=object(), client_for=None)
    context = SimpleNamespace(client=None, respond=None, authorize_result=None,
                              team_id="T0001", enterprise_id=None)
    request = SimpleNamespace(body=GIVE, context=context)
    replay = per_call(LeanMiddleware(make_replay_guard(services)), request)  # type: ignore[arg-type]
    workspace = per_call(LeanMiddleware(make_workspace_guard(services)), request)  # type: ignore[arg-type]
    print(f"on a /partner give payload, {CALLS:,} calls, best of 5:")
    print(f"  workspace guard (baseline)  {workspace:6.2f} µs")
    print(f"  replay guard                {replay:6.2f} µs  × {replay / workspace:.2f} the baseline")
    return 0


if __name__ == "__main__":
    sys.exit(main())
