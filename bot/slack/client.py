"""The one Web API client, pointed at SLACK_API_URL and patient with rate limits."""

from __future__ import annotations

from typing import Any

from slack_sdk import WebClient
from slack_sdk.http_retry.builtin_handlers import (
    ConnectionErrorRetryHandler,
    RateLimitErrorRetryHandler,
    ServerErrorRetryHandler,
)
from slack_sdk.http_retry.handler import RetryHandler
from slack_sdk.http_retry.request import HttpRequest
from slack_sdk.http_retry.response import HttpResponse
from slack_sdk.http_retry.state import RetryState

from bot import metrics
from bot.domain.workspace import workspace_key

# Slack asks clients to wait Retry-After seconds on 429; slack-sdk only does so
# when this handler is installed, which it is not by default.
RATE_LIMIT_RETRIES = 5


class CallCounter(RetryHandler):
    """Counts every Web API attempt by method and HTTP status for the metrics; never retries.

    slack-sdk asks its retry handlers about every answer, 200s included, and about every
    connection error, so the first handler in the list sees each attempt once (429s that
    the next handler retries included). Bolt copies the app client's handlers into the
    clients it makes per request, so those are counted too.
    """

    def can_retry(self, *, state: RetryState, request: HttpRequest, response: HttpResponse | None = None,
                  error: Exception | None = None) -> bool:
        recorder = metrics.current()
        if recorder.enabled:
            method = request.url.split("?", 1)[0].rsplit("/", 1)[-1] or "unknown"
            recorder.slack_call(method, str(response.status_code) if response is not None
                                else "connection_error")
        return False

    def _can_retry(self, **_: Any) -> bool:  # pragma: no cover - can_retry is overridden whole
        return False


def build_client(token: str | None, api_url: str, timeout: int = 10) -> WebClient:
    """A WebClient that retries 429 (honouring Retry-After), 5xx and dropped connections."""
    return WebClient(
        token=token,
        base_url=api_url,
        timeout=timeout,
        retry_handlers=[
            CallCounter(),
            RateLimitErrorRetryHandler(max_retry_count=RATE_LIMIT_RETRIES),
            ServerErrorRetryHandler(max_retry_count=2),
            ConnectionErrorRetryHandler(max_retry_count=2),
        ],
    )


def token_workspace(client: WebClient) -> str:
    """The workspace key of the client's own token, from auth.test (single-token mode)."""
    auth = client.auth_test()
    org_wide = bool(auth.get("is_enterprise_install"))
    return workspace_key(auth.get("team_id"), auth.get("enterprise_id"), org_wide)
