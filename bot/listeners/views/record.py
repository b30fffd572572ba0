"""Submission of the record modal: validate in the modal, then log the item."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from slack_bolt import Ack, BoltContext
from slack_sdk import WebClient

from bot.domain.refusal import Refusal
from bot.listeners.payload import modal_actor
from bot.services.record_form import RecordForm, read_form
from bot.slack.poster import form_errors, post_ephemeral

if TYPE_CHECKING:
    from bot.container import Services


def make_record_submission_handler(services: Services) -> Callable[..., None]:
    """Validate the modal; show errors inline or store the item and confirm."""

    def handle_submission(
        ack: Ack, body: dict[str, Any], view: dict[str, Any], client: WebClient, context: BoltContext
    ) -> None:
        actor, meta = modal_actor(services, body, view, context)
        channel = actor.scope.channel_id
        form: RecordForm = read_form(view.get("state", {}).get("values", {}))
        errors = services.recorder.validate(form, actor)
        if errors or not channel:
            ack(**form_errors(errors or {"what": Refusal("form_channel_lost")}))
            return
        ack()
        outcome = services.recorder.record(actor, form, side=meta.get("side", "give"),
                                           deal=meta.get("deal"), source_key=view.get("id"))
        if outcome.reply is not None:
            post_ephemeral(client, channel, actor.user, outcome.reply)

    return handle_submission
