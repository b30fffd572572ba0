"""Button listeners."""

from __future__ import annotations

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


def register(app: App, services: Services) -> None:
    """Wire the ledger buttons (each also takes its numbered repeats, see bot.action_ids)."""
    app.action(action_pattern("record_give"))(make_record_handler(services))
    app.action(action_pattern("record_get"))(make_record_handler(services))
    app.action(action_pattern("item_done"))(make_item_handler(services, "done"))
    app.action(action_pattern("item_drop"))(make_item_handler(services, "dropped"))
    app.action(action_pattern("item_drop_agreed"))(make_item_handler(services, "dropped", mutual=True))
    app.action(action_pattern("reminder_done"))(make_reminder_handler(services, "done"))
    app.action(action_pattern("reminder_snooze"))(make_reminder_handler(services, "snooze"))
    app.action(action_pattern("listen_log_give"))(make_offer_handler(services, "give"))
    app.action(action_pattern("listen_log_get"))(make_offer_handler(services, "get"))
    app.action(action_pattern("listen_ignore"))(make_offer_handler(services, "ignore"))
    app.action(action_pattern("listen_undo"))(make_offer_handler(services, "undo"))
    app.action(action_pattern("debrief_open"))(make_debrief_open_handler(services))
    app.action(action_pattern("plan_accept"))(make_proposal_handler(services, accept=True))
    app.action(action_pattern("plan_decline"))(make_proposal_handler(services, accept=False))
    app.action(action_pattern("calendar_choose"))(make_calendar_choice_handler(services))
