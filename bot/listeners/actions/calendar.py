"""The channel buttons on the DM about a calendar meeting that matched deals in several channels."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from slack_bolt import Ack, BoltContext, Respond

from bot.listeners.payload import workspace_of
from bot.services.outcome import error
from bot.slack.poster import rendered

if TYPE_CHECKING:
    from bot.container import Services


def make_calendar_choice_handler(services: Services) -> Callable[..., None]:
    """Plan the debrief in the channel the owner picked, and say so in place of the question."""

    def handle_calendar_choice(
        ack: Ack, body: dict[str, Any], respond: Respond, context: BoltContext
    ) -> None:
        ack()
        value = str(body["actions"][0].get("value") or "")
        if services.calendar is None:
            outcome = error("calendar_off")
        else:
            outcome = services.calendar.choose(workspace_of(context), body["user"]["id"], value)
        if outcome.reply is not None:
            respond(replace_original=outcome.ok, **rendered(outcome.reply))

    return handle_calendar_choice
