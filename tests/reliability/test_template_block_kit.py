"""Every template, rendered with every hostile text, is a payload Slack's rules take.

The same contexts as tests/reliability/test_template_escaping.py (each template, each way
it renders), judged by the emulator's validator (bot/emulator/block_kit.py): Block Kit's
documented limits and rules, a text fallback beside blocks, action ids unique in the
payload, and mrkdwn whose ``<``, ``>`` and ``&`` are all escaped or meant.
"""

from __future__ import annotations

from typing import Any

import pytest

from bot.emulator.block_kit import message_problems, view_problems
from tests.reliability.test_template_escaping import CONTEXTS, HOSTILE, MARKER, renders


def problems(payload: dict[str, Any]) -> list[str]:
    if payload.get("type") in ("modal", "home"):
        return view_problems(payload)
    problem = message_problems(payload)
    return [] if problem is None else [f"{problem[0]}: {p}" for p in problem[1]]


@pytest.mark.parametrize("template", sorted(CONTEXTS))
@pytest.mark.parametrize("hostile", HOSTILE)
def test_every_template_renders_a_payload_slack_takes(template, hostile):
    found = [(payload.get("text", payload.get("type")), p)
             for payload in renders(template, f"{MARKER} {hostile} {MARKER}") for p in problems(payload)]
    assert found == []


def test_the_check_refuses_what_slack_would():
    unescaped = {"type": "section", "text": {"type": "mrkdwn", "text": "a < b"}}
    assert problems({"text": "x", "blocks": [unescaped]})
    assert problems({"blocks": [{"type": "divider"}]})
    assert problems({"type": "modal", "title": {"type": "plain_text", "text": "x" * 25},
                     "blocks": [{"type": "divider"}]})
