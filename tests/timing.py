"""Bounds for tests that check the bot stays responsive or linear, never how fast it is.

The suite runs on two worker processes on two cores, and CI machines are shared: a call
that takes a millisecond alone can wait a second for a core. Each bound here is far above
the normal time and far below the failure it guards against (a frozen process, a regular
expression backtracking for minutes), so it fails only for that failure.
"""

from __future__ import annotations

import time
from collections.abc import Callable

#: An HTTP answer while the server is busy or under attack (Slack gives up at 3 s).
RESPONSIVE_SECONDS = 2.5
#: One call of a pure function on hostile input that a linear-time implementation does in
#: milliseconds and a backtracking one would not finish.
LINEAR_SECONDS = 5.0


def cost_ratio(work: Callable[[], object], baseline: Callable[[], object], rounds: int = 7) -> float:
    """How many times ``baseline`` one call of ``work`` costs, measured side by side: the
    fastest of ``rounds`` interleaved tries of each, in this thread's CPU time, so neither
    a busy moment nor other processes taking the cores can skew it (wall time did, on a
    machine with ten processes per core)."""
    best_work = best_base = float("inf")
    for _ in range(rounds):
        for fn, is_work in ((work, True), (baseline, False)):
            started = time.thread_time()
            fn()
            spent = time.thread_time() - started
            if is_work:
                best_work = min(best_work, spent)
            else:
                best_base = min(best_base, spent)
    return best_work / max(best_base, 1e-9)
