"""The one Web API client, pointed at SLACK_API_URL and patient with rate limits."""

from __future__ import annotations

from slack_sdk import WebClient
from slack_sdk.http_retry.builtin_handlers import (
    ConnectionErrorRetryHandler,
    RateLimitErrorRetryHandler,
    ServerErrorRetryHandler,
)

from bot.domain.workspace import workspace_key

# Slack asks clients to wait Retry-After seconds on 429; slack-sdk only does so
# when this handler is installed, which it is not by default.
RATE_LIMIT_RETRIES = 5


def build_client(token: str | None, api_url: str, timeout: int = 10) -> WebClient:
    """A WebClient that retries 429 (honouring Retry-After), 5xx and dropped connections."""
    return WebClient(
        token=token,
        base_url=api_url,
        timeout=timeout,
        retry_handlers=[
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
