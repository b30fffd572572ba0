"""`app_home_opened`: publish the person's Home tab."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from slack_bolt import BoltContext
from slack_sdk import WebClient

from bot.listeners.payload import workspace_of

if TYPE_CHECKING:
    from bot.container import Services


def make_home_handler(services: Services) -> Callable[..., None]:
    """Publish the Home tab when it is opened (the Messages tab needs nothing)."""

    def handle_home_opened(event: dict[str, Any], client: WebClient, context: BoltContext) -> None:
        user = event.get("user")
        if event.get("tab", "home") != "home" or not isinstance(user, str) or not user:
            return  # the Messages tab needs nothing; no user (never from Slack): no one to show
        services.publish_home(client, workspace_of(context), user)

    return handle_home_opened
