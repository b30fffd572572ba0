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
    fastest of ``rounds`` interleaved tries of each, so a busy moment can't skew it.

    Both are timed in this thread's CPU time, not the wall clock: a call of some
    milliseconds is preempted in every try on a machine with more work than cores (at a
    load of 16 on two cores, a ratio bounded at 250 measured 466 by the wall clock), and
    the time spent waiting for a core is not the call's cost."""
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
