"""The scheduling feature as the rest of the app (and tests, and the demo) sees it: the job
store, the dispatcher and alarm clock from :mod:`bot.schedule`, and the use cases that plan on
them (check-ins, digests, reminders). Assembled by :func:`bot.container.install_schedule`."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from bot.messages import Message
from bot.schedule.dispatcher import Dispatcher, RunReport
from bot.schedule.jobs import JobStore
from bot.schedule.limiter import PostLimiter
from bot.schedule.posts import schedule_post as _schedule_post
from bot.schedule.scheduler import Scheduler
from bot.schedule.zones import ChannelZones
from bot.services.checkins import CheckinService
from bot.services.digest import DigestService
from bot.services.reminders import ReminderService
from bot.store import Scope


@dataclass
class Schedule:
    """The scheduling feature as the rest of the app (and tests, and the demo) sees it."""

    jobs: JobStore
    dispatcher: Dispatcher
    scheduler: Scheduler
    zones: ChannelZones
    checkins: CheckinService
    digests: DigestService
    reminders: ReminderService

    @property
    def limiter(self) -> PostLimiter:
        return self.dispatcher.limiter

    def run_due(self, now: datetime | None = None) -> RunReport:
        """Post what is due now (the alarm's job)."""
        return self.dispatcher.run_due(now)

    def sweep(self, now: datetime | None = None) -> RunReport:
        """Plan from stored data (digests, reminders), then post what is due (start-up, every 60 s)."""
        return self.dispatcher.sweep(now)

    def schedule_post(
        self, scope: Scope, job_id: str, due_at: datetime, message: Message, thread_ts: str | None = None
    ) -> bool:
        """Post ``message`` (template + JSON-safe context) in ``scope``'s channel once, when due.

        ``job_id`` is the caller's stable id (e.g. ``debrief:<meeting id>``): scheduling the
        same id twice keeps the first and returns False.
        """
        return _schedule_post(self.jobs, scope, job_id, due_at, message,
                              self.dispatcher.clock.now(), thread_ts=thread_ts)
