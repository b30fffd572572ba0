"""Submission of the debrief form: errors inline, or every line logged."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from slack_bolt import Ack, BoltContext
from slack_sdk import WebClient

from bot.domain.refusal import Refusal
from bot.listeners.payload import modal_actor
from bot.services.debrief import read_debrief
from bot.slack.poster import form_errors, post_ephemeral

if TYPE_CHECKING:
    from bot.container import Services


def make_debrief_submission_handler(services: Services) -> Callable[..., None]:
    """Validate; on success store the lines and confirm to the person."""

    def handle_debrief(
        ack: Ack, body: dict[str, Any], view: dict[str, Any], client: WebClient, context: BoltContext
    ) -> None:
        actor, meta = modal_actor(services, body, view, context)
        channel = actor.scope.channel_id
        lines, wiifm = read_debrief(view.get("state", {}).get("values", {}))
        errors = services.debriefs.validate(lines, wiifm, actor)
        # The form writes both sides of our ledger, which only our team logs: the button refuses
        # a partner in a Slack Connect channel, and so does the submission itself.
        user = body.get("user") or {}
        if channel and services.plans is not None and services.directory.is_partner(
                actor.scope.workspace, channel, actor.user, user.get("team_id")):
            errors = {"give_1": Refusal("partner_cannot_log")}
        if errors or not channel:
            ack(**form_errors(errors or {"give_1": Refusal("form_channel_lost")}))
            return
        ack()
        outcome = services.debriefs.record(actor, lines, wiifm, str(meta.get("topic") or ""), view.get("id"))
        if outcome.reply is not None:
            post_ephemeral(client, channel, actor.user, outcome.reply)

    return handle_debrief
