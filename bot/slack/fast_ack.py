"""Answer Slack the moment a listener acks, not at Bolt's next 10 ms poll.

Bolt (``process_before_response=False``) runs each listener on its thread pool and
has the request thread poll ``ack.response`` every 10 ms until the listener acks.
An ack that takes 1 ms is therefore sent after 10 ms, and one that takes 11 ms
(a busy moment) after 20 ms: a bare Bolt app spends most of a request's time in
that sleep (docs/performance.md).

Two public Bolt hooks remove the wait without changing what Bolt does:

* a global middleware gives each request a :class:`SignallingAck`, an ``Ack`` that
  sets an event when called, and leaves it for this request thread;
* the app's ``listener_executor`` (:class:`AckAwareExecutor`) submits the listener
  as Bolt asks, then blocks the request thread until that event is set or the
  listener has finished. When Bolt then looks at ``ack.response`` it is already
  there, so the request returns without sleeping.

Everything after the ack (posting to channels, opening modals) still runs on the
pool after the answer has gone, exactly as before.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from typing import Any

from slack_bolt import Ack, BoltContext

from bot.slack.listener_pool import LISTENER_THREADS, ListenerPool

#: How long the request thread waits for the ack at most: Bolt's own limit (3 s, Slack's
#: budget) applies after this, so waiting longer could only turn a late ack into none.
ACK_WAIT_SECONDS = 3.0
#: Threads for listeners still to ack, started only when none is free. A bound, not a size:
#: only listeners whose posts Slack holds keep one after their ack.
ACK_THREADS = 256

_pending = threading.local()


class SignallingAck(Ack):
    """Bolt's ``ack`` that also tells the waiting request thread it has been called."""

    def __init__(self) -> None:
        super().__init__()
        self.called = threading.Event()

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        try:
            return super().__call__(*args, **kwargs)
        finally:
            self.called.set()


def signalling_ack_middleware(context: BoltContext, next: Callable[[], Any]) -> Any:  # noqa: A002
    """Global middleware: this request's ack signals.

    Bolt has already put a plain ``Ack`` in the context by now; nothing has called it or
    kept it (the listener runner reads ``context.ack`` when it runs), so it is replaced.
    An ack already given (a middleware answered) is left alone.
    """
    ack = context.get("ack")
    if ack is None or (type(ack) is Ack and ack.response is None):
        ack = context["ack"] = SignallingAck()
    _pending.ack = ack if isinstance(ack, SignallingAck) else None
    return next()


class AckAwareExecutor(ListenerPool):
    """Bolt's listener pool (counting its tasks), returning from ``submit`` once the
    request's ack was called.

    Only the first submission after the middleware ran on this thread waits (the
    listener's ack function); lazy listeners and anything else submit as usual.

    A listener still to ack runs on threads of its own (``ack_threads``, started as
    needed), never queued behind the fixed pool: every listener posts after its ack, and
    when Slack holds those posts (a 429 with a long Retry-After, an outage) the threads
    wait on them, so a queued ack would miss Slack's 3 seconds. Listeners already acked
    (events, which Bolt acks itself) queue on the fixed pool. How many listeners wait for
    their ack at once is bounded by the server's request threads, each waiting for one.
    """

    def __init__(self, max_workers: int = LISTENER_THREADS, ack_threads: int = ACK_THREADS) -> None:
        super().__init__(max_workers)
        self._acking = ThreadPoolExecutor(max_workers=ack_threads, thread_name_prefix="bolt-ack")

    def submit(self, fn: Callable[..., Any], /, *args: Any, **kwargs: Any) -> Future[Any]:
        ack = getattr(_pending, "ack", None)
        _pending.ack = None
        if ack is None or ack.called.is_set():
            return super().submit(fn, *args, **kwargs)
        future = self._counted(self._acking.submit, fn, *args, **kwargs)
        future.add_done_callback(lambda _: ack.called.set())  # a listener that never acks
        ack.called.wait(ACK_WAIT_SECONDS)
        return future

    def after_ack(self, fn: Callable[..., Any], /, *args: Any, **kwargs: Any) -> Future[Any]:
        """Queue ``fn`` on the fixed pool, counted, without taking the request's pending ack:
        for a middleware that answers Slack itself and has work for after that answer."""
        return ListenerPool.submit(self, fn, *args, **kwargs)

    def shutdown(self, wait: bool = True, *, cancel_futures: bool = False) -> None:
        self._acking.shutdown(wait, cancel_futures=cancel_futures)
        super().shutdown(wait, cancel_futures=cancel_futures)
