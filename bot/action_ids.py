"""Action ids that are unique within a message or view, and the name each one stands for.

A list shows the same button on every row (a *Done* per item, an *Ask there* per calendar).
Slack routes a click by ``action_id`` and asks for ids that don't repeat, so the renderer
numbers the repeats (``item_done``, ``item_done:2``, ``item_done:3``…) and every reader
(the listeners' routing, the seal, the request checks) goes by the name before the colon.
What the click acts on is always in the button's value, never in its number.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

SEPARATOR = ":"


def base_action_id(action_id: Any) -> str:
    """The name a (possibly numbered) action id stands for: ``item_done:3`` -> ``item_done``."""
    return str(action_id).partition(SEPARATOR)[0]


def action_pattern(name: str) -> re.Pattern[str]:
    """What a listener for ``name`` matches: the name itself or a numbered repeat of it."""
    return re.compile(rf"^{re.escape(name)}(?:{SEPARATOR}\d+)?$")


def number_repeats(blocks: Any) -> None:
    """Give every repeated action id of ``blocks`` a number, in place (the first keeps its name)."""
    seen: dict[str, int] = {}
    for element in _interactive_elements(blocks):
        action_id = element["action_id"]
        count = seen.get(action_id, 0) + 1
        seen[action_id] = count
        if count > 1:
            element["action_id"] = f"{action_id}{SEPARATOR}{count}"


def _interactive_elements(blocks: Any) -> Iterator[dict[str, Any]]:
    """The elements with an action_id, in the order they appear (accessories, actions, inputs)."""
    for block in blocks if isinstance(blocks, list) else ():
        if not isinstance(block, dict):
            continue
        candidates = [*(block.get("elements") or ()), block.get("accessory"), block.get("element")]
        for element in candidates:
            if isinstance(element, dict) and isinstance(element.get("action_id"), str):
                yield element
