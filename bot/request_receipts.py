"""Slack requests this bot has taken, remembered in the store for as long as they can be replayed.

Slack never retries a slash command or a click with a new signature, and every invocation
gets its own ``trigger_id``: the same trigger twice is a redelivery, or someone replaying a
captured request within its 5 signed minutes. Remembering triggers in memory only (as
before) let a replay sent after a restart, or to another process, run again: a captured
`/partner deal Acme negotiation` moved a signed deal back, a captured `give` logged a kept
promise a second time.

Each trigger is noted in its channel's own scope with :meth:`bot.store.base.Store.note`, so
a command that writes its channel carries the note in the same journal line and sync (no
cost a `/partner give` can measure: ``bench/channel_growth.py``). Notes older than the replay
window (a request's timestamp is accepted 5 minutes either way, so 10) are deleted after the
ack, at most once per channel per window.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable

from bot.store import Scope, Store
from bot.timestamped_signature import MAX_SKEW_SECONDS

KIND = "slack-trigger"
#: A trigger matters while its request's timestamp could still be accepted (seconds).
KEPT = 2 * MAX_SKEW_SECONDS


class RequestReceipts:
    """Which triggers this bot has taken (see the module), kept in the store."""

    def __init__(self, store: Store, wall: Callable[[], float] = time.time) -> None:
        self._store = store
        # The wall clock (Unix seconds), which request timestamps are checked against, not
        # the bot's clock.
        self._wall = wall
        self._tidied: dict[Scope, float] = {}
        self._lock = threading.Lock()

    def first(self, scope: Scope, trigger: str) -> bool:
        """True the first time ``trigger`` reaches this bot (any process, any start)."""
        return self._store.note(scope, KIND, trigger, {"trigger": trigger, "at": int(self._wall())})

    def tidy(self, scope: Scope) -> int:
        """Forget the channel's triggers too old to be replayed (once per window per channel;
        call it after the ack). How many were forgotten."""
        now = self._wall()
        with self._lock:
            last = self._tidied.get(scope)
            if last is not None and 0 <= now - last < KEPT:
                return 0
            if len(self._tidied) > 10_000:
                self._tidied.clear()
            self._tidied[scope] = now
        with self._store.transaction(scope):
            gone = [str(doc.get("trigger")) for doc in self._store.find(scope, KIND)
                    if not isinstance(doc.get("at"), int) or doc["at"] < now - KEPT]
            for key in gone:
                self._store.delete(scope, KIND, key)
        return len(gone)

