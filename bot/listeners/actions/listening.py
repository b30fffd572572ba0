"""Buttons on commitment offers: log as give / log as get / ignore / undo."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from slack_bolt import Ack, BoltContext, Respond

from bot.listeners.payload import channel_id, workspace_of
from bot.services.outcome import error
from bot.slack.poster import rendered

if TYPE_CHECKING:
    from bot.container import Services


def make_offer_handler(services: Services, choice: str) -> Callable[..., None]:
    """``choice`` is give, get, ignore or undo."""

    def handle_offer(ack: Ack, body: dict[str, Any], respond: Respond, context: BoltContext) -> None:
        ack()
        workspace = workspace_of(context)
        channel = channel_id(body)
        ts = body["actions"][0].get("value", "")
        actor = services.actor(workspace, channel, body["user"]["id"])
        listening = services.listening
        if services.plans is not None and services.directory.is_partner(
                workspace, channel, actor.user, body["user"].get("team_id")):
            # A Slack Connect partner doesn't write our ledger; our team logs what they said. An
            # automatic log's Undo sits in the shared channel's thread, in the partner's view too:
            # clicked by them it would drop any item logged from conversation, ours included.
            refusal = error("partner_cannot_drop") if choice == "undo" else error("partner_cannot_log")
            respond(replace_original=False, **rendered(refusal.reply))
            return
        if choice == "ignore":
            outcome = listening.ignore_offer(actor, ts)
        elif choice == "undo":
            outcome = listening.undo_auto_log(actor, ts)
        else:
            outcome = listening.log_offer(actor, ts, choice)
        if outcome.reply is not None:
            # The offer was ephemeral: replace it so the buttons can't be clicked twice.
            respond(replace_original=choice != "undo", **rendered(outcome.reply))

    return handle_offer
