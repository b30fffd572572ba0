"""APScheduler 3.x as the alarm clock, and nothing more.

The store's job records are the truth (:mod:`bot.schedule.jobs`); APScheduler only
wakes the :class:`~bot.schedule.dispatcher.Dispatcher` up:

* one ``date`` job per pending record, id ``job:<workspace>/<channel>:<job id>`` (stable, so
  re-arming a record replaces its alarm with ``replace_existing=True``);
* a periodic sweep (every 60 s) that plans new jobs from stored data (weekly digests,
  due-date reminders), prunes old ones and runs whatever is due — it catches anything an
  alarm missed;
* one sweep at start-up, so a job that came due while the bot was down runs once, late
  rather than never, and a job left in ``sending`` by a crash is checked and settled.

Every alarm has ``misfire_grace_time=None`` (run however late: APScheduler's default is a
1-second grace after which a late job is silently dropped), ``coalesce=True`` (several
missed firings run once) and ``max_instances=1``. A single worker thread runs them, and the
dispatcher itself runs one pass at a time, so firing twice can't post twice.

One scheduler per database
--------------------------
APScheduler keeps its jobs in this process's memory and the TinyDB store keeps its data in
this process's memory too: APScheduler's job stores can't be shared between processes, and
two processes on one database would each believe they own every pending job and each post
it. The exactly-once scheme (intent → post → record) protects against a crash of *one*
process, not against two processes racing on the same job. So only one process may run the
scheduler per database: the store takes an exclusive lock file (``<db>.lock``, see
:mod:`bot.store.lock`) and a second ``serve`` on the same database exits at once.
On PostgreSQL many ``serve`` processes share the database and elect the one that runs
the scheduler with an advisory lock (:mod:`bot.schedule.leader`).
"""

from __future__ import annotations

import logging
from datetime import UTC, datetime

from apscheduler.executors.pool import ThreadPoolExecutor
from apscheduler.jobstores.base import JobLookupError
from apscheduler.schedulers.background import BackgroundScheduler

from bot.schedule.dispatcher import Dispatcher
from bot.schedule.jobs import PENDING, ready_at
from bot.store import Doc, Scope

log = logging.getLogger(__name__)

SWEEP_ID = "sweep"
POLL_ID = "poll"
SWEEP_SECONDS = 60
JOB_DEFAULTS = {"misfire_grace_time": None, "coalesce": True, "max_instances": 1}


def alarm_id(scope: Scope, job_id: str) -> str:
    """The stable APScheduler id of a job record's alarm."""
    return f"job:{scope.workspace}/{scope.channel_id}:{job_id}"


class Scheduler:
    """Started by ``Runtime.start_background()`` (``serve``), never in tests or the demo,
    which call ``run_due``/``sweep`` themselves with a FakeClock."""

    def __init__(self, dispatcher: Dispatcher, *, sweep_seconds: float = SWEEP_SECONDS,
                 poll_seconds: float | None = None) -> None:
        self.dispatcher = dispatcher
        self.sweep_seconds = sweep_seconds
        # Several processes on one database (PostgreSQL): jobs created by another process
        # arm no alarm here, so the leader also looks for due jobs every poll_seconds.
        self.poll_seconds = poll_seconds
        self.aps: BackgroundScheduler | None = None

    def start(self) -> None:
        """Arm every pending job, start the periodic sweep and run one sweep at once."""
        if self.aps is not None:
            return
        self.dispatcher.resume()  # started again after a stop (a leader re-elected)
        # APScheduler logs every run at INFO (three lines a minute for the sweep alone).
        for name in ("apscheduler.scheduler", "apscheduler.executors.default"):
            logging.getLogger(name).setLevel(logging.WARNING)
        self.aps = BackgroundScheduler(
            timezone=UTC,
            executors={"default": ThreadPoolExecutor(max_workers=1)},
            job_defaults=dict(JOB_DEFAULTS),
        )
        self.aps.add_job(
            self._sweep, "interval", seconds=self.sweep_seconds, id=SWEEP_ID, name="sweep",
            replace_existing=True, next_run_time=datetime.now(UTC), **JOB_DEFAULTS,
        )
        if self.poll_seconds:
            self.aps.add_job(
                self._fire, "interval", seconds=self.poll_seconds, id=POLL_ID, name="poll",
                replace_existing=True, **JOB_DEFAULTS,
            )
        for scope, doc in self.dispatcher.jobs.all_active():
            self.arm(scope, doc)
        self.dispatcher.jobs.subscribe(self.arm)
        self.aps.start()
        log.info("scheduler started: sweep every %ss", self.sweep_seconds)

    def arm(self, scope: Scope, doc: Doc) -> None:
        """(Re)set the alarm of a pending job record; others lose theirs (a job left in
        ``sending`` is settled by the next sweep)."""
        aps = self.aps
        if aps is None:
            return
        key = alarm_id(scope, doc["id"])
        if doc.get("status") == PENDING:
            aps.add_job(
                self._fire, "date", run_date=self.wall_time(ready_at(doc)), id=key, name=key,
                replace_existing=True, **JOB_DEFAULTS,
            )
        else:
            try:
                aps.remove_job(key)
            except JobLookupError:
                pass

    def wall_time(self, due: datetime) -> datetime:
        """When, on the wall clock APScheduler waits on, the injected clock reaches ``due``.

        APScheduler always sleeps on the real clock; the dispatcher decides on its own
        (injectable) clock. Arming by the distance between the two keeps an alarm ahead of
        the real clock when the injected one is elsewhere (the demo, tests); in production
        both are the system clock and the distance is zero.
        """
        return datetime.now(UTC) + (due - self.dispatcher.clock.now())

    def _fire(self) -> None:
        self.dispatcher.run_due()

    def _sweep(self) -> None:
        self.dispatcher.sweep()

    def retire(self) -> None:
        """Nothing to do: the one process's scheduler keeps going until :meth:`stop`."""

    def stop(self) -> None:
        """Stop waking up; a post in progress finishes, nothing new starts."""
        self.dispatcher.jobs.unsubscribe(self.arm)
        self.dispatcher.stop()
        if self.aps is not None:
            self.aps.shutdown(wait=True)
            self.aps = None
