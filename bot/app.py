"""Build the Bolt app and the services its listeners call."""

from __future__ import annotations

import logging
import sys
import threading
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Any

from slack_bolt import App, BoltContext, BoltResponse
from slack_bolt.oauth.oauth_settings import OAuthSettings
from slack_sdk import WebClient

from bot import metrics
from bot.clock import Clock
from bot.domain import commands as cmd
from bot.listeners import register_all
from bot.listeners.payload import workspace_of
from bot.services.channel_settings import ChannelSettings
from bot.services.deals import Deals
from bot.services.debrief import Debriefs
from bot.services.home import home_message
from bot.services.ledger import Ledger
from bot.services.listening import Listening
from bot.services.partner_command import Actor, PartnerCommands
from bot.services.record_form import Recorder
from bot.services.workspaces import Workspaces
from bot.slack.directory import Directory
from bot.slack.poster import rendered
from bot.slack.request_shape import kind_of
from bot.store import Scope, Store

if TYPE_CHECKING:
    from bot.schedule.install import Schedule

log = logging.getLogger(__name__)


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
    signed_hooks: list[Callable[[Actor, str], None]] = field(default_factory=list)
    schedule: Schedule | None = None  # set by bot.schedule.install_schedule
    # Multi-workspace (OAuth) mode: a workspace's bot client by workspace key (bot.slack.oauth.client_for).
    client_for: Callable[[str], WebClient] | None = None

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

    def publish_home(self, client: WebClient, workspace: str, user: str, notice: str | None = None) -> None:
        """Render and publish a person's Home tab, with ``notice`` on top (e.g. a refused click)."""
        tz = self.directory.user_tz(workspace, user)
        message = home_message(
            self.store, self.ledger, self.deals, workspace, user,
            self.directory.channels_of(workspace, user), self.partner.today(tz), notice,
        )
        client.views_publish(user_id=user, view=rendered(message))


def build_services(store: Store, clock: Clock, client: WebClient) -> Services:
    """Wire the use cases over one store and clock."""
    ledger, deals, settings = Ledger(store, clock), Deals(store, clock), ChannelSettings(store)
    partner = PartnerCommands(ledger, deals, settings, clock)
    listening = Listening(store, partner)
    partner.register(cmd.Listen, listening.set_mode)
    partner.register(cmd.Crm, listening.crm)
    return Services(
        store=store, clock=clock, client=client, ledger=ledger, deals=deals, settings=settings,
        partner=partner, recorder=Recorder(partner), directory=Directory(client),
        listening=listening, debriefs=Debriefs(partner), workspaces=Workspaces(store, clock),
    )


def is_postgres(store: Store) -> bool:
    """The store is shared between processes (PostgreSQL); no import cost for TinyDB."""
    module = sys.modules.get("bot.store.postgres_store")
    return module is not None and isinstance(store, module.PostgresStore)


EVENTS_SCOPE = "_events"
EVENT_KIND = "event"
EVENTS_KEPT = timedelta(days=1)  # Slack retries within minutes; a day is plenty
EVENTS_PRUNE_EVERY = timedelta(hours=1)


class SharedEvents:
    """Event ids in the database (PostgreSQL), so a retry that reaches another process
    (another worker behind the load balancer) is dropped too: the first insert wins."""

    def __init__(self, store: Store, clock: Clock) -> None:
        self.store = store
        self.clock = clock
        self._pruned: dict[str, datetime] = {}
        self._lock = threading.Lock()

    def first_time(self, workspace: str, event_id: str) -> bool:
        """True for the first delivery of ``event_id`` in any process sharing the database."""
        now = self.clock.now()
        scope = Scope(workspace, EVENTS_SCOPE)
        first = self.store.add_once(scope, EVENT_KIND, event_id, {"at": _iso(now)})
        self._maybe_prune(scope, now)
        return first

    def _maybe_prune(self, scope: Scope, now: datetime) -> None:
        with self._lock:
            last = self._pruned.get(scope.workspace)
            if last is not None and now - last < EVENTS_PRUNE_EVERY:
                return
            self._pruned[scope.workspace] = now
        try:
            self.prune(scope, now - EVENTS_KEPT)
        except Exception:  # noqa: BLE001 - housekeeping must never cost an event
            log.exception("pruning old event ids of %s failed", scope.workspace)

    def prune(self, scope: Scope, before: datetime) -> int:
        """Forget event ids seen before ``before``; how many were forgotten."""
        store: Any = self.store  # a PostgresStore: one DELETE statement
        return int(store.delete_older(scope, EVENT_KIND, "at", _iso(before)))


def _iso(when: datetime) -> str:
    return when.astimezone(UTC).isoformat(timespec="seconds")


def _drop_retried_events(services: Services) -> Callable[..., Any]:
    shared = SharedEvents(services.store, services.clock) if is_postgres(services.store) else None

    def middleware(body: dict[str, Any], context: BoltContext, next: Callable[[], Any]) -> Any:  # noqa: A002
        event_id = body.get("event_id") if isinstance(body, dict) else None
        if event_id and not services.recent_events.first_time(str(event_id)):
            return BoltResponse(status=200, body="")
        if event_id and shared is not None:
            if not shared.first_time(workspace_of(context) or "_", str(event_id)):
                return BoltResponse(status=200, body="")
        return next()

    return middleware


class _QuietTokenWarning(logging.Filter):
    """Bolt warns that SLACK_BOT_TOKEN is unused when a client is given; that is on purpose."""

    def filter(self, record: logging.LogRecord) -> bool:
        return "`token` will be unused" not in record.getMessage()


_QUIET_TOKEN_WARNING = _QuietTokenWarning()


def build_app(
    services: Services,
    signing_secret: str | None,
    *,
    token_verification: bool = True,
    oauth_settings: OAuthSettings | None = None,
) -> App:
    """The Bolt app with every listener registered.

    With ``oauth_settings`` (multi-workspace install), Bolt authorizes each request from
    the installation store and hands listeners a client with that workspace's token;
    ``services.client`` then carries no token, only the API URL and retry handlers.

    ``process_before_response`` stays False: Bolt acks first and runs the rest of
    a listener on its thread pool, so Slack always gets its answer in time.
    """
    bolt_logger = logging.getLogger("bot.bolt")
    bolt_logger.addFilter(_QUIET_TOKEN_WARNING)  # adding the same object twice is a no-op
    app = App(
        client=services.client,
        signing_secret=signing_secret,
        token_verification_enabled=token_verification,
        request_verification_enabled=signing_secret is not None,
        process_before_response=False,
        logger=bolt_logger,
        oauth_settings=oauth_settings,
    )
    app.middleware(_drop_retried_events(services))
    app.error(_count_and_log_errors(bolt_logger))
    register_all(app, services)
    return app


def _count_and_log_errors(logger: logging.Logger) -> Callable[..., None]:
    """Bolt's error handler: what its default does (log it) plus the listener-errors metric."""

    def on_error(error: Exception, body: dict[str, Any]) -> None:
        metrics.current().listener_error(kind_of(body) if isinstance(body, dict) else "other")
        logger.error("listener failed: %s", error, exc_info=error)

    return on_error
