""""Log the debrief" button: open the debrief form."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from slack_bolt import Ack, BoltContext, Respond
from slack_sdk import WebClient

from bot.listeners.payload import workspace_of
from bot.services.debrief import debrief_modal
from bot.services.outcome import error
from bot.slack.poster import open_modal, rendered

if TYPE_CHECKING:
    from bot.container import Services


def make_debrief_open_handler(services: Services) -> Callable[..., None]:
    """Open the multi-line debrief modal for the channel the prompt was posted in."""

    def handle_debrief_open(ack: Ack, body: dict[str, Any], client: WebClient, respond: Respond,
                            context: BoltContext) -> None:
        ack()
        topic = body["actions"][0].get("value", "")
        channel = (body.get("channel") or {}).get("id", "")
        user = (body.get("user") or {}).get("id") or ""
        # The prompt sits in the channel, where a Slack Connect partner sees it too; the form
        # writes both sides of our ledger, which only our team logs.
        if services.plans is not None and services.directory.is_partner(workspace_of(context), channel, user,
                                                     body["user"].get("team_id")):
            respond(replace_original=False, **rendered(error("partner_cannot_log").reply))
            return
        view = rendered(debrief_modal(topic, channel))
        if services.seal is not None:  # the metadata names the channel the form writes to
            services.seal.seal_payload(view)
        open_modal(client, body["trigger_id"], view, channel=channel, user=user)

    return handle_debrief_open
