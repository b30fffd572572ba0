"""Thin Slack glue. Each folder exposes ``register(app, services)``; this wires them all."""

from __future__ import annotations

from typing import TYPE_CHECKING

from slack_bolt import App

from bot.listeners import actions, commands, events, unknown, views

if TYPE_CHECKING:
    from bot.container import Services


def register_all(app: App, services: Services) -> None:
    """Attach every listener to the app."""
    for module in (commands, events, actions, views, unknown):  # unknown last: the rest
        module.register(app, services)
