"""Odd but correctly signed payloads, over HTTP to the real app: a clear answer or a 4xx,
never a 500, never a traceback in the log, and nothing changed.

What Slack itself never sends (a lone UTF-16 surrogate, a button value of the wrong JSON
type, a modal field that isn't text, a Home-tab click on a message-only button, an event
type the bot doesn't subscribe to) is what a forged or mangled request would carry; the
bot must shrug it off and keep working.
"""

from __future__ import annotations

import json
import logging

import pytest
import requests

from bot.emulator import state_value
from bot.webhook import signed_headers
from tests.conftest import ALICE, BOB, DEAL
from tests.e2e.helpers import action_values, reply_text

FORM = "application/x-www-form-urlencoded"
SURROGATE = "\ud800"  # json.dumps writes it as the escape "\ud800", valid JSON


@pytest.fixture
def log(caplog):
    """Every log record of the test; checked at the end for errors and tracebacks."""
    caplog.set_level(logging.INFO)
    yield caplog
    bad = [r for r in caplog.records if r.levelno >= logging.ERROR or r.exc_info]
    assert not bad, "\n".join(f"{r.name}: {r.getMessage()}" for r in bad)


def ledger(slack) -> str:
    return reply_text(slack.command("list all", user=ALICE, channel=DEAL))


def webhook(bot, payload: dict) -> requests.Response:
    body = json.dumps(payload).encode()
    return requests.post(bot.base_url + "/webhooks/deals", data=body,
                         headers=signed_headers("whsec-test", body), timeout=10)


# ------------------------------------------------------------------ lone surrogates

def test_a_lone_surrogate_in_a_webhook_is_refused_and_the_store_keeps_working(bot, slack, emulator, log):
    refused = webhook(bot, {"deal": "Acme" + SURROGATE, "stage": "proposal", "channel": DEAL})
    assert refused.status_code == 400 and refused.json()["error"] == "invalid_json"
    # Before: the write failed half-way and stayed pending, so every later write failed too.
    moved = webhook(bot, {"deal": "Acme", "stage": "proposal", "channel": DEAL})
    assert moved.status_code == 200 and moved.json()["changed"] is True
    assert "still writable" in reply_text(slack.command("give still writable", user=ALICE, channel=DEAL))
    bot.wait_idle()
    assert [m["text"] for m in emulator.messages(DEAL) if SURROGATE in json.dumps(m)] == []


def test_a_lone_surrogate_in_slack_json_is_a_400_and_changes_nothing(bot, slack, emulator, log):
    slack.command("listen auto", user=ALICE, channel=DEAL)
    said = slack.message(f"I'll send the security questionnaire{SURROGATE} by Friday", user=BOB,
                         channel=DEAL)
    assert said.status_code == 400
    slack.command("deal Acme negotiation", user=ALICE, channel=DEAL)
    emulator.wait_for("chat.postMessage")
    prompt = emulator.messages(DEAL)[-1]
    slack.action("record_give", action_values(prompt, "record_give")[0], user=ALICE, channel=DEAL)
    emulator.wait_for_count("views.open", 1)
    values = {"what": {"value": state_value("plain_text_input", f"a pilot{SURROGATE}")}}
    assert slack.view_submission("record_item", values, user=ALICE).status_code == 400
    bot.wait_idle()
    listed = ledger(slack)
    assert "questionnaire" not in listed and "a pilot" not in listed
    assert "still writable" in reply_text(slack.command("give still writable", user=ALICE, channel=DEAL))
