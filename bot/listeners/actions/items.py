"""Done / Drop buttons on ledger lists, prompts and the Home tab."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from slack_bolt import Ack, BoltContext, Respond
from slack_sdk import WebClient

from bot.listeners.payload import channel_id, workspace_of
from bot.services.outcome import error
from bot.slack.poster import rendered

if TYPE_CHECKING:
    from bot.container import Services


def make_item_handler(services: Services, status: str) -> Callable[..., None]:
    """Close the item the button points at, then refresh what the user sees."""

    def handle_item(
        ack: Ack, body: dict[str, Any], client: WebClient, respond: Respond, context: BoltContext
    ) -> None:
        ack()
        workspace = workspace_of(context)
        user = body["user"]["id"]
        value = body["actions"][0].get("value", "")
        # Home-tab buttons carry "channel:number"; in a channel the payload names the channel.
        channel, _, number = value.rpartition(":")
        channel = channel or channel_id(body)
        actor = services.actor(workspace, channel, user)
        from_home = (body.get("view") or {}).get("type") == "home"
        if not number.isdigit() or not channel:
            outcome = error("That button doesn't point at a commitment any more.")
        elif from_home and not services.directory.is_member(workspace, channel, user):
            outcome = error("You can only change commitments of channels you're in.")
        else:
            outcome = services.partner.close_number(actor, int(number), status)
        if from_home:
            notice = outcome.reply.context.get("message") if not outcome.ok and outcome.reply else None
            services.publish_home(client, workspace, user, notice)
            return
        if outcome.reply is not None:
            respond(replace_original=False, **rendered(outcome.reply))

    return handle_item
