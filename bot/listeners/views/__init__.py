"""Modal submission listeners."""

from __future__ import annotations

from typing import TYPE_CHECKING

from slack_bolt import App

from bot.listeners.views.debrief import make_debrief_submission_handler
from bot.listeners.views.record import make_record_submission_handler

if TYPE_CHECKING:
    from bot.container import Services


def register(app: App, services: Services) -> None:
    """Wire the modals."""
    app.view("record_item")(make_record_submission_handler(services))
    app.view("debrief")(make_debrief_submission_handler(services))
