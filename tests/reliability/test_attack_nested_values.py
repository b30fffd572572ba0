"""Button values and modal metadata nested thousands deep, correctly signed, over HTTP.

The request body itself may nest only 64 deep, but a button's ``value`` and a modal's
``private_metadata`` are strings holding JSON of their own, which the listeners parse
again. Nested 60,000 deep (still under the 1 MB body limit), that second parse died of
Python's recursion limit inside the listener, with a traceback in the log. Now such a
request is a quiet 400 at the door, nothing logged as an error, nothing changed.
"""

from __future__ import annotations

import json

import pytest

from bot.emulator import state_value
from tests.conftest import ALICE, DEAL
from tests.e2e.helpers import action_values, ledger_text

DEEP = "[" * 60_000 + "]" * 60_000
DEEP_OBJECT = '{"a":' * 30_000 + "1" + "}" * 30_000




@pytest.mark.parametrize("value", [DEEP, DEEP_OBJECT], ids=["arrays", "objects"])
@pytest.mark.parametrize("action_id", ["record_give", "record_get", "reminder_done", "reminder_snooze",
                                       "plan_accept", "plan_decline", "item_done", "debrief_open"])
def test_a_button_value_nested_past_64_is_a_quiet_400(bot, slack, emulator, log, action_id, value):
    slack.command("give the deck", user=ALICE, channel=DEAL)
    before = ledger_text(slack)
    assert slack.action(action_id, value, user=ALICE, channel=DEAL).status_code == 400
    assert slack.home_action(action_id, value, user=ALICE).status_code == 400
    bot.wait_idle()
    assert ledger_text(slack) == before
    assert emulator.calls_to("views.open") == [] and emulator.calls_to("response_url") == []


@pytest.mark.parametrize("callback_id", ["record_item", "debrief"])
def test_modal_metadata_nested_past_64_is_a_quiet_400(bot, slack, emulator, log, callback_id):
    values = {"what": {"value": state_value("plain_text_input", "a pilot")}}
    response = slack.view_submission(callback_id, values, user=ALICE, private_metadata=DEEP)
    assert response.status_code == 400
    bot.wait_idle()
    assert "a pilot" not in ledger_text(slack)


def test_brackets_inside_a_string_value_are_no_nesting(bot, slack, emulator, log):
    """A deal named with 200 brackets is text, not depth: the record form still opens."""
    slack.command("deal Acme negotiation", user=ALICE, channel=DEAL)
    emulator.wait_for("chat.postMessage")
    [post] = [m for m in emulator.messages(DEAL) if action_values(m, "record_give")]
    value = json.loads(action_values(post, "record_give")[0])
    value["deal"] = "[{" * 100
    assert slack.action("record_give", json.dumps(value), user=ALICE, channel=DEAL).status_code == 200
    [call] = emulator.wait_for_count("views.open", 1)
    assert call.response["ok"]
