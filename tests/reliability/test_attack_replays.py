"""Captured requests sent again, byte for byte, within their 5 signed minutes.

A signature proves a request came from Slack once; it doesn't make it new. Slack never
retries interactivity, so the same form or click arriving twice is a replay (or a proxy
resending), and must not record anything twice.
"""

from __future__ import annotations

from typing import Any

import pytest

from bot.emulator.driver import state_value
from bot.store import Scope
from tests.conftest import ALICE, DEAL
from tests.e2e.helpers import action_values


class Recorder:
    """Keeps every request the driver sends, to send one again unchanged."""

    def __init__(self, slack) -> None:
        self.sent: list[tuple[bytes, dict[str, str]]] = []
        self._post = slack.session.post
        slack.session.post = self._record

    def _record(self, url: str, data: bytes, headers: dict[str, str], timeout: float) -> Any:
        self.sent.append((data, dict(headers)))
        return self._post(url, data=data, headers=headers, timeout=timeout)

    def replay(self, slack, index: int = -1):
        data, headers = self.sent[index]
        return self._post(slack.bot_url, data=data, headers=headers, timeout=slack.timeout)


def items(bot):
    return bot.runtime.services.ledger.items(Scope("T0001", DEAL))


def open_record_form(slack, emulator) -> None:
    slack.command("deal Acme negotiation", user=ALICE, channel=DEAL)
    emulator.wait_for("chat.postMessage")
    [post] = [m for m in emulator.messages(DEAL) if action_values(m, "record_give")]
    slack.action("record_give", action_values(post, "record_give")[0], user=ALICE, channel=DEAL)
    emulator.wait_for_count("views.open", 1)


def test_a_replayed_record_form_logs_its_item_once(bot, slack, emulator):
    open_record_form(slack, emulator)
    recorder = Recorder(slack)
    values = {"what": {"value": state_value("plain_text_input", "a 30-day pilot")}}
    assert slack.view_submission("record_item", values, user=ALICE).status_code == 200
    bot.wait_idle()
    assert len(items(bot)) == 1
    assert recorder.replay(slack).status_code == 200
    bot.wait_idle()
    assert [item.what for item in items(bot)] == ["a 30-day pilot"]


def test_a_replayed_debrief_form_logs_its_lines_once(bot, slack, emulator, clock):
    from datetime import timedelta

    slack.command("meeting Acme demo in 30m for 45m", user=ALICE, channel=DEAL)
    clock.advance(timedelta(hours=2))
    bot.runtime.services.schedule.run_due()
    bot.wait_idle()
    [value] = [v for m in emulator.messages(DEAL) for v in action_values(m, "debrief_open")]
    slack.action("debrief_open", value, user=ALICE, channel=DEAL)
    view = emulator.wait_for_count("views.open", 1)[0].args["view"]
    first_input = next(b for b in view["blocks"] if b.get("type") == "input")
    values = {first_input["block_id"]: {first_input["element"]["action_id"]: state_value(
        "plain_text_input", "send the security questionnaire")}}
    recorder = Recorder(slack)
    slack.view_submission("debrief", values, user=ALICE)
    bot.wait_idle()
    logged = len(items(bot))
    assert logged == 1
    recorder.replay(slack)
    bot.wait_idle()
    assert len(items(bot)) == logged


@pytest.mark.parametrize("retry_num", [1, 2, 3])
def test_a_command_redelivered_with_a_retry_header_records_once(bot, slack, emulator, retry_num):
    recorder = Recorder(slack)
    slack.command("give the deck by Friday", user=ALICE, channel=DEAL)
    data, headers = recorder.sent[-1]
    headers = {**headers, "X-Slack-Retry-Num": str(retry_num), "X-Slack-Retry-Reason": "http_timeout"}
    response = recorder._post(slack.bot_url, data=data, headers=headers, timeout=slack.timeout)
    # Acknowledged and not run again. (Running it again would log nothing either: the ledger
    # refuses a twin of #1, so the item count alone passed with replay protection removed.)
    assert response.status_code == 200 and response.text == ""
    bot.wait_idle()
    assert len(items(bot)) == 1
