"""Done / Snooze buttons on due-date reminder DMs."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from slack_bolt import Ack, BoltContext, Respond

from bot.listeners.payload import workspace_of
from bot.services.outcome import error
from bot.slack.poster import rendered
from bot.store import Scope

if TYPE_CHECKING:
    from bot.container import Services


def make_reminder_handler(services: Services, action: str) -> Callable[..., None]:
    """``action`` is "done" (close the item) or "snooze" (remind again later)."""

    def handle_reminder(ack: Ack, body: dict[str, Any], respond: Respond, context: BoltContext) -> None:
        ack()
        workspace = workspace_of(context)
        user = body["user"]["id"]
        try:
            value = json.loads(body["actions"][0].get("value") or "{}")
        except ValueError:
            value = {}
        channel = str(value.get("channel") or "") if isinstance(value, dict) else ""
        number = value.get("number") if isinstance(value, dict) else None
        if not channel or not isinstance(number, int):
            outcome = error("button_item_gone")
        elif not services.directory.is_member(workspace, channel, user):
            outcome = error("not_a_member")
        elif services.plans is not None and services.directory.is_partner(
                workspace, channel, user, body["user"].get("team_id")):
            # Reminders go to our team only; a partner holding an old one closes only their
            # own side's shared items, as in the channel.
            outcome = (services.plans.partner_close(services.actor(workspace, channel, user), number)
                       if action == "done" else error("partner_commands_only"))
        elif action == "done":
            outcome = services.partner.close_number(services.actor(workspace, channel, user), number, "done")
        elif services.schedule is None:
            outcome = error("reminders_off")
        else:
            job = str(value.get("job") or "")
            outcome = services.schedule.reminders.snooze(Scope(workspace, channel), job, user)
        if outcome.reply is not None:
            # Settled: the answer replaces the reminder, so its buttons can't be pressed twice;
            # unless the DM lists several reminders, whose other buttons must stay.
            many = isinstance(value, dict) and value.get("many") is True
            respond(replace_original=outcome.ok and not many, **rendered(outcome.reply))

    return handle_reminder
