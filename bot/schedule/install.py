"""The scheduling feature assembled: job store, dispatcher, alarm clock and the services on them."""


from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

from bot.domain import commands as cmd
from bot.schedule.dispatcher import Dispatcher, RunReport
from bot.schedule.jobs import JobStore
from bot.schedule.limiter import PostLimiter
from bot.schedule.posts import POST, render_post
from bot.schedule.posts import schedule_post as _schedule_post
from bot.schedule.scheduler import Scheduler
from bot.schedule.zones import ChannelZones
from bot.services.checkins import CHECKIN, CheckinService
from bot.services.digest import DIGEST, DigestService
from bot.services.outcome import Message
from bot.services.reminders import REMINDER, ReminderService
from bot.store import Scope

if TYPE_CHECKING:
    from bot.app import Services

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


def install_schedule(services: Services, *, limiter: PostLimiter | None = None) -> Schedule:
    """Build the feature over the app's services and plug it in: `/partner digest`,
    `/partner checkins`, the signed hook, and ``services.schedule``."""
    jobs = JobStore(services.store)
    dispatcher = Dispatcher(jobs, services.clock, services.client, limiter=limiter,
                            client_for=services.client_for)
    if services.seal is not None:  # reminder DMs' buttons name their channel
        dispatcher.finish = services.seal.seal_payload
    zones = ChannelZones(services.store, services.settings, services.directory)
    checkins = CheckinService(services.store, services.clock, services.ledger, services.settings,
                              jobs, zones)
    digests = DigestService(services.store, services.clock, services.ledger, services.deals,
                            services.settings, jobs, zones)
    reminders = ReminderService(services.store, services.clock, services.ledger, jobs,
                                services.directory)
    dispatcher.register(CHECKIN, checkins.render)
    dispatcher.register(DIGEST, digests.render)
    dispatcher.register(REMINDER, reminders.render)
    dispatcher.register(POST, render_post)
    dispatcher.add_planner(digests.plan)
    dispatcher.add_planner(reminders.plan)
    services.partner.register(cmd.Digest, digests.command)
    services.partner.register(cmd.Checkins, checkins.command)
    services.signed_hooks.append(checkins.on_signed)
    dispatcher.is_uninstalled = services.workspaces.is_uninstalled
    services.workspaces.uninstall_hooks.append(dispatcher.cancel_workspace)
    services.workspaces.reinstall_hooks.append(dispatcher.resume_workspace)
    schedule = Schedule(jobs, dispatcher, Scheduler(dispatcher), zones, checkins, digests, reminders)
    services.schedule = schedule
    return schedule
