"""Modal submission listeners."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from slack_bolt import App

from bot.listeners.views.debrief import make_debrief_submission_handler
from bot.listeners.views.record import make_record_submission_handler

if TYPE_CHECKING:
    from bot.container import Services


#: Each modal's callback id and how its listener is made.
HANDLERS: dict[str, Callable[[Services], Callable[..., None]]] = {
    "record_item": make_record_submission_handler,
    "debrief": make_debrief_submission_handler,
}


def register(app: App, services: Services) -> None:
    """Wire the modals."""
    for callback_id, make_handler in HANDLERS.items():
        app.view(callback_id)(make_handler(services))
