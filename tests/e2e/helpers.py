"""Small helpers for reading what the bot answered."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

from bot.action_ids import base_action_id
from tests.conftest import ALICE, DEAL


def all_text(payload: dict[str, Any]) -> str:
    """Every string inside a message or view, joined: what a reader would see."""
    return "\n".join(node for node in _nodes(payload) if isinstance(node, str))


def _nodes(payload: Any) -> Iterator[Any]:
    """Every value inside a JSON payload, depth first, the payload itself first."""
    yield payload
    children = payload.values() if isinstance(payload, dict) else payload if isinstance(payload, list) else ()
    for child in children:
        yield from _nodes(child)


def reply(response) -> dict[str, Any]:
    """The JSON body Bolt acked a command with."""
    assert response.status_code == 200, response.text
    return json.loads(response.text) if response.text else {}


def reply_text(response) -> str:
    return all_text(reply(response))


def ledger_text(slack, channel: str = DEAL) -> str:
    """Everything `/partner list all` shows Alice in a channel: to check nothing changed."""
    return reply_text(slack.command("list all", user=ALICE, channel=channel))


def action_values(payload: dict[str, Any], action_id: str) -> list[str]:
    """Values of every button with that action id (or a numbered repeat of it, see bot.action_ids)."""
    return [node["value"] for node in _nodes(payload) if isinstance(node, dict) and "value" in node
            and "action_id" in node and base_action_id(node["action_id"]) == action_id]


HIDDEN_KEYS = ("value", "private_metadata", "action_id", "block_id", "callback_id")


def visible(payload: Any) -> Any:
    """The payload without fields Slack never renders (button values, metadata)."""
    if isinstance(payload, dict):
        return {k: visible(v) for k, v in payload.items() if k not in HIDDEN_KEYS}
    if isinstance(payload, list):
        return [visible(v) for v in payload]
    return payload


def nudges(payload: dict[str, Any]) -> list[str]:
    """The coaching nudge ids a message shows (its ``reason_<id>`` blocks: one per nudge)."""
    return [block["block_id"].removeprefix("reason_") for block in payload.get("blocks", [])
            if str(block.get("block_id", "")).startswith("reason_")]


def coaching_paragraphs(payload: dict[str, Any]) -> int:
    """How many coaching paragraphs a message holds (``nudge_<id>`` sections)."""
    return sum(str(block.get("block_id", "")).startswith("nudge_") for block in payload.get("blocks", []))


def offer_and_log_all(slack, emulator, said: dict[str, str], theirs: set[str]) -> None:
    """Say each message (by its ts) in the deal channel as Alice, check each gets one offer
    naming the right side ("from their side" exactly for ``theirs``), and log every offer."""
    for ts, text in said.items():
        assert slack.message(text, user=ALICE, channel=DEAL, ts=ts).status_code == 200
    offers = emulator.wait_for_count("chat.postEphemeral", len(said))
    by_ts = {action_values(o.args, "listen_ignore")[0]: o.args for o in offers}
    assert set(by_ts) == set(said)
    for ts in said:
        assert ("from their side" in all_text(by_ts[ts])) == (ts in theirs), said[ts]
    for n, ts in enumerate(said, start=1):
        slack.action("listen_log_get" if ts in theirs else "listen_log_give", ts, user=ALICE, channel=DEAL)
        emulator.wait_for(lambda calls, n=n: len(emulator.responses()) >= n)
