"""Done / Drop / Drop by agreement buttons on ledger lists, prompts and the Home tab."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from slack_bolt import Ack, BoltContext, Respond
from slack_sdk import WebClient

from bot.listeners.payload import channel_id, workspace_of
from bot.services.outcome import error
from bot.slack.poster import post, rendered

if TYPE_CHECKING:
    from bot.container import Services


def make_item_handler(services: Services, status: str, mutual: bool = False) -> Callable[..., None]:
    """Close the item the button points at, then refresh what the user sees; ``mutual``: the
    *Drop by agreement* button, a cancellation both sides chose (never a broken promise)."""

    def handle_item(
        ack: Ack, body: dict[str, Any], client: WebClient, respond: Respond, context: BoltContext
    ) -> None:
        ack()
        workspace = workspace_of(context)
        user = body["user"]["id"]
        value = body["actions"][0].get("value", "")
        from_home = (body.get("view") or {}).get("type") == "home"
        # Home-tab buttons carry "channel:number" (sealed: bot.slack.seal); a button on a
        # channel's message acts on that message's channel, whatever its value says.
        named, _, number = value.rpartition(":")
        channel = named if from_home else channel_id(body)
        actor = services.actor(workspace, channel, user)
        if not from_home and named and named != channel:
            outcome = error("button_other_channel")
        elif not number.isdecimal() or not channel:
            outcome = error("button_item_gone")
        elif from_home and not services.directory.is_member(workspace, channel, user):
            outcome = error("not_a_member")
        elif services.plans is not None and services.directory.is_partner(
                workspace, channel, user, body["user"].get("team_id")):
            # A Slack Connect partner closes only their own side's items, and never drops.
            outcome = (services.plans.partner_close(actor, int(number)) if status == "done"
                       else error("partner_cannot_drop"))
        else:
            outcome = services.partner.close_number(actor, int(number), status, mutual)
        if from_home:
            notice = outcome.reply.context.get("refusal") if not outcome.ok and outcome.reply else None
            services.publish_home(client, workspace, user, notice)
            return
        if outcome.reply is not None:
            respond(replace_original=False, **rendered(outcome.reply))
        for message in outcome.posts:
            post(client, channel, message)

    return handle_item
