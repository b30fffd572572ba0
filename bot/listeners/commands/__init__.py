"""Slash command listeners."""

from __future__ import annotations

from typing import TYPE_CHECKING

from slack_bolt import App

from bot.listeners.commands.partner import make_partner_handler

if TYPE_CHECKING:
    from bot.container import Services

COMMAND = "/partner"


def register(app: App, services: Services) -> None:
    """Wire `/partner`."""
    app.command(COMMAND)(make_partner_handler(services))
