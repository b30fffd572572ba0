"""Build the Bolt app: retry de-duplication, then every listener over the :class:`~bot.container.Services`."""

from __future__ import annotations

import logging
import sys
import threading
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

from slack_bolt import App, BoltContext, BoltResponse
from slack_bolt.oauth.oauth_settings import OAuthSettings

from bot import metrics
from bot.clock import Clock
from bot.config import slack_environment_hidden
from bot.container import Services
from bot.listeners import register_all
from bot.listeners.payload import workspace_of
from bot.listeners.replay_guard import make_replay_guard
from bot.listeners.seal_guard import make_seal_guard
from bot.listeners.workspace_guard import make_workspace_guard
from bot.slack.fast_ack import AckAwareExecutor, signalling_ack_middleware
from bot.slack.lean_middleware import LeanMiddleware
from bot.slack.request_shape import kind_of
from bot.store import Scope, Store

log = logging.getLogger(__name__)

LISTENER_THREADS = 16


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


def build_app(
    services: Services,
    signing_secret: str | None,
    *,
    token_verification: bool = True,
    oauth_settings: OAuthSettings | None = None,
    verified_upstream: bool = False,
) -> App:
    """The Bolt app with every listener registered.

    With ``oauth_settings`` (multi-workspace install), Bolt authorizes each request from
    the installation store and hands listeners a client with that workspace's token;
    ``services.client`` then carries no token, only the API URL and retry handlers.

    ``process_before_response`` stays False: Bolt acks first and runs the rest of
    a listener on its thread pool, so Slack always gets its answer in time. The pool
    answers the moment a listener acks rather than at Bolt's next 10 ms poll
    (:mod:`bot.slack.fast_ack`).
    """
    bolt_logger = logging.getLogger("bot.bolt")
    executor = AckAwareExecutor(max_workers=LISTENER_THREADS)
    with slack_environment_hidden():  # built from Settings only (bot.config)
        app = App(
            client=services.client,
            signing_secret=signing_secret or "",
            token_verification_enabled=token_verification,
            # Behind bot.server.WsgiApp (``verified_upstream``), every request has had its
            # signature checked before Bolt sees it: checking it again only costs CPU.
            # Socket Mode requests carry no signature; Bolt never checks those.
            request_verification_enabled=signing_secret is not None and not verified_upstream,
            process_before_response=False,
            logger=bolt_logger,
            oauth_settings=oauth_settings,
            # A pool counting its tasks (Runtime.wait_idle waits for them to finish) that
            # answers Slack as soon as a listener acks (bot.slack.fast_ack). Bolt's default
            # is 5 threads; posts after the ack (stage prompts) hold one for a Slack round
            # trip, and new requests' acks shouldn't queue behind them.
            listener_executor=executor,
        )
    for middleware in (signalling_ack_middleware, make_workspace_guard(services),
                       _drop_retried_events(services), make_seal_guard(services),
                       make_replay_guard(services, later=executor.after_ack)):
        app.middleware(LeanMiddleware(middleware))
    app.error(_count_and_log_errors(bolt_logger))
    register_all(app, services)
    return app


def _count_and_log_errors(logger: logging.Logger) -> Callable[..., None]:
    """Bolt's error handler: what its default does (log it) plus the listener-errors metric."""

    def on_error(error: Exception, body: dict[str, Any]) -> None:
        metrics.current().listener_error(kind_of(body) if isinstance(body, dict) else "other")
        logger.error("listener failed: %s", error, exc_info=error)

    return on_error
