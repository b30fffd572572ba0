"""Event listeners.

Every event the manifest subscribes to must be handled here, or Bolt answers 404
and Slack keeps retrying it; the manifest derives its subscriptions from this
table, so the two cannot drift apart.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from slack_bolt import App

from bot.listeners.events.app_home import make_home_handler
from bot.listeners.events.channel_moved import make_channel_id_changed_handler
from bot.listeners.events.joined import make_joined_handler
from bot.listeners.events.message import make_message_handler
from bot.listeners.events.shared import make_archive_handler, make_member_left_handler, make_sharing_handler
from bot.listeners.events.uninstall import make_tokens_revoked_handler, make_uninstalled_handler
from bot.listeners.events.user_changed import make_user_change_handler

if TYPE_CHECKING:
    from bot.container import Services

EVENT_LISTENERS: dict[str, Callable[[Services], Callable[..., Any]]] = {
    "app_home_opened": make_home_handler,
    "message": make_message_handler,
    "member_joined_channel": make_joined_handler,
    "app_uninstalled": make_uninstalled_handler,
    "tokens_revoked": make_tokens_revoked_handler,
    "channel_shared": make_sharing_handler,
    "channel_unshared": make_sharing_handler,
    "member_left_channel": make_member_left_handler,
    "channel_archive": make_archive_handler,
    "group_archive": make_archive_handler,
    "channel_unarchive": make_archive_handler,
    "group_unarchive": make_archive_handler,
    "channel_id_changed": make_channel_id_changed_handler,
    "user_change": make_user_change_handler,
}
SUBSCRIBED_EVENTS: tuple[str, ...] = tuple(EVENT_LISTENERS)


def register(app: App, services: Services) -> None:
    """Wire every event in :data:`EVENT_LISTENERS`."""
    for name, make_handler in EVENT_LISTENERS.items():
        app.event(name)(make_handler(services))
    # Last, so it only gets what nothing above takes: an event the manifest doesn't subscribe
    # to (an app_mention, a reaction_added added to the app's settings by hand) is
    # acknowledged and ignored. Answered 404, Slack would retry it, and disable the app's
    # event subscriptions once most deliveries fail.
    app.event(re.compile(".*"))(_ignore)


def _ignore(event: dict[str, Any], logger: Any) -> None:
    logger.debug("ignoring a %s event: not subscribed", event.get("type"))
