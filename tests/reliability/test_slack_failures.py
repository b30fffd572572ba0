"""When Slack fails: nothing stored is lost, the user is told, the bot keeps working."""

from __future__ import annotations

import logging

import pytest

from bot.logging_setup import RedactSecrets
from bot.store import Scope
from tests.conftest import ALICE, DEAL
from tests.e2e.helpers import all_text, reply_text
from tests.e2e.serve_process import BOT_TOKEN, SIGNING_SECRET, ServeProcess
from tests.reliability.conftest import described_before


def deals(bot):
    return {d.name: d.stage.value for d in bot.runtime.services.deals.all(Scope("T0001", DEAL))}


@pytest.mark.parametrize("error", ["channel_not_found", "not_in_channel", "is_archived"])
def test_post_refused_keeps_the_change_and_tells_the_user(bot, slack, emulator, error):
    emulator.fail_next("chat.postMessage", error)
    answer = reply_text(slack.command("deal Acme negotiation", user=ALICE, channel=DEAL))
    assert "Negotiation" in answer
    emulator.wait_for(lambda calls: emulator.responses())
    told = all_text(emulator.responses()[0])
    assert "saved" in told and error in told
    assert deals(bot) == {"Acme": "negotiation"}


def test_rate_limited_post_is_retried_after_retry_after(bot, slack, emulator, monkeypatch):
    emulator.fail_next("chat.postMessage", "ratelimited", status=429, retry_after=1)
    slack.command("deal Acme negotiation", user=ALICE, channel=DEAL)
    emulator.wait_for(lambda calls: emulator.messages(DEAL), timeout=10)
    attempts = emulator.calls_to("chat.postMessage")
    assert [c.status for c in attempts] == [429, 200]
    assert attempts[1].at - attempts[0].at >= 1.0


def test_server_error_is_retried(bot, slack, emulator):
    emulator.fail_next("chat.postMessage", "internal_error", status=500)
    slack.command("deal Acme negotiation", user=ALICE, channel=DEAL)
    emulator.wait_for(lambda calls: emulator.messages(DEAL), timeout=10)
    assert len(emulator.messages(DEAL)) == 1


def test_timeout_is_reported_and_the_bot_keeps_serving(bot, slack, emulator):
    bot.runtime.client.timeout = 1
    emulator.fail_next("chat.postMessage", None, delay=1.5, times=3)
    slack.command("deal Acme negotiation", user=ALICE, channel=DEAL)
    emulator.wait_for(lambda calls: emulator.responses(), timeout=15)
    assert "saved" in all_text(emulator.responses()[0])
    assert deals(bot) == {"Acme": "negotiation"}
    assert "Logged" in reply_text(slack.command("give x", user=ALICE, channel=DEAL))


def test_users_info_failing_falls_back_to_utc(bot, slack, emulator):
    emulator.fail_next("users.info", "user_not_found")
    answer = reply_text(slack.command("give deck by Friday", user=ALICE, channel=DEAL))
    assert "due Fri 27 Nov 2026" in answer


@pytest.mark.parametrize(("action", "value"), [("record_give", '{"side":"give","deal":"Acme"}'),
                                               ("debrief_open", "Acme QBR")])
def test_views_open_failure_tells_the_person_who_clicked(bot, slack, emulator, action, value):
    emulator.fail_next("views.open", "expired_trigger_id")
    response = slack.action(action, value, user=ALICE, channel=DEAL)
    assert response.status_code == 200
    bot.wait_idle()
    [told] = emulator.ephemerals(DEAL, user=ALICE)
    assert "couldn't open the form" in all_text(told) and "expired_trigger_id" in all_text(told)
    assert emulator.messages() == [] and emulator.find_view(callback_id="record") is None
    assert "Logged" in reply_text(slack.command("give y", user=ALICE, channel=DEAL))


def test_redaction_filter_hides_known_secrets_and_token_shapes():
    record = logging.LogRecord("x", logging.INFO, __file__, 1, "token %s and %s and xoxp-999-abc",
                               (BOT_TOKEN, SIGNING_SECRET), None)
    RedactSecrets([BOT_TOKEN, SIGNING_SECRET]).filter(record)
    text = record.getMessage()
    assert BOT_TOKEN not in text and SIGNING_SECRET not in text and "xoxp-999" not in text


def test_no_secret_in_logs_errors_or_responses(emulator, tmp_path):
    proc = ServeProcess(emulator, tmp_path / "db.json").wait_ready()
    try:
        bodies = []
        emulator.fail_next("chat.postMessage", "invalid_auth")
        bodies.append(proc.driver.command("deal Acme negotiation", user=ALICE, channel=DEAL).text)
        bodies.append(proc.driver.command("give x", user=ALICE, channel=DEAL, bad_signature=True).text)
        bodies.append(proc.driver.post_raw(b"{broken", "application/json").text)
        emulator.fail_next("users.info", "internal_error", status=500, times=5)
        bodies.append(proc.driver.command("give y by Friday", user="U0NEW", channel=DEAL).text)
        emulator.wait_for(lambda calls: emulator.responses(), timeout=10)
        proc.terminate()
        output = proc.output()
    finally:
        proc.close()
    everything = output + "".join(bodies) + str([c.args for c in emulator.calls])
    assert f"chat.postMessage to {DEAL} failed (invalid_auth" in output, output  # logged, with why ...
    assert BOT_TOKEN not in everything and SIGNING_SECRET not in everything  # ... without secrets


def test_slow_users_info_still_acks_within_three_seconds(bot, slack, emulator):
    import time

    described_before(bot, ALICE)
    emulator.fail_next("users.info", None, delay=5)
    began = time.monotonic()
    answer = reply_text(slack.command("give deck by Friday", user=ALICE, channel=DEAL))
    assert time.monotonic() - began < 3
    assert "Logged" in answer  # with a UTC fallback for the date
