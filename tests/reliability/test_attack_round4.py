"""Round 4 of attacks through the real HTTP surface: signed requests of shapes Slack never
sends, and the routes anyone on the internet can reach. Each answers clearly (a 4xx or a
kind reply), logs no error or traceback (the ``log`` fixture), and changes nothing."""

from __future__ import annotations

import json
import time

import pytest

from tests.conftest import ALICE, BOB, DEAL
from tests.e2e.helpers import ledger_text

JSON = "application/json"


def envelope(event: dict) -> str:
    return json.dumps({"token": "t", "team_id": "T0001", "api_app_id": "A0001", "type": "event_callback",
                       "event_id": f"Ev{time.time_ns()}", "event_time": int(time.time()), "event": event})


def json_command(**fields) -> str:
    return json.dumps({"command": "/partner", "team_id": "T0001", "channel_id": DEAL, "user_id": ALICE,
                       "text": "give a pilot", "trigger_id": f"{time.time_ns()}.1", **fields})


@pytest.mark.parametrize("odd", [{"text": ["give", "a pilot"]}, {"text": 5}, {"channel_id": {"id": DEAL}},
                                 {"user_id": [ALICE]}, {"trigger_id": {"x": 1}}])
def test_a_slash_command_sent_as_json_with_fields_that_are_not_text_is_a_quiet_400(
        bot, slack, log, odd):
    # Bolt takes a JSON body as readily as Slack's form; the listener then choked on a list.
    answer = slack.post_raw(json_command(**odd), JSON)
    assert answer.status_code == 400 and "not text" in answer.json()["detail"]
    bot.wait_idle()
    assert "a pilot" not in ledger_text(slack)


def test_a_slash_command_sent_as_json_with_text_fields_is_read_like_the_form(bot, slack, log):
    assert slack.post_raw(json_command(), JSON).status_code == 200
    assert "a pilot" in ledger_text(slack)


@pytest.mark.parametrize("field,value", [("message", "hello"), ("message", ["x"]),
                                         ("previous_message", "y"), ("previous_message", 3)])
def test_an_edit_whose_message_is_not_an_object_is_a_quiet_400(bot, slack, emulator, log, field, value):
    edit = {"type": "message", "subtype": "message_changed", "channel": DEAL, "ts": "1700000000.000100",
            "message": {"text": "Deal stage changed: Acme Corp → Negotiation", "user": BOB,
                        "ts": "1700000000.000100"}, field: value}
    answer = slack.post_raw(envelope(edit), JSON)
    assert answer.status_code == 400 and "not an object" in answer.json()["detail"]
    bot.wait_idle()
    assert emulator.calls_to("chat.postMessage") == []
