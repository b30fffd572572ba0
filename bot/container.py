"""The container of use cases every listener calls, built once per process.

Listeners and :mod:`bot.app` import :class:`Services` from here; nothing here imports a
listener or the Bolt app, so the arrows run one way: listeners -> container -> services ->
domain / store, with :mod:`bot.schedule` beside the services, knowing only the render
callbacks registered on its dispatcher (:func:`install_schedule`).
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass, field

from slack_sdk import WebClient

from bot.clock import Clock
from bot.domain import commands as cmd
from bot.domain.refusal import Refusal
from bot.request_receipts import RequestReceipts
from bot.schedule.dispatcher import Dispatcher
from bot.schedule.jobs import JobStore
from bot.schedule.limiter import PostLimiter
from bot.schedule.posts import POST
from bot.schedule.scheduler import Scheduler
from bot.schedule.zones import ChannelZones
from bot.services.calendar import CalendarService
from bot.services.channel_settings import ChannelSettings
from bot.services.checkins import CHECKIN, CheckinService
from bot.services.coach import Coach
from bot.services.deals import Deals
from bot.services.debrief import Debriefs
from bot.services.debrief_prompts import DebriefPrompts
from bot.services.digest import DIGEST, DigestService
from bot.services.home import home_message
from bot.services.ledger import Ledger
from bot.services.listening import Listening
from bot.services.partner_command import Actor, PartnerCommands
from bot.services.plans import MutualPlans
from bot.services.record_form import Recorder
from bot.services.reminders import REMINDER, ReminderService
from bot.services.removal_notices import RemovalNotices
from bot.services.scheduled import Schedule
from bot.services.workspaces import Workspaces
from bot.slack.directory import Directory
from bot.slack.people import PeopleMemory
from bot.slack.poster import rendered
from bot.slack.seal import Seal
from bot.store import Scope, Store


class RecentEvents:
    """The last few thousand event ids seen, to drop Slack's retried deliveries fast.

    Durable idempotency lives with the records themselves (source keys); this
    only saves work and keeps retries from re-running listeners in one process.
    """

    def __init__(self, size: int = 5000) -> None:
        self._seen: OrderedDict[str, None] = OrderedDict()
        self._size = size
        self._lock = threading.Lock()

    def first_time(self, event_id: str) -> bool:
        """True the first time an id is offered."""
        with self._lock:
            if event_id in self._seen:
                return False
            self._seen[event_id] = None
            if len(self._seen) > self._size:
                self._seen.popitem(last=False)
            return True


@dataclass
class Services:
    """Everything listeners need, built once per process."""

    store: Store
    clock: Clock
    client: WebClient
    ledger: Ledger
    deals: Deals
    settings: ChannelSettings
    partner: PartnerCommands
    recorder: Recorder
    directory: Directory
    listening: Listening
    debriefs: Debriefs
    workspaces: Workspaces
    recent_events: RecentEvents = field(default_factory=RecentEvents)
    # Slash commands and clicks taken, by trigger id, across restarts (set by build_services).
    receipts: RequestReceipts | None = None
    signed_hooks: list[Callable[[Actor, str], None]] = field(default_factory=list)
    schedule: Schedule | None = None  # set by install_schedule
    plans: MutualPlans | None = None  # set by bot.web.install.install_plans
    calendar: CalendarService | None = None  # set by bot.runtime (calendar feeds)
    # Multi-workspace (OAuth) mode: a workspace's bot client by workspace key (bot.slack.oauth.client_for).
    client_for: Callable[[str], WebClient] | None = None
    # Seals button values and modal metadata that name a channel (bot.slack.seal).
    seal: Seal | None = None

    def actor(self, workspace: str, channel_id: str, user_id: str) -> Actor:
        """The person acting, in a channel of a workspace (key), with a lazy time-zone look-up."""
        return Actor(
            scope=Scope(workspace, channel_id),
            user=user_id,
            tz=lambda: self.directory.user_tz(workspace, user_id),
        )

    def on_signed(self, actor: Actor, deal: str) -> None:
        """A deal reached signed: let the scheduler plan its check-ins."""
        for hook in self.signed_hooks:
            hook(actor, deal)

    def publish_home(self, client: WebClient, workspace: str, user: str,
                     notice: Refusal | None = None) -> None:
        """Render and publish a person's Home tab, with ``notice`` on top (e.g. a refused click)."""
        tz = self.directory.user_tz(workspace, user)
        # Channels shared with the person's own organisation are left out: the Home tab is our
        # team's view (private items, our coaching); a partner has the shared plan.
        member_of = self.directory.channels_of(workspace, user)
        channels = {channel for channel in member_of
                    if not self.directory.is_partner(workspace, channel, user)}
        message = home_message(
            self.store, self.ledger, self.deals, workspace, user, channels, self.partner.today(tz), notice,
            partner_in=sorted(set(member_of) - channels),
        )
        view = rendered(message)
        client.views_publish(user_id=user, view=self.seal.seal_payload(view) if self.seal else view)


def build_services(store: Store, clock: Clock, client: WebClient) -> Services:
    """Wire the use cases over one store and clock."""
    ledger, deals, settings = Ledger(store, clock), Deals(store, clock), ChannelSettings(store)
    partner = PartnerCommands(ledger, deals, settings, clock, Coach(store, clock))
    listening = Listening(store, partner)
    partner.register(cmd.Listen, listening.set_mode)
    partner.register(cmd.Crm, listening.crm)
    directory = Directory(client)
    directory.people = PeopleMemory(store)
    partner.membership = lambda scope, user: directory.membership(scope.workspace, scope.channel_id, user)
    ledger.refresh_sharing = lambda scope: directory.forget_channel(scope.workspace, scope.channel_id)
    return Services(
        store=store, clock=clock, client=client, ledger=ledger, deals=deals, settings=settings,
        partner=partner, recorder=Recorder(partner), directory=directory,
        listening=listening, debriefs=Debriefs(partner), workspaces=Workspaces(store, clock),
        seal=Seal.load(store), receipts=RequestReceipts(store),
    )


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
    dispatcher.register_batch(REMINDER, reminders.combine)  # one DM per person and moment
    # Debrief prompts get a last look when due (too late? shared channel? deal lost?).
    prompts = DebriefPrompts(
        services.deals, lambda scope: services.ledger.externally_shared(scope),
        refresh_sharing=lambda scope: services.ledger.refresh_sharing(scope),
        items=services.ledger.items, jobs=jobs, replied=services.listening.replied_in_thread,
        forget_reply=services.listening.forget_reply)
    dispatcher.register(POST, prompts.render)
    dispatcher.add_planner(services.listening.prune_replies)  # notes of replies past mattering
    dispatcher.add_planner(digests.plan)
    dispatcher.add_planner(reminders.plan)
    services.partner.register(cmd.Digest, digests.command)
    services.partner.register(cmd.Checkins, checkins.command)
    services.signed_hooks.append(checkins.on_signed)
    dispatcher.is_uninstalled = services.workspaces.is_uninstalled
    # A channel out of reach (the bot removed): the person a failed post was for hears it once.
    notices = RemovalNotices(services.store, jobs, services.ledger.items, services.clock.now,
                             services.directory.is_partner)
    dispatcher.failure_hooks.append(notices.on_failed)
    services.workspaces.uninstall_hooks.append(dispatcher.cancel_workspace)
    services.workspaces.reinstall_hooks.append(dispatcher.resume_workspace)
    schedule = Schedule(jobs, dispatcher, Scheduler(dispatcher), zones, checkins, digests, reminders)
    services.schedule = schedule
    return schedule
