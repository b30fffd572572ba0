"""How rendered output is kept inside Block Kit's limits (bot/messages.py), whatever users type.

``truncate_text`` budgets user text by its length once escaped and counted as Slack counts
it; ``check_limits`` cuts whatever still overflows, never inside an escape or a mention.
The emulator's own judge (bot/emulator/block_kit.py) checks each result.
"""

from __future__ import annotations

import pytest

from bot.emulator.block_kit import message_problems, view_problems
from bot.messages import _truncate, check_limits, fit_mrkdwn, mrkdwn_escape, slack_length

EMOJI = "\U0001F600"
FAMILY = "\U0001F469\u200d\U0001F469\u200d\U0001F467"


@pytest.mark.parametrize("text", ["&" * 300, "<" * 300, EMOJI * 300, ("a&<" + EMOJI) * 80,
                                  FAMILY * 60, "e\u0301" * 200, "\u202e\u200b" * 200])
@pytest.mark.parametrize("budget", [40, 80, 120, 250])
def test_truncated_user_text_fits_its_budget_once_escaped(text, budget):
    cut = _truncate(text, budget)
    assert slack_length(mrkdwn_escape(cut)) <= budget
    assert cut.endswith("…") and text.startswith(cut[:-1])


def test_short_text_is_left_alone_even_with_escapes():
    assert _truncate("R&D <team>", 200) == "R&D <team>"
    assert _truncate("a" * 200, 200) == "a" * 200


def test_a_cut_leaves_no_dangling_joiner():
    cut = _truncate(FAMILY * 10, 9)
    assert not cut[:-1].endswith(("\u200d", "\ufe0f"))


@pytest.mark.parametrize(
    ("text", "limit", "expected"),
    [("ab &amp; cd", 5, "ab…"), ("hi <@U0ALICE> there", 8, "hi…"),
     ("see <https://x.example|the plan>", 20, "see…"), ("x" * 10, 10, "x" * 10),
     (EMOJI * 10, 6, EMOJI * 2 + "…")],
    ids=["inside-an-escape", "inside-a-mention", "inside-a-link", "at-the-limit", "emoji-count-two"],
)
def test_fit_mrkdwn_never_cuts_inside_markup(text, limit, expected):
    assert fit_mrkdwn(text, limit) == expected
    assert slack_length(fit_mrkdwn(text, limit)) <= limit


def test_check_limits_fits_every_text_a_message_can_hold():
    payload = {"text": "&amp;" * 2000, "blocks": [
        {"type": "header", "text": {"type": "plain_text", "text": "h" * 400}},
        {"type": "section", "text": {"type": "mrkdwn", "text": "&amp;" * 1000},
         "fields": [{"type": "mrkdwn", "text": EMOJI * 1500}]},
        {"type": "context", "elements": [{"type": "mrkdwn", "text": "c" * 5000}]},
        {"type": "actions", "elements": [{"type": "button", "action_id": "a", "value": "v",
                                          "text": {"type": "plain_text", "text": "b" * 100}}]},
    ] + [{"type": "divider"}] * 60}
    assert message_problems(payload) is not None
    check_limits("test", payload)
    assert message_problems(payload) is None
    assert len(payload["blocks"]) == 50
    assert slack_length(payload["text"]) <= 4000 and payload["text"].endswith("&amp;…")


def test_check_limits_fits_a_modal_and_its_inputs():
    view = {"type": "modal", "title": {"type": "plain_text", "text": "T" * 30},
            "submit": {"type": "plain_text", "text": "S" * 30}, "blocks": [
                {"type": "input", "block_id": "what", "label": {"type": "plain_text", "text": "l" * 2100},
                 "element": {"type": "plain_text_input", "action_id": "value",
                             "placeholder": {"type": "plain_text", "text": "p" * 200}}}]}
    assert view_problems(view)
    check_limits("test", view)
    assert view_problems(view) == []


def test_check_limits_fits_a_message_to_the_weight_slack_takes_for_all_its_blocks():
    """40 sections of 2,000 characters: each within its own limit, 80,000 together."""
    sections = [{"type": "section", "text": {"type": "mrkdwn", "text": f"{n} " + "&amp;" * 400}}
                for n in range(40)]
    payload = {"text": "Many", "blocks": sections}
    problem = message_problems(payload)
    assert problem is not None and problem[0] == "msg_blocks_too_long"
    check_limits("test", payload)
    assert message_problems(payload) is None
    # Every section kept, each cut evenly and never inside an escape.
    assert len(payload["blocks"]) == 40
    assert all(b["text"]["text"].endswith("&amp;…") for b in payload["blocks"])


def test_check_limits_drops_trailing_blocks_only_when_too_many_to_keep_some_of_each():
    many = [{"type": "context", "elements": [{"type": "mrkdwn", "text": "c" * 300}] * 10}
            for _ in range(50)]
    payload = {"text": "Crowded", "blocks": many}
    check_limits("test", payload)
    assert message_problems(payload) is None and 1 < len(payload["blocks"]) < 50


def test_check_limits_leaves_a_message_within_the_weight_alone():
    section = {"type": "section", "text": {"type": "mrkdwn", "text": "x" * 3000}}
    payload = {"text": "Few", "blocks": [section, {**section}, {**section}]}
    before = [dict(b["text"]) for b in payload["blocks"]]
    check_limits("test", payload)
    assert [b["text"] for b in payload["blocks"]] == before
