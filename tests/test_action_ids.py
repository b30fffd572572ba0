"""Numbered repeats of an action id: unique in a payload, routed and sealed by their name."""

from __future__ import annotations

from bot.action_ids import action_pattern, base_action_id, number_repeats
from bot.messages import render


def button(action_id: str) -> dict:
    return {"type": "button", "action_id": action_id, "text": {"type": "plain_text", "text": "Go"}}


def test_repeats_are_numbered_in_order_and_the_first_keeps_its_name():
    blocks = [{"type": "actions", "elements": [button("item_done"), button("item_drop")]},
              {"type": "section", "accessory": button("item_done")},
              {"type": "actions", "elements": [button("item_done"), button("item_drop")]},
              {"type": "input", "element": button("other")}]
    number_repeats(blocks)
    ids = [e["action_id"] for b in blocks for e in [*b.get("elements", []), b.get("accessory"),
                                                     b.get("element")] if e]
    assert ids == ["item_done", "item_drop", "item_done:2", "item_done:3", "item_drop:2", "other"]


def test_a_number_names_its_button():
    assert base_action_id("item_done:12") == "item_done"
    assert base_action_id("item_done") == "item_done"
    assert action_pattern("item_done").match("item_done:12")
    assert action_pattern("item_done").match("item_done")
    assert not action_pattern("item_done").match("item_done_x")
    assert not action_pattern("item_done").match("item_done:x")
    assert not action_pattern("item").match("item_done")


def test_the_record_modal_names_each_input_by_its_block():
    view = render("record_modal", side="give", deal="Acme", metadata="m")
    inputs = [b for b in view["blocks"] if b["type"] == "input"]
    assert [b["element"]["action_id"] for b in inputs] == [b["block_id"] for b in inputs]
