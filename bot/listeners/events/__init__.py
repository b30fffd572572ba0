"""Event listeners. Every event the manifest subscribes to must be handled here,
or Bolt answers 404 and Slack keeps retrying it."""

from __future__ import annotations

from typing import TYPE_CHECKING

from slack_bolt import App

from bot.listeners.events.app_home import make_home_handler

if TYPE_CHECKING:
    from bot.app import Services

# Kept beside the registrations so the manifest and the test can't drift apart.
SUBSCRIBED_EVENTS: tuple[str, ...] = ("app_home_opened",)


def register(app: App, services: Services) -> None:
    """Wire the events."""
    app.event("app_home_opened")(make_home_handler(services))
