"""One scheduler per PostgreSQL database, however many `serve` processes share it.

Every process runs a :class:`LeaderElection` instead of its scheduler. It keeps one
dedicated connection (outside the store's pool, in autocommit) and every few seconds
tries ``pg_try_advisory_lock(LEADER_LOCK_KEY, hashtext(current_schema()))`` — a *session*
lock, held for as long as that connection lives. The process holding it is the leader and runs the APScheduler
:class:`~bot.schedule.scheduler.Scheduler`; the others only serve HTTP.

* A leader that dies (even ``kill -9``) loses its connection, PostgreSQL releases the
  lock, and another process wins it on its next try (within ``interval`` seconds). Its
  start-up sweep then runs whatever came due in between.
* A leader whose connection fails (a database restart, a network cut) stops its scheduler
  (letting a post in hand finish) and goes back to trying for the lock.
* Two leaders can still overlap for a moment (the old one still finishing a post when the
  new one wins): the dispatcher's ``sending`` lease (a compare-and-set on the job record,
  see :attr:`~bot.schedule.dispatcher.Dispatcher.sending_lease`) keeps them from both
  posting the same job.

The TinyDB store needs none of this: it allows a single process per file (a lock file).
"""

from __future__ import annotations

import logging
import os
import threading
from datetime import timedelta
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection, Engine

from bot.schedule.scheduler import Scheduler

log = logging.getLogger(__name__)

#: The advisory lock of "the scheduler" is the pair (LEADER_LOCK_KEY, hashtext(current_schema())):
#: a constant (b"PCsc" as an int4), and the schema, so installs in separate schemas of one
#: database (test runs, staging next to production) each elect their own leader.
LEADER_LOCK_KEY = 0x50_43_73_63
_LOCK_ARGS = ":k, hashtext(current_schema())"
_HOLDING = (
    "SELECT EXISTS (SELECT 1 FROM pg_locks WHERE locktype = 'advisory' AND granted"
    " AND pid = pg_backend_pid() AND classid::bigint = :k"
    " AND objid::bigint = (hashtext(current_schema())::bigint & 4294967295))"
)
LEADER_POLL_SECONDS = 3.0
#: How often the leader looks for due jobs that other processes created (no alarm here).
DUE_POLL_SECONDS = 5.0
APPLICATION_NAME = "partner-coach scheduler"


class LeaderElection:
    """A :class:`~bot.runtime.Background` worker: runs ``scheduler`` while holding the lock."""

    def __init__(
        self,
        engine: Engine,
        scheduler: Scheduler,
        *,
        key: int = LEADER_LOCK_KEY,
        interval: float = LEADER_POLL_SECONDS,
        sending_lease: timedelta | None = None,
    ) -> None:
        # A pool-less engine of its own: the lock lives on exactly one connection, which the
        # store's pool must never hand to anyone else (nor recycle).
        self._engine = _lock_engine(engine.url)
        self.scheduler = scheduler
        self.key = key
        self.interval = interval
        # Applied to the dispatcher once the election runs (`serve`): only then may another
        # process be sending a job. Tests and the demo drive the dispatcher in-process
        # without an election, and keep recovering a left-over ``sending`` job at once.
        self.sending_lease = sending_lease
        self._conn: Connection | None = None
        self._leader = threading.Event()
        self._stopping = threading.Event()
        self._retired = threading.Event()  # shutting down: lead on if leading, never start to
        self._thread: threading.Thread | None = None

    @property
    def is_leader(self) -> bool:
        return self._leader.is_set()

    def start(self) -> None:
        if self._thread is not None:
            return
        dispatcher = getattr(self.scheduler, "dispatcher", None)
        if self.sending_lease is not None and dispatcher is not None:
            dispatcher.sending_lease = self.sending_lease
        self._stopping.clear()
        self._thread = threading.Thread(target=self._run, name="leader-election", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        """Stop trying; a leader stops its scheduler and gives the lock back."""
        self._stopping.set()
        if self._thread is not None:
            self._thread.join(timeout=60)
            self._thread = None
        self._step_down()
        self._engine.dispose()

    def retire(self) -> None:
        """This process is shutting down: never take the lock from now on. Returns at once
        (safe in a signal handler); a leader keeps its scheduler until :meth:`stop`. Without
        it, a gunicorn worker finishing its last requests after SIGTERM could win the lock
        its stopping siblings just gave back, and start a scheduler only to stop it. A leader
        keeps checking its lock meanwhile, and steps down if it loses it."""
        self._retired.set()

    def wait_leader(self, timeout: float) -> bool:
        """True once this process leads (tests)."""
        return self._leader.wait(timeout)

    # ------------------------------------------------------------------ loop

    def _run(self) -> None:
        while not self._stopping.is_set():
            try:
                self.step()
            except Exception:  # noqa: BLE001 - never let the election thread die
                log.exception("leader election step failed")
            self._stopping.wait(self.interval)

    def step(self) -> None:
        """One round: check the lock we hold, or try to take it."""
        if self._leader.is_set():
            if not self._alive():
                log.warning("lost the scheduler lock's database connection; stopping the scheduler")
                self._step_down()
            return
        if self._retired.is_set():
            return
        if self._try_lock():
            if self._stopping.is_set() or self._retired.is_set():
                self._step_down()
                return
            self._leader.set()
            log.info("this process now runs the scheduler (advisory lock %s)", self.key)
            try:
                self.scheduler.start()
            except Exception:
                log.exception("scheduler failed to start; giving up leadership")
                self._step_down()

    def _try_lock(self) -> bool:
        try:
            if self._conn is None:
                self._conn = self._engine.connect()
            return bool(self._conn.execute(
                sa.text(f"SELECT pg_try_advisory_lock({_LOCK_ARGS})"), {"k": self.key}).scalar())
        except sa.exc.SQLAlchemyError as exc:
            log.warning("scheduler lock: database unavailable (%s)", _first_line(exc))
            self._close_conn()
            return False

    def _alive(self) -> bool:
        conn = self._conn
        if conn is None:
            return False
        try:
            # Still our session, still holding the lock (never a silently reconnected one).
            return bool(conn.execute(sa.text(_HOLDING), {"k": self.key}).scalar())
        except sa.exc.SQLAlchemyError:
            return False

    def _step_down(self) -> None:
        was_leader = self._leader.is_set()
        self._leader.clear()
        if was_leader:
            try:
                self.scheduler.stop()
            except Exception:
                log.exception("stopping the scheduler failed")
        if self._conn is not None and was_leader and self._alive():
            try:
                self._conn.execute(sa.text(f"SELECT pg_advisory_unlock({_LOCK_ARGS})"), {"k": self.key})
            except sa.exc.SQLAlchemyError:
                pass
        self._close_conn()

    def _close_conn(self) -> None:
        conn, self._conn = self._conn, None
        if conn is not None:
            try:
                conn.close()
            except Exception:  # noqa: BLE001 - a dead connection may fail to close
                pass


def _lock_engine(url: sa.URL) -> Engine:
    connect_args: dict[str, Any] = {
        "connect_timeout": 10,
        # Who holds the lock, for operators (and tests): pg_stat_activity.application_name.
        "application_name": f"{APPLICATION_NAME} {os.getpid()}",
        # Notice a dead peer in seconds rather than hours (the lock dies with the session).
        "keepalives": 1,
        "keepalives_idle": 10,
        "keepalives_interval": 5,
        "keepalives_count": 3,
    }
    return sa.create_engine(
        url, poolclass=sa.NullPool, isolation_level="AUTOCOMMIT", connect_args=connect_args
    )


def _first_line(exc: BaseException) -> str:
    orig = getattr(exc, "orig", None) or exc
    lines = str(orig).strip().splitlines()
    return lines[0] if lines else type(exc).__name__
