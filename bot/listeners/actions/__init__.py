"""Button listeners."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from slack_bolt import App

from bot.action_ids import action_pattern
from bot.listeners.actions.calendar import make_calendar_choice_handler
from bot.listeners.actions.debrief import make_debrief_open_handler
from bot.listeners.actions.items import make_item_handler
from bot.listeners.actions.listening import make_offer_handler
from bot.listeners.actions.proposals import make_proposal_handler
from bot.listeners.actions.record import make_record_handler
from bot.listeners.actions.reminders import make_reminder_handler

if TYPE_CHECKING:
    from bot.container import Services


#: Each button name (bot.action_ids) and how its listener is made.
HANDLERS: dict[str, Callable[[Services], Callable[..., None]]] = {
    "record_give": make_record_handler,
    "record_get": make_record_handler,
    "item_done": lambda services: make_item_handler(services, "done"),
    "item_drop": lambda services: make_item_handler(services, "dropped"),
    "item_drop_agreed": lambda services: make_item_handler(services, "dropped", mutual=True),
    "reminder_done": lambda services: make_reminder_handler(services, "done"),
    "reminder_snooze": lambda services: make_reminder_handler(services, "snooze"),
    "listen_log_give": lambda services: make_offer_handler(services, "give"),
    "listen_log_get": lambda services: make_offer_handler(services, "get"),
    "listen_ignore": lambda services: make_offer_handler(services, "ignore"),
    "listen_undo": lambda services: make_offer_handler(services, "undo"),
    "debrief_open": make_debrief_open_handler,
    "plan_accept": lambda services: make_proposal_handler(services, accept=True),
    "plan_decline": lambda services: make_proposal_handler(services, accept=False),
    "calendar_choose": make_calendar_choice_handler,
}


def register(app: App, services: Services) -> None:
    """Wire the ledger buttons (each also takes its numbered repeats, see bot.action_ids)."""
    for name, make_handler in HANDLERS.items():
        app.action(action_pattern(name))(make_handler(services))
