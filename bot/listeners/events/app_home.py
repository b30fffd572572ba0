"""`app_home_opened`: publish the person's Home tab."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from slack_bolt import BoltContext
from slack_sdk import WebClient

from bot.listeners.payload import workspace_of
from bot.slack.coalesce import Coalescer

if TYPE_CHECKING:
    from bot.container import Services


def make_home_handler(services: Services) -> Callable[..., None]:
    """Publish the Home tab when it is opened (the Messages tab needs nothing); opens that
    arrive while the person's tab is being rendered make one more render after it."""
    renders = Coalescer()

    def handle_home_opened(event: dict[str, Any], client: WebClient, context: BoltContext) -> None:
        user = event.get("user")
        if event.get("tab", "home") != "home" or not isinstance(user, str) or not user:
            return  # the Messages tab needs nothing; no user (never from Slack): no one to show
        workspace = workspace_of(context)
        renders.run((workspace, user), lambda: services.publish_home(client, workspace, user))

    return handle_home_opened
