"""The thread pool Bolt runs listeners on, with a way to wait until it has nothing left to do.

Bolt acks a request first and runs the listener (and its lazy parts) on this pool, so
when the HTTP answer reaches Slack the work it started has been *submitted* but may not
have *run*. :meth:`ListenerPool.wait_idle` is the missing half: it returns once every
submitted task, and every task those tasks submitted, has finished. Tests use it as a
barrier before asserting that something did *not* happen; a graceful shutdown can use it
to let work already acknowledged finish.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from typing import Any

# Bolt's own default is 5 workers; the same here, so only the bookkeeping differs.
LISTENER_THREADS = 5


class ListenerPool(ThreadPoolExecutor):
    """A ThreadPoolExecutor that counts the tasks submitted and not yet finished."""

    def __init__(self, max_workers: int = LISTENER_THREADS) -> None:
        super().__init__(max_workers=max_workers, thread_name_prefix="bolt-listener")
        self._busy = 0
        self._started = 0
        self._idle = threading.Condition()

    def submit(self, fn: Callable[..., Any], /, *args: Any, **kwargs: Any) -> Future[Any]:
        """Count the task in before it is queued, out when it has run (even if it raised)."""
        return self._counted(super().submit, fn, *args, **kwargs)

    def _counted(self, submit: Callable[..., Future[Any]], fn: Callable[..., Any], /,
                 *args: Any, **kwargs: Any) -> Future[Any]:
        """``submit(fn, ...)`` on this pool or another, counted as this pool's task."""
        with self._idle:
            self._busy += 1
            self._started += 1
        try:
            future = submit(fn, *args, **kwargs)
        except BaseException:
            self._done()
            raise
        future.add_done_callback(lambda _: self._done())
        return future

    def _done(self) -> None:
        with self._idle:
            self._busy -= 1
            if self._busy == 0:
                self._idle.notify_all()

    @property
    def busy(self) -> int:
        """Tasks submitted and not yet finished."""
        with self._idle:
            return self._busy

    @property
    def started(self) -> int:
        """Tasks submitted since the pool was made: how many listener runs requests caused."""
        with self._idle:
            return self._started

    def wait_idle(self, timeout: float = 10.0) -> bool:
        """Block until no task is queued or running; False if ``timeout`` seconds passed first."""
        with self._idle:
            return self._idle.wait_for(lambda: self._busy == 0, timeout)
