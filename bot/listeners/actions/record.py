""""Record what we give / expect" buttons: open the record modal."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from slack_bolt import Ack, BoltContext, Respond
from slack_sdk import WebClient

from bot.action_ids import base_action_id
from bot.listeners.payload import workspace_of
from bot.services.outcome import Message, error
from bot.slack.poster import open_modal, rendered

if TYPE_CHECKING:
    from bot.container import Services


def make_record_handler(services: Services) -> Callable[..., None]:
    """Open the modal for the side the button names."""

    def handle_record(
        ack: Ack, body: dict[str, Any], client: WebClient, logger: Any, respond: Respond, context: BoltContext
    ) -> None:
        ack()
        channel = (body.get("channel") or {}).get("id") or ""
        if services.plans is not None and services.directory.is_partner(
                workspace_of(context), channel, body["user"]["id"], body["user"].get("team_id")):
            respond(replace_original=False, **rendered(error("partner_cannot_log").reply))
            return
        action = body["actions"][0]
        side = "give" if base_action_id(action["action_id"]) == "record_give" else "get"
        try:
            value = json.loads(action.get("value") or "{}")
        except ValueError:
            value = {}
        deal = value.get("deal") if isinstance(value, dict) else None
        metadata = json.dumps({"channel": channel, "side": side, "deal": deal})
        view = rendered(Message("record_modal", {"side": side, "deal": deal, "metadata": metadata}))
        if services.seal is not None:  # the metadata names the channel the form writes to
            services.seal.seal_payload(view)
        user = (body.get("user") or {}).get("id") or ""
        open_modal(client, body["trigger_id"], view, channel=channel, user=user)

    return handle_record
