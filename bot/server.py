"""HTTP serving: one WSGI app for Slack, health checks and CRM webhooks, run by waitress.

waitress is a production WSGI server (multi-threaded, pure Python, no compiler
needed), unlike Bolt's built-in development server.
"""

from __future__ import annotations

import json
import logging
import threading
import time
import weakref
from collections.abc import Callable, Iterable
from typing import Any

from slack_bolt import App
from slack_bolt.adapter.wsgi import SlackRequestHandler
from slack_sdk.signature import SignatureVerifier

from bot import metrics
from bot.config import HttpLimits
from bot.slack.bolt_request import bolt_request, dispatch
from bot.slack.request_shape import inspect
from bot.web.head import without_head_bodies

log = logging.getLogger(__name__)

MAX_BODY_BYTES = 1024 * 1024
EVENTS_PATH = "/slack/events"
HEALTH_PATH = "/healthz"
WEBHOOK_PATH = "/webhooks/deals"
METRICS_PATH = "/metrics"
PLANS_PREFIX = "/plans/"
# The top-level type of Slack's events rate-limit notice (not an event_callback).
RATE_LIMITED = "app_rate_limited"
# Bolt's OAuth install pages (GET), served only when the app has an OAuth flow.
OAUTH_PATHS = ("/slack/install", "/slack/oauth_redirect")
#: Requests at once on each family of routes that aren't Slack's: CRM webhooks, and the
#: mutual plan pages. They ask Slack things (is the bot in that channel, who is this owner)
#: and post before they answer, so while Slack is slow each holds a request thread: these
#: few may, the rest of the server's 8 are kept for Slack's requests, whose acks have 3
#: seconds. Apart, so a flood of guesses at plan links can't turn the CRM away.
SIDE_REQUESTS = 2
#: What a CRM or a browser turned away while those are taken is told to wait.
SIDE_RETRY_AFTER_SECONDS = 10

Environ = dict[str, Any]
StartResponse = Callable[..., Any]
# A webhook handler takes the raw body and headers and returns (status, JSON-able body).
WebhookHandler = Callable[[bytes, dict[str, str]], tuple[int, dict[str, Any]]]
WsgiHandler = Callable[[Environ, StartResponse], Iterable[bytes]]


def _json(start_response: StartResponse, status: int, payload: dict[str, Any],
          extra_headers: list[tuple[str, str]] | None = None) -> list[bytes]:
    reasons = {200: "OK", 400: "Bad Request", 401: "Unauthorized", 403: "Forbidden", 404: "Not Found",
               405: "Method Not Allowed", 411: "Length Required", 413: "Payload Too Large",
               500: "Internal Server Error", 503: "Service Unavailable"}
    body = json.dumps(payload).encode()
    start_response(
        f"{status} {reasons.get(status, 'Error')}",
        [("Content-Type", "application/json"), ("Content-Length", str(len(body))), *(extra_headers or [])],
    )
    return [body]


def _read_body(environ: Environ) -> bytes | None:
    """The request body, or None when it is over the limit."""
    try:
        length = int(environ.get("CONTENT_LENGTH") or 0)
    except ValueError:
        length = 0
    if length > MAX_BODY_BYTES:
        return None
    return environ["wsgi.input"].read(length) if length else b""


def _headers(environ: Environ) -> dict[str, str]:
    """Request headers, lower-case and dashed, as Slack's signature verifier expects."""
    return {k[5:].replace("_", "-").lower(): v for k, v in environ.items() if k.startswith("HTTP_")}


def _signature_headers_well_formed(headers: dict[str, str]) -> bool:
    """Both of Slack's signature headers present, the timestamp plain ASCII digits.

    slack-sdk's verifier calls ``int()`` on the timestamp unguarded: "abc" would raise
    (a 500 and a logged traceback, for anyone on the internet to trigger).
    """
    timestamp = headers.get("x-slack-request-timestamp", "").strip()
    signature = headers.get("x-slack-signature", "").strip()
    return bool(signature) and timestamp.isascii() and timestamp.isdigit() and len(timestamp) <= 12


class WsgiApp:
    """Routes `/slack/events` to Bolt, `/healthz` to a 200, `/webhooks/deals` to the CRM hook,
    and `/metrics` (when metrics are on) to the Prometheus exposition."""

    def __init__(
        self, bolt_app: App, signing_secret: str | None, webhook: WebhookHandler | None = None,
        *, metrics_token: str | None = None,
        hooks: dict[str, WebhookHandler] | None = None,
        plans: WsgiHandler | None = None,
    ) -> None:
        self._bolt = bolt_app
        self._slack = SlackRequestHandler(bolt_app, path=EVENTS_PATH)  # OAuth install pages
        self._plans = plans  # the partner's mutual plan pages (bot.web.plan_page)
        self._verifier = SignatureVerifier(signing_secret) if signing_secret else None
        self._webhook = webhook
        # More signed POST routes by path (e.g. /webhooks/zoom), each verifying its own sender.
        self._hooks = dict(hooks or {})
        self._oauth = bolt_app.oauth_flow is not None
        self._metrics_token = metrics_token
        self._hook_slots = threading.BoundedSemaphore(SIDE_REQUESTS)
        self._page_slots = threading.BoundedSemaphore(SIDE_REQUESTS)

    def __call__(self, environ: Environ, start_response: StartResponse) -> Iterable[bytes]:
        path = environ.get("PATH_INFO", "")
        method = environ.get("REQUEST_METHOD", "GET")
        if path == HEALTH_PATH:
            return _json(start_response, 200, {"ok": True})
        if path == METRICS_PATH:
            return self._metrics(environ, method, start_response)
        if path.startswith(PLANS_PREFIX) and self._plans is not None:
            plans = self._plans
            return self._aside(self._page_slots, start_response, lambda: plans(environ, start_response),
                               page=True)
        if path in OAUTH_PATHS and self._oauth:
            if method != "GET":
                return _json(start_response, 405, {"ok": False, "error": "method_not_allowed"})
            return self._slack(environ, start_response)
        if path not in (EVENTS_PATH, WEBHOOK_PATH) and path not in self._hooks:
            return _json(start_response, 404, {"ok": False, "error": "not_found"})
        if method != "POST":
            return _json(start_response, 405, {"ok": False, "error": "method_not_allowed"})
        body = _read_body(environ)
        if body is None:
            return _json(start_response, 413, {"ok": False, "error": "body_too_large"})
        hook = self._hooks.get(path) or (self._webhook if path == WEBHOOK_PATH else None)
        if hook is not None:
            return self._aside(self._hook_slots, start_response,
                               lambda: _json(start_response, *hook(body, _headers(environ))))
        if path == WEBHOOK_PATH:
            return _json(start_response, 404, {"ok": False, "error": "webhook_disabled"})
        return self._dispatch_slack(environ, body, start_response)

    @staticmethod
    def _aside(slots: threading.BoundedSemaphore, start_response: StartResponse,
               handle: Callable[[], Iterable[bytes]], *, page: bool = False) -> Iterable[bytes]:
        """Run a request of a route that isn't Slack's in one of the few slots those have,
        or answer 503 with a Retry-After at once (nothing done) when all are taken."""
        if not slots.acquire(blocking=False):
            retry = [("Retry-After", str(SIDE_RETRY_AFTER_SECONDS))]
            if page:  # a person's browser: words, not JSON
                body = b"Busy for a moment: please try again in a few seconds."
                start_response("503 Service Unavailable", [
                    ("Content-Type", "text/plain; charset=utf-8"), ("Content-Length", str(len(body))),
                    ("X-Content-Type-Options", "nosniff"), ("Cache-Control", "no-store"), *retry])
                return [body]
            return _json(start_response, 503, {"ok": False, "error": "busy"}, retry)
        try:
            return handle()
        finally:
            slots.release()

    def _dispatch_slack(
        self, environ: Environ, body: bytes, start_response: StartResponse
    ) -> Iterable[bytes]:
        began = time.perf_counter()
        try:
            text = body.decode("utf-8")
        except UnicodeDecodeError:
            return _json(start_response, 400, {"ok": False, "error": "invalid_utf8"})
        # Verify before looking inside, so unsigned junk is a 401 like Bolt would say.
        headers = _headers(environ)
        if self._verifier is not None and (
            not _signature_headers_well_formed(headers)
            or not self._verifier.is_valid_request(body, headers)
        ):
            return _json(start_response, 401, {"ok": False, "error": "invalid_signature"})
        content_type = environ.get("CONTENT_TYPE", "")
        found = inspect(text, content_type)
        if found.problem:
            return _json(start_response, 400, {"ok": False, "error": "bad_request", "detail": found.problem})
        if found.payload.get("type") == RATE_LIMITED:
            return self._rate_limited(found.payload, start_response)
        headers["content-type"] = content_type
        try:
            request = bolt_request(text, found.payload, environ.get("QUERY_STRING", ""), headers)
            return dispatch(self._bolt, request, start_response)
        except Exception:
            # Malformed bodies can make Bolt raise; that is the sender's fault.
            log.warning("could not process a Slack request", exc_info=True)
            return _json(start_response, 400, {"ok": False, "error": "bad_request"})
        finally:
            # Bolt returns once the listener acked: this is the time Slack waits for.
            metrics.current().ack(found.kind, time.perf_counter() - began)

    @staticmethod
    def _rate_limited(payload: dict[str, Any], start_response: StartResponse) -> Iterable[bytes]:
        """Slack's notice that it is dropping this app's events for the rest of a minute
        (more than 30,000 an hour for a workspace). Bolt has no listener for it; it is
        acknowledged, and logged for the operator: what happened in those channels meanwhile
        never arrives."""
        log.warning("Slack is not delivering events of workspace %s for the minute from %s "
                    "(the app is over its events rate limit)",
                    str(payload.get("team_id"))[:32], str(payload.get("minute_rate_limited"))[:16])
        return _json(start_response, 200, {"ok": True})

    def _metrics(self, environ: Environ, method: str, start_response: StartResponse) -> Iterable[bytes]:
        recorder = metrics.current()
        if not recorder.enabled:
            return _json(start_response, 404, {"ok": False, "error": "not_found"})
        if method != "GET":
            return _json(start_response, 405, {"ok": False, "error": "method_not_allowed"})
        if self._metrics_token is not None:
            verdict = metrics.bearer_ok(environ.get("HTTP_AUTHORIZATION"), self._metrics_token)
            if verdict is None:
                return _json(start_response, 401, {"ok": False, "error": "token_required"},
                             [("WWW-Authenticate", 'Bearer realm="metrics"')])
            if not verdict:
                return _json(start_response, 403, {"ok": False, "error": "invalid_token"})
        body, content_type = recorder.exposition()
        start_response("200 OK", [("Content-Type", content_type), ("Content-Length", str(len(body)))])
        return [body]


def serve_http(
    wsgi: WsgiApp, port: int, host: str = "0.0.0.0", threads: int = 8,
    limits: HttpLimits | None = None,
) -> Any:
    """Create (not start) the waitress server; the caller runs and closes it.

    waitress reads requests on its event loop, not on its 8 threads, so a slow client
    only costs a connection slot; ``limits`` bounds how many and for how long.
    """
    from waitress import create_server

    from bot.web.waitress_channel import SendingThreadChannel

    limits = limits or HttpLimits()
    _allow_open_files(limits.connection_limit + 100)
    server = create_server(
        without_head_bodies(wsgi), host=host, port=port, threads=threads,
        max_request_body_size=MAX_BODY_BYTES + 1,
        # X-Forwarded-For reaches the app, which trusts it only from a private address (a
        # proxy): the plan pages count wrong links per client (bot.web.plan_page).
        ident="partner-coach", clear_untrusted_proxy_headers=False,
        connection_limit=limits.connection_limit,
        channel_timeout=limits.idle_timeout,
        # How often the event loop looks for connections past their time.
        cleanup_interval=1,
        # select() stops at file descriptor 1024; poll() has no such ceiling.
        asyncore_use_poll=True,
    )
    _close_slow_requests(server, limits.request_timeout)
    server.channel_class = SendingThreadChannel
    return server


def _close_slow_requests(server: Any, timeout: int) -> None:
    """Close a connection whose request hasn't arrived whole ``timeout`` seconds after it
    was first seen in progress (waitress alone only closes connections that send nothing
    at all, so one byte a second would hold a slot forever)."""
    idle_check = server.maintenance
    in_progress: weakref.WeakKeyDictionary[Any, tuple[Any, float]] = weakref.WeakKeyDictionary()

    def maintenance(now: float) -> None:
        idle_check(now)
        for channel in list(server.active_channels.values()):
            request = channel.request  # the request being received; None between requests
            if request is None:
                in_progress.pop(channel, None)
                continue
            seen = in_progress.get(channel)
            if seen is None or seen[0] is not request:
                in_progress[channel] = (request, now)
            elif now - seen[1] >= timeout:
                channel.will_close = True

    server.maintenance = maintenance


def _allow_open_files(wanted: int) -> None:
    """Raise this process's soft limit on open files towards ``wanted`` (never above the
    hard limit): every connection is a file descriptor, and the usual soft limit is 1024."""
    try:
        import resource

        soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
        target = wanted if hard == resource.RLIM_INFINITY else min(wanted, hard)
        if soft != resource.RLIM_INFINITY and soft < target:
            resource.setrlimit(resource.RLIMIT_NOFILE, (target, hard))
    except (ImportError, ValueError, OSError):  # not on this platform, or not allowed
        log.warning("could not raise the open-files limit to %d", wanted)
