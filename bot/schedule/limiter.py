"""Pacing scheduled posts so a Monday-morning wave of digests stays inside Slack's limits.

``chat.postMessage`` is a "special" tier: about one message per second per channel,
short bursts tolerated, plus a workspace-wide ceiling Slack does not publish as a number.
So every scheduled post waits for two things: one second since the last post to the same
conversation, and its turn in a workspace-wide pace (a GCRA token bucket, 1/s by default,
configurable). A 429 that survives slack-sdk's own Retry-After retries pushes the
workspace's next turn back by the Retry-After, so the posts behind it back off too.

Time and sleep are injected: production uses ``time.monotonic``/``time.sleep`` (or an
interruptible wait); tests pass a recorder and never sleep. The limiter keeps its own
cursor, so with a recording ``sleep`` that doesn't move time the pacing is still exact.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable

PER_CHANNEL_INTERVAL = 1.0
WORKSPACE_RATE = 1.0  # posts per second, sustained
WORKSPACE_BURST = 1  # posts allowed back to back before the pace applies


class PostLimiter:
    """Reserves a send slot per (workspace, conversation); thread-safe."""

    def __init__(
        self,
        *,
        per_channel_interval: float = PER_CHANNEL_INTERVAL,
        workspace_rate: float = WORKSPACE_RATE,
        workspace_burst: int = WORKSPACE_BURST,
        monotonic: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], object] = time.sleep,
    ) -> None:
        if workspace_rate <= 0 or per_channel_interval < 0 or workspace_burst < 1:
            raise ValueError("rates must be positive")
        self.per_channel_interval = per_channel_interval
        self.interval = 1.0 / workspace_rate
        self.tolerance = (workspace_burst - 1) * self.interval
        self.monotonic = monotonic
        self.sleep = sleep
        self._lock = threading.Lock()
        self._cursor = float("-inf")  # the latest slot handed out: time as the limiter sees it
        self._channel_next: dict[tuple[str, str], float] = {}
        self._workspace_tat: dict[str, float] = {}  # GCRA "theoretical arrival time" per workspace

    def _now(self) -> float:
        return max(self.monotonic(), self._cursor)

    def reserve(self, workspace: str, channel: str) -> float:
        """Book the next slot for a post and return how long to wait for it (no sleeping)."""
        with self._lock:
            now = self._now()
            tat = self._workspace_tat.get(workspace, now)
            ready = max(now, tat - self.tolerance, self._channel_next.get((workspace, channel), now))
            self._workspace_tat[workspace] = max(tat, ready) + self.interval
            self._channel_next[(workspace, channel)] = ready + self.per_channel_interval
            self._cursor = ready
            if len(self._channel_next) > 10_000:  # forget conversations whose turn is long past
                self._channel_next = {k: v for k, v in self._channel_next.items() if v > ready}
            return ready - now

    def wait(self, workspace: str, channel: str) -> float:
        """Block until a post to ``channel`` may go out; returns the seconds waited."""
        delay = self.reserve(workspace, channel)
        if delay > 0:
            self.sleep(delay)
        return delay

    def penalize(self, workspace: str, seconds: float) -> None:
        """Slack said 429 with Retry-After ``seconds``: nobody in that workspace posts before."""
        with self._lock:
            now = self._now()
            later = now + max(0.0, seconds) + self.tolerance
            self._workspace_tat[workspace] = max(self._workspace_tat.get(workspace, now), later)
