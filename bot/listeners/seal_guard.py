"""Before any button or modal listener runs: open the seals (bot.slack.seal), refuse forgeries.

A sealed value or metadata is replaced by its plain text, so listeners read what the bot
wrote. Unsealed, only a Done/Drop button on a channel's own message may pass, holding a
bare item number: it acts on the channel of that message (see listeners/actions/items.py).
Anything else, edited or made up, gets a short refusal and changes nothing.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from slack_bolt import BoltContext, BoltResponse, Respond
from slack_sdk import WebClient

from bot.action_ids import base_action_id
from bot.domain.refusal import Refusal
from bot.listeners.payload import workspace_of
from bot.services.outcome import refuse
from bot.slack.poster import form_errors, rendered
from bot.slack.seal import SEALED_ACTIONS, SEALED_VIEWS, Seal

if TYPE_CHECKING:
    from bot.container import Services

REFUSED_CLICK = Refusal("button_tampered")
REFUSED_FORM = Refusal("form_tampered")


def make_seal_guard(services: Services) -> Callable[..., Any]:
    """The Bolt middleware."""

    def seal_guard(body: dict[str, Any], client: WebClient, context: BoltContext, respond: Respond,
                   next: Callable[[], Any]) -> Any:  # noqa: A002 - Bolt's name for it
        seal = services.seal
        if seal is None or not isinstance(body, dict):
            return next()
        kind = body.get("type")
        if kind == "block_actions" and not _open_actions(seal, body):
            _refuse_click(services, body, client, context, respond)
            return BoltResponse(status=200, body="")
        if kind == "view_submission":
            view = body.get("view") or {}
            if view.get("callback_id") in SEALED_VIEWS:
                opened = seal.open(view.get("private_metadata"))
                if opened is None:
                    return _refuse_form(view)
                view["private_metadata"] = opened
        return next()

    return seal_guard


def on_channel_message(body: dict[str, Any]) -> bool:
    """The click came from a message in a channel (not the Home tab, not a modal)."""
    container = body.get("container") or {}
    return container.get("type") == "message" and bool((body.get("channel") or {}).get("id"))


def _open_actions(seal: Seal, body: dict[str, Any]) -> bool:
    """Open every sealed action value in place; False when one doesn't check out."""
    for action in body.get("actions") or []:
        name = base_action_id(action.get("action_id"))
        if name not in SEALED_ACTIONS:
            continue
        value = action.get("value", "")
        opened = seal.open(value)
        if opened is not None:
            action["value"] = opened
        elif not (name.startswith("item_") and on_channel_message(body)
                  and isinstance(value, str) and value.isdecimal()):
            return False
    return True


def _refuse_click(services: Services, body: dict[str, Any], client: WebClient,
                  context: BoltContext, respond: Respond) -> None:
    """Say so where the click happened: on the Home tab, or under the clicked message."""
    user = str((body.get("user") or {}).get("id") or "")
    if (body.get("view") or {}).get("type") == "home" and user:
        services.publish_home(client, workspace_of(context), user, REFUSED_CLICK)
        return
    reply = refuse(REFUSED_CLICK).reply
    if reply is not None and isinstance(body.get("response_url"), str):
        respond(replace_original=False, **rendered(reply))


def _refuse_form(view: dict[str, Any]) -> BoltResponse:
    """Show the refusal on the form's first input (Slack shows errors only on inputs)."""
    first_input = next((b.get("block_id") for b in view.get("blocks") or []
                        if isinstance(b, dict) and b.get("type") == "input" and b.get("block_id")), None)
    answer = (form_errors({first_input: REFUSED_FORM}) if first_input
              else {"response_action": "clear"})
    return BoltResponse(status=200, body=json.dumps(answer),
                        headers={"content-type": "application/json"})
