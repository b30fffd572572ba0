"""One run at a time per key; the requests that arrive meanwhile become one more run after it.

A person's Home tab is rendered from every channel they are in: seconds of CPU for a member
of thousands of channels, all of it holding the interpreter that acks everyone's requests.
Slack sends ``app_home_opened`` for every visit to the tab, so opening it again and again
(or a client that does) would stack renders of the same view. With this, a burst of opens
costs at most two renders: the one in progress, and one after it that shows what changed
meanwhile.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Hashable


class Coalescer:
    """Runs ``work`` for a key unless a run for that key is in progress (then it reruns once)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._again: dict[Hashable, bool] = {}  # keys with a run in progress: asked again since?

    def run(self, key: Hashable, work: Callable[[], object]) -> bool:
        """Run ``work`` now, or leave it to the run in progress for ``key`` (which then runs
        once more when it ends); True when this call ran it."""
        with self._lock:
            if key in self._again:
                self._again[key] = True
                return False
            self._again[key] = False
        try:
            while True:
                work()
                with self._lock:  # decided and released under one lock: no ask is lost between
                    if not self._again[key]:
                        del self._again[key]
                        return True
                    self._again[key] = False
        except BaseException:
            with self._lock:  # a failed run gives the key up: the next ask runs afresh
                self._again.pop(key, None)
            raise
