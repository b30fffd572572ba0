"""The Slack app manifest: the command, events, interactivity and the scopes we need, no more."""

from __future__ import annotations

from typing import Any

from bot.listeners.commands import COMMAND
from bot.listeners.events import SUBSCRIBED_EVENTS
from bot.slack.scopes import BOT_SCOPES

__all__ = ["BOT_SCOPES", "PLACEHOLDER_URL", "bot_events", "build_manifest"]

# Used when no --url is given; `partner-coach manifest` warns that it is a placeholder.
PLACEHOLDER_URL = "https://partner-coach.example.com/slack/events"

# message.* events arrive for channels the bot is in; the scopes above cover them.
BOT_EVENTS_FOR_LISTENER: dict[str, list[str]] = {
    "message": ["message.channels", "message.groups"],
}


def bot_events() -> list[str]:
    """Manifest event names for every event a listener handles."""
    names: list[str] = []
    for event in SUBSCRIBED_EVENTS:
        names.extend(BOT_EVENTS_FOR_LISTENER.get(event, [event]))
    return names


def build_manifest(
    request_url: str | None = None, socket_mode: bool = False, org_deploy: bool = False
) -> dict[str, Any]:
    """The manifest as a dict; ``request_url`` is e.g. https://coach.example.com/slack/events.

    ``org_deploy`` lets an Enterprise Grid org admin install the app org-wide.
    """
    url = request_url or PLACEHOLDER_URL
    command: dict[str, Any] = {
        "command": COMMAND,
        "description": "Coach this deal: what are you giving to receive?",
        "usage_hint": "give … | get … | list | deal <name> <stage> | help",
        # Slack then sends mentions as <@U…|name>, which is how owners are assigned.
        "should_escape": True,
    }
    events: dict[str, Any] = {"bot_events": bot_events()}
    oauth_config: dict[str, Any] = {"scopes": {"bot": sorted(BOT_SCOPES)}}
    if request_url and not socket_mode:
        # Where Slack sends people back after installing (OAuth mode, see docs/operations.md).
        oauth_config["redirect_urls"] = [url.rsplit("/slack/", 1)[0] + "/slack/oauth_redirect"]
    interactivity: dict[str, Any] = {"is_enabled": True}
    if not socket_mode:
        command["url"] = url
        events["request_url"] = url
        interactivity["request_url"] = url
    return {
        "display_information": {
            "name": "Partner Coach",
            "description": "Coaches deal teams on two-way partnerships: what are you giving to receive?",
            "background_color": "#2b4a6f",
        },
        "features": {
            "app_home": {
                "home_tab_enabled": True,
                "messages_tab_enabled": True,
                "messages_tab_read_only_enabled": True,
            },
            "bot_user": {"display_name": "Partner Coach", "always_online": True},
            "slash_commands": [command],
        },
        "oauth_config": oauth_config,
        "settings": {
            "event_subscriptions": events,
            "interactivity": interactivity,
            "org_deploy_enabled": org_deploy,
            "socket_mode_enabled": socket_mode,
            "token_rotation_enabled": False,
        },
    }
