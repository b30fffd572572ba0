"""Accept / Decline on a change the partner proposed from the mutual plan page (a DM)."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from slack_bolt import Ack, BoltContext, Respond
from slack_sdk import WebClient

from bot.listeners.payload import workspace_of
from bot.services.outcome import error
from bot.slack.poster import post, rendered

if TYPE_CHECKING:
    from bot.container import Services


def make_proposal_handler(services: Services, accept: bool) -> Callable[..., None]:
    """Apply or decline the proposal the button names; the DM then shows the answer."""

    def handle_proposal(
        ack: Ack, body: dict[str, Any], client: WebClient, respond: Respond, context: BoltContext
    ) -> None:
        ack()
        try:
            value = json.loads(body["actions"][0].get("value") or "{}")
            channel, proposal = str(value["channel"]), str(value["proposal"])
        except (ValueError, KeyError, TypeError):
            refusal = error("button_not_proposal").reply
            respond(replace_original=False, **rendered(refusal))
            return
        if services.plans is None:
            return
        actor = services.actor(workspace_of(context), channel, body["user"]["id"])
        outcome = services.plans.decide(actor, proposal, accept)
        if outcome.reply is not None:
            # The answered proposal replaces the buttons, so nobody clicks twice by accident.
            respond(replace_original=outcome.ok, **rendered(outcome.reply))
        for message in outcome.posts:
            post(client, channel, message)

    return handle_proposal
