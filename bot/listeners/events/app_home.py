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
        if event.get("tab", "home") != "home":
            return
        services.publish_home(client, workspace_of(context), event["user"])

    return handle_home_opened
