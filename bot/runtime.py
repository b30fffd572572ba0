"""Assemble a running bot from settings: store, Slack client, services, Bolt app, WSGI app."""

from __future__ import annotations

import gc
import logging
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Protocol

from slack_bolt import App
from slack_sdk import WebClient

from bot import metrics
from bot.app import build_app, is_postgres
from bot.clock import Clock, SystemClock
from bot.config import Settings, slack_environment_hidden
from bot.container import Services, build_services, install_schedule
from bot.domain import commands as cmd
from bot.domain.workspace import Workspace
from bot.messages import compile_all
from bot.server import WsgiApp
from bot.services.meetings import Meetings
from bot.services.scheduled import Schedule
from bot.slack.client import build_client, token_workspace
from bot.slack.listener_pool import ListenerPool
from bot.store import Store, TinyDBStore
from bot.store.base import move_workspace
from bot.web.install import install_plans
from bot.webhook import DealWebhook

if TYPE_CHECKING:
    from slack_bolt.oauth.oauth_settings import OAuthSettings

log = logging.getLogger(__name__)

# On shutdown, how long work already acknowledged to Slack may take to finish.
LISTENERS_FINISH_SECONDS = 10.0


class Background(Protocol):
    """Something that runs on its own thread next to the web server (the scheduler)."""

    def start(self) -> None: ...

    def retire(self) -> None:
        """The process is shutting down: take on no new work; must return at once."""
        ...

    def stop(self) -> None: ...


@dataclass
class Runtime:
    """Everything one bot process holds."""

    settings: Settings
    store: Store
    client: WebClient
    services: Services
    app: App
    wsgi: WsgiApp
    clock: Clock
    background: list[Background] = field(default_factory=list)

    def start_background(self) -> None:
        """Start what runs on its own clock (the scheduler), once the app is ready."""
        for worker in self.background:
            worker.start()

    def wait_idle(self, timeout: float = 10.0) -> bool:
        """True once every listener (and lazy listener) started so far has finished.

        Bolt answers a request before its listener runs; after the answer, this is the
        barrier that says the bot has done everything that request made it do.
        """
        pool = self.app.listener_runner.listener_executor
        return pool.wait_idle(timeout) if isinstance(pool, ListenerPool) else False

    @property
    def listener_runs(self) -> int:
        """How many listener tasks requests have started in this process (see wait_idle)."""
        pool = self.app.listener_runner.listener_executor
        return pool.started if isinstance(pool, ListenerPool) else 0

    def close(self) -> None:
        """Let listeners already acknowledged finish, stop background work, release the store."""
        if not self.wait_idle(LISTENERS_FINISH_SECONDS):
            log.warning("listeners still running after %ss; closing anyway", LISTENERS_FINISH_SECONDS)
        for worker in reversed(self.background):
            worker.stop()
        self.store.close()


def open_store(settings: Settings) -> Store:
    """PostgreSQL when DATABASE_URL is set (no file lock: many processes share it), else TinyDB."""
    if settings.database_url:
        from bot.store.postgres_store import PostgresStore

        return PostgresStore(settings.database_url)
    return TinyDBStore(settings.db_path)


def build_runtime(
    settings: Settings,
    clock: Clock | None = None,
    *,
    store: Store | None = None,
    token_verification: bool = True,
) -> Runtime:
    """Build the whole bot; nothing is started or listening yet."""
    clock = clock or SystemClock()
    if settings.metrics:
        # Before anything records (or imports prometheus_client): the mode is chosen once.
        metrics.enable(settings.metrics_dir)
    store = store or open_store(settings)
    compile_all()  # before the first request, not during it (and out of the GC's reach too)
    # The loaded database is long-lived: move it out of the cyclic GC's reach so full
    # collections don't walk 100,000 commitments in the middle of a request.
    gc.collect()
    gc.freeze()
    client = build_client(settings.bot_token, settings.api_url)
    services = build_services(store, clock, client)
    oauth = _oauth(settings, store, services) if settings.oauth else None
    schedule = install_schedule(services)
    meetings = Meetings(services.partner, services.listening, schedule.schedule_post, schedule.jobs)
    services.partner.register(cmd.Meeting, meetings.command)
    plan_pages = install_plans(services, schedule, settings)
    _install_calendar(services, schedule, settings)
    # Served only through WsgiApp below, which checks every Slack request's signature first.
    app = build_app(services, settings.signing_secret, token_verification=token_verification,
                    oauth_settings=oauth, verified_upstream=True)
    webhook = DealWebhook(settings.deal_webhook_secret, services) if settings.deal_webhook_secret else None
    if oauth is None and token_verification:
        _adopt_token_workspace(services)
    hooks = {}
    if settings.zoom_webhook_secret and not settings.oauth:  # one workspace: where the deals are
        from bot.zoom_webhook import ZOOM_PATH, ZoomWebhook

        hooks[ZOOM_PATH] = ZoomWebhook(settings.zoom_webhook_secret, services)
    wsgi = WsgiApp(app, settings.signing_secret, webhook, hooks=hooks, plans=plan_pages,
                   metrics_token=settings.metrics_token)
    return Runtime(settings, store, client, services, app, wsgi, clock,
                   background=[_scheduler(store, schedule, settings)])


def _install_calendar(services: Services, schedule: Schedule, settings: Settings) -> None:
    """Calendar feeds: `/partner calendar`, deal domains, and a poll at every sweep."""
    from bot.calendar_fetch import fetch_feed
    from bot.services.calendar import CalendarService

    calendar = CalendarService(
        services.store, services.clock, services.deals, schedule.jobs, services.directory, fetch_feed,
        allow_private=settings.calendar_allow_private, poll_seconds=settings.calendar_poll_seconds,
        is_uninstalled=services.workspaces.is_uninstalled,
    )
    services.partner.register(cmd.Calendar, calendar.command)
    services.partner.register(cmd.SetDomains, calendar.set_domains)
    schedule.dispatcher.add_poller(calendar.poll)
    services.calendar = calendar


def _oauth(settings: Settings, store: Store, services: Services) -> OAuthSettings:
    """Multi-workspace mode: Bolt's OAuth settings over the store's database, and per-workspace
    clients for what posts outside a request (the scheduler, directory look-ups)."""
    from bot.slack import oauth

    engine = store.engine if is_postgres(store) else _engine(settings)  # type: ignore[attr-defined]
    assert settings.client_id is not None and settings.client_secret is not None
    with slack_environment_hidden():  # OAuthSettings reads SLACK_SCOPES, SLACK_REDIRECT_URI, …
        oauth_settings = oauth.oauth_settings(engine, settings.client_id, settings.client_secret,
                                              on_installed=services.workspaces.installed)
    installations = oauth_settings.installation_store
    client_for = oauth.client_for(installations, settings.api_url)  # type: ignore[arg-type]
    services.workspaces.uninstall_hooks.append(oauth.forget_installation(installations))  # type: ignore[arg-type]
    services.client_for = client_for
    services.directory.token_for = lambda workspace: str(client_for(workspace).token)
    return oauth_settings


def _adopt_token_workspace(services: Services) -> None:
    """Single-token mode, at start: the token's workspace is where the data lives.

    Releases before Enterprise Grid keys filed a Grid workspace's records under its bare
    team id: move them under ``E…:T…`` (once; a no-op afterwards). And a token that works
    means the app is installed, so clear an "uninstalled" mark left from before a
    reinstall (the new token came with it).
    """
    try:
        workspace = token_workspace(services.client)
    except Exception as exc:  # noqa: BLE001 - Bolt reports a bad token on its own
        log.warning("auth.test failed (%s); the workspace's install status is unchanged", type(exc).__name__)
        return
    legacy = Workspace.from_key(workspace).team_id
    if legacy and legacy != workspace:
        moved = move_workspace(services.store, legacy, workspace)
        if moved:
            log.info("moved %d records of %s under its Enterprise Grid key %s", moved, legacy, workspace)
    if services.workspaces.installed(workspace):
        log.info("workspace %s is installed again; scheduling resumes", workspace)


def _engine(settings: Settings) -> Any:
    from bot.store.postgres_store import make_engine

    assert settings.database_url is not None
    return make_engine(settings.database_url)


def _scheduler(store: Store, schedule: Schedule, settings: Settings) -> Background:
    """TinyDB: this process runs the scheduler. PostgreSQL: the elected leader among the
    processes sharing the database does (bot.schedule.leader)."""
    if not is_postgres(store):
        return schedule.scheduler
    from bot.schedule.dispatcher import SENDING_LEASE
    from bot.schedule.leader import DUE_POLL_SECONDS, LeaderElection

    schedule.scheduler.poll_seconds = DUE_POLL_SECONDS
    # PARTNER_COACH_SENDING_LEASE_SECONDS (a test/ops knob) changes the lease's length,
    # never whether there is one.
    lease = settings.sending_lease or SENDING_LEASE
    return LeaderElection(store.engine, schedule.scheduler, sending_lease=lease)
