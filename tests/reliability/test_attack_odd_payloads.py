"""Odd but correctly signed payloads, over HTTP to the real app: a clear answer or a 4xx,
never a 500, never a traceback in the log, and nothing changed.

What Slack itself never sends (a lone UTF-16 surrogate, a button value of the wrong JSON
type, a modal field that isn't text, a Home-tab click on a message-only button, an event
type the bot doesn't subscribe to) is what a forged or mangled request would carry; the
bot must shrug it off and keep working.
"""

from __future__ import annotations

import dataclasses
import http.client
import json
import logging
import re
from datetime import timedelta
from urllib.parse import urlencode

import pytest
import requests

from bot.emulator import state_value
from bot.emulator.local_bot import LocalBot
from bot.webhook import signed_headers
from tests.conftest import ALICE, BOB, DEAL, NOBOT
from tests.e2e.helpers import action_values, all_text, ledger_text, reply_text

FORM = "application/x-www-form-urlencoded"
SURROGATE = "\ud800"  # json.dumps writes it as the escape "\ud800", valid JSON




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
    listed = ledger_text(slack)
    assert "questionnaire" not in listed and "a pilot" not in listed
    assert "still writable" in reply_text(slack.command("give still writable", user=ALICE, channel=DEAL))


@pytest.mark.parametrize("channel,error", [(NOBOT, "not_in_channel"), ("C0ARCHIVED", "is_archived")])
def test_a_webhook_for_a_channel_the_bot_cannot_post_in_is_refused_and_moves_nothing(
        bot, slack, emulator, log, channel, error):
    emulator.add_channel("C0ARCHIVED", "deal-old", members=[ALICE], is_archived=True)
    refused = webhook(bot, {"deal": "Acme", "stage": "negotiation", "channel": channel})
    # Before: 200 "changed", the stage stored, and the coaching post failing unseen.
    assert refused.status_code == 400 and refused.json()["error"] == error
    bot.wait_idle()
    assert emulator.calls_to("chat.postMessage") == []
    assert reply_text(slack.command("deal", user=ALICE, channel=channel)).startswith("0 deals")


def test_a_webhook_dated_in_the_future_is_refused_and_later_updates_still_apply(bot, slack, emulator, log):
    future = webhook(bot, {"deal": "Acme", "stage": "signed", "channel": DEAL,
                           "occurred_at": "2099-01-01T00:00:00Z"})
    assert future.status_code == 400 and future.json()["error"] == "occurred_at_in_future"
    # Before: taken, and every later update with a real time was "stale" until 2099.
    now = bot.clock.now().isoformat()
    moved = webhook(bot, {"deal": "Acme", "stage": "negotiation", "channel": DEAL, "occurred_at": now})
    assert moved.status_code == 200 and moved.json()["changed"] is True
    assert "Negotiation" in reply_text(slack.command("deal", user=ALICE, channel=DEAL))


@pytest.mark.parametrize("end_time", ["9999-12-31T23:59:59-14:00", "0001-01-01T00:00:00+14:00"])
def test_a_zoom_meeting_ending_past_the_calendar_is_taken_as_ended_now(emulator, clock, tmp_path, log,
                                                                       end_time):
    from tests.calendar.test_zoom_webhook import SECRET, ended, send

    local = LocalBot(emulator, tmp_path / "db.json", clock)
    local.settings = dataclasses.replace(local.settings, zoom_webhook_secret=SECRET)
    local.start()
    try:
        local.driver.command("deal Acme Corp qualified", user=ALICE, channel=DEAL)
        answer = send(local, ended(end_time=end_time))  # before: a 500 (OverflowError)
        assert answer.status_code == 200 and answer.json()["planned"] is True
    finally:
        local.stop()


# ------------------------------------------------------------------ NUL (PostgreSQL can't store it)

def test_nul_typed_into_a_command_is_dropped(bot, slack, emulator, log):
    answer = reply_text(slack.command("give the security\x00 review by Friday", user=ALICE, channel=DEAL))
    assert "Logged #1" in answer and "the security review" in answer
    assert "\x00" not in ledger_text(slack) and "the security review" in ledger_text(slack)


def test_nul_in_slack_json_or_a_webhook_is_a_400_and_changes_nothing(bot, slack, emulator, log):
    slack.command("listen auto", user=ALICE, channel=DEAL)
    said = slack.message("I'll send the security questionnaire\x00 by Friday", user=BOB, channel=DEAL)
    assert said.status_code == 400
    refused = webhook(bot, {"deal": "Acme\x00", "stage": "proposal", "channel": DEAL})
    assert refused.status_code == 400 and refused.json()["error"] == "invalid_json"
    open_record_form(slack, emulator)
    values = {"what": {"value": state_value("plain_text_input", "a pilot\x00")}}
    assert slack.view_submission("record_item", values, user=ALICE).status_code == 400
    bot.wait_idle()
    listed = ledger_text(slack)
    assert "questionnaire" not in listed and "a pilot" not in listed
    assert "Acme" in reply_text(slack.command("deal", user=ALICE, channel=DEAL))  # from the form's prompt
    assert "Acme\x00" not in json.dumps([c.args for c in emulator.calls])


def test_nul_in_a_plan_page_proposal_is_dropped(bot, slack, emulator, log):
    slack.command("get the MSA redlines from Dana", user=ALICE, channel=DEAL)
    link = re.search(r"http://[^ \"]+/plans/[A-Za-z0-9_-]+", reply_text(slack.command("share", user=ALICE,
                                                                                      channel=DEAL))).group(0)
    csrf = re.search(r'name="csrf" value="([^"]+)"', requests.get(link, timeout=10).text).group(1)
    sent = requests.post(f"{link}/propose/1", data={"csrf": csrf, "what": "the MSA\x00 redlines, v2",
                                                    "due_on": ""}, timeout=10, allow_redirects=False)
    assert sent.status_code == 303
    [dm] = emulator.wait_for_count("chat.postMessage", 1)
    assert "the MSA redlines, v2" in all_text(dm.args) and "\x00" not in json.dumps(dm.args)


# ------------------------------------------------------------------ buttons and forms

def open_record_form(slack, emulator) -> None:
    slack.command("deal Acme negotiation", user=ALICE, channel=DEAL)
    emulator.wait_for("chat.postMessage")
    prompt = emulator.messages(DEAL)[-1]
    slack.action("record_give", action_values(prompt, "record_give")[0], user=ALICE, channel=DEAL)
    emulator.wait_for_count("views.open", 1)


@pytest.mark.parametrize("value", ["[]", "1", "null", '"Acme"', "true"])
def test_a_record_button_whose_value_is_json_but_not_an_object_still_opens_the_form(
        bot, slack, emulator, log, value):
    slack.action("record_give", value, user=ALICE, channel=DEAL, message_ts="1.2")
    [opened] = emulator.wait_for_count("views.open", 1)
    assert opened.response["ok"] and opened.args["view"]["callback_id"] == "record_item"


@pytest.mark.parametrize("field,value", [("what", 5), ("what", ["a pilot"]), ("what", {"a": 1})])
def test_a_record_form_whose_text_is_not_a_string_is_answered_inline(bot, slack, emulator, log, field, value):
    open_record_form(slack, emulator)
    values = {field: {"value": {"type": "plain_text_input", "value": value}}}
    response = slack.view_submission("record_item", values, user=ALICE)
    assert response.status_code == 200
    body = json.loads(response.text)
    assert body["response_action"] == "errors" and "describe the commitment" in body["errors"]["what"]


@pytest.mark.parametrize("extra", [{"counterpart": {"value": {"type": "plain_text_input", "value": 7}}},
                                   {"wiift": {"value": {"type": "plain_text_input", "value": ["x"]}}},
                                   {"owner": {"value": {"type": "users_select", "selected_user": 5}}},
                                   {"due": {"value": {"type": "datepicker", "selected_date": 20261201}}}])
def test_a_record_form_with_a_mangled_optional_field_records_the_rest(bot, slack, emulator, log, extra):
    open_record_form(slack, emulator)
    values = {"what": {"value": state_value("plain_text_input", "a pilot workspace")}, **extra}
    response = slack.view_submission("record_item", values, user=ALICE)
    assert response.status_code == 200 and "errors" not in response.text
    [confirmed] = emulator.wait_for_count("chat.postEphemeral", 1)
    assert "a pilot workspace" in all_text(confirmed.args)
    assert "<@U0ALICE>" in all_text(confirmed.args)  # a mangled owner falls back to the person


def test_a_debrief_form_whose_lines_are_not_strings_is_answered_inline(bot, slack, emulator, log, clock):
    slack.command("meeting Acme demo in 1m for 1m", user=ALICE, channel=DEAL)
    bot.wait_idle()
    clock.advance(timedelta(minutes=30))
    bot.runtime.services.schedule.sweep()
    emulator.wait_for("chat.postMessage")
    [prompt] = [c.args for c in emulator.calls_to("chat.postMessage")
                if action_values(c.args, "debrief_open")]
    slack.action("debrief_open", action_values(prompt, "debrief_open")[0], user=ALICE, channel=DEAL)
    emulator.wait_for_count("views.open", 1)
    values = {"give_1": {"value": {"type": "plain_text_input", "value": 5}},
              "give_1_due": {"value": {"type": "datepicker", "selected_date": ["2026-12-01"]}},
              "wiifm": {"value": {"type": "plain_text_input", "value": {"x": 1}}}}
    response = slack.view_submission("debrief", values, user=ALICE)
    assert response.status_code == 200
    assert json.loads(response.text)["response_action"] == "errors"


@pytest.mark.parametrize("action_id", ["listen_ignore", "listen_log_give", "listen_undo", "plan_accept",
                                       "calendar_choose", "reminder_snooze"])
def test_a_message_only_button_clicked_on_the_home_tab_is_refused_quietly(bot, slack, emulator, log,
                                                                          action_id):
    response = slack.home_action(action_id, '{"channel": "C0DEAL", "proposal": "p1"}', user=ALICE)
    assert response.status_code == 400
    assert "still works" in reply_text(slack.command("give still works", user=ALICE, channel=DEAL))


# ------------------------------------------------------------------ events

@pytest.mark.parametrize("event", [
    {"type": "app_mention", "user": ALICE, "channel": DEAL, "text": "<@UBOT> help", "ts": "1.2"},
    {"type": "member_joined_channel", "user": BOB, "channel": DEAL, "channel_type": "C"},
    {"type": "reaction_added", "user": ALICE, "reaction": "white_check_mark",
     "item": {"type": "message", "channel": DEAL, "ts": "1.2"}},
])
def test_an_event_the_bot_does_not_subscribe_to_is_acknowledged_and_ignored(bot, slack, emulator, log, event):
    response = slack.event(event)
    assert response.status_code == 200  # a 404 makes Slack retry, then turn event delivery off
    bot.wait_idle()
    assert [c.method for c in emulator.calls if c.method.startswith(("chat.", "views."))] == []
    assert not [r for r in log.records if "Unhandled request" in r.getMessage()]


@pytest.mark.parametrize("event", [{"type": "app_home_opened", "tab": "home"},
                                   {"type": "app_home_opened", "user": None, "tab": "home"}])
def test_a_home_opened_without_a_user_publishes_nothing(bot, slack, emulator, log, event):
    assert slack.event(event).status_code == 200
    bot.wait_idle()
    assert emulator.calls_to("views.publish") == []


def click_payload(slack, emulator, **fields) -> dict:
    payload = slack._block_actions("item_done", "1", ALICE, "b", "button",
                                   {"type": "message", "channel_id": DEAL, "message_ts": "1.2"})
    return {**payload, "channel": {"id": DEAL, "name": "deal-acme"},
            "response_url": emulator.new_response_url(), **fields}


@pytest.mark.parametrize("mangle", [
    lambda s, e: click_payload(s, e, channel=DEAL),  # a string, not {"id": …}
    lambda s, e: click_payload(s, e, channel={"id": 5}),
    lambda s, e: click_payload(s, e, container=5),
    lambda s, e: click_payload(s, e, user={"name": "alice"}),
    lambda s, e: click_payload(s, e, message=5),
    lambda s, e: {"type": "view_submission", "user": {"id": ALICE}, "team": {"id": "T0001"},
                  "view": {"id": "V1", "callback_id": 5, "state": {"values": {}}}},
    lambda s, e: {"type": "view_submission", "team": {"id": "T0001"},
                  "view": {"id": "V1", "callback_id": "record_item", "state": {"values": {}}}},
    lambda s, e: {"type": "workflow_step_edit", "user": {"id": ALICE}, "team": {"id": "T0001"},
                  "callback_id": "x", "trigger_id": e.new_trigger_id()},
])
def test_a_click_or_form_whose_fields_have_the_wrong_type_is_a_quiet_400(bot, slack, emulator, log, mangle):
    slack.command("give the deck", user=ALICE, channel=DEAL)
    body = urlencode({"payload": json.dumps(mangle(slack, emulator))})
    assert slack.post_raw(body, FORM).status_code == 400
    bot.wait_idle()
    assert "the deck" in ledger_text(slack) and emulator.calls_to("response_url") == []


@pytest.mark.parametrize("envelope", [{"authorizations": "x"}, {"authorizations": [5]}, {"team": 5}])
def test_an_event_envelope_bolt_cannot_read_is_a_quiet_400(bot, slack, log, envelope):
    event = {"type": "message", "channel": DEAL, "user": BOB, "text": "hi", "ts": "1.1"}
    body = {"type": "event_callback", "team_id": "T0001", "event_id": "Ev1", "event": event, **envelope}
    assert slack.post_raw(json.dumps(body), "application/json").status_code == 400


@pytest.mark.parametrize("fields", [{"user": 5}, {"channel": 5}, {"user": ["U0BOB"]},
                                    {"subtype": "message_changed", "message": {"user": 5, "text": "x"}}])
def test_a_message_event_with_a_numeric_user_or_channel_is_a_quiet_400(bot, slack, emulator, log, fields):
    event = {"type": "message", "channel": DEAL, "user": BOB, "ts": "1700000000.000100",
             "text": "I'll send the deck by Friday", "channel_type": "channel", **fields}
    assert slack.event(event).status_code == 400
    bot.wait_idle()
    assert emulator.calls_to("chat.postEphemeral") == []


# ------------------------------------------------------------------ redeliveries

def test_the_same_command_delivered_again_records_once(bot, slack, emulator, log):
    """Each invocation has its own trigger_id; the same body again (a redelivery marked
    X-Slack-Retry-Num, or a captured request replayed within its 5 minutes) is one command."""
    fields = {"token": "t", "team_id": "T0001", "team_domain": "acme", "channel_id": DEAL,
              "channel_name": "deal-acme", "user_id": ALICE, "user_name": "alice",
              "command": "/partner", "text": "give the replayed pilot", "api_app_id": "A0001",
              "response_url": emulator.new_response_url(), "trigger_id": emulator.new_trigger_id()}
    body = urlencode(fields)
    first = slack.post_raw(body, FORM)
    assert "Logged #1" in reply_text(first)
    for retry in (1, 2, None):
        again = slack.post_raw(body, FORM, retry_num=retry)
        assert again.status_code == 200 and "Logged" not in again.text
    assert ledger_text(slack).count("the replayed pilot") == 1
    # The same words typed again are a new command, answered as one: while #1 is open, by
    # naming it (the same commitment isn't logged twice); once it is kept, logged again.
    assert "#1 already says that" in reply_text(slack.command("give the replayed pilot", user=ALICE,
                                                              channel=DEAL))
    slack.command("done 1", user=ALICE, channel=DEAL)
    assert "Logged #2" in reply_text(slack.command("give the replayed pilot", user=ALICE, channel=DEAL))


# ------------------------------------------------------------------ HTTP

def test_a_head_request_gets_headers_only_so_a_kept_alive_connection_stays_in_step(bot, slack, log):
    shared = reply_text(slack.command("share", user=ALICE, channel=DEAL))
    plan = re.search(r"/plans/[A-Za-z0-9_-]+", shared).group(0)
    conn = http.client.HTTPConnection("127.0.0.1", int(bot.base_url.rsplit(":", 1)[1]), timeout=10)
    try:
        for path in ("/healthz", plan, "/plans/not-a-token", "/nowhere"):
            conn.request("HEAD", path)
            head = conn.getresponse()
            head.read()  # nothing, for a HEAD: the next bytes on the wire are the next response
            conn.request("GET", "/healthz")
            after = conn.getresponse()  # before: the HEAD's body, read as a status line
            assert after.status == 200 and json.loads(after.read()) == {"ok": True}, path
            assert head.status in (200, 404), path
    finally:
        conn.close()


def test_slacks_rate_limit_notice_is_acknowledged_and_logged_for_the_operator(bot, slack, emulator, caplog):
    # Sent when Slack starts dropping the app's events for a minute; no Bolt listener takes it.
    caplog.set_level(logging.WARNING)
    body = {"token": "x", "type": "app_rate_limited", "team_id": "T0001",
            "minute_rate_limited": 1518467820, "api_app_id": "A0001"}
    response = slack.post_raw(json.dumps(body), "application/json")
    assert response.status_code == 200
    bot.wait_idle()
    notes = [r.getMessage() for r in caplog.get_records("call") if r.levelno == logging.WARNING]
    assert any("T0001" in n and "1518467820" in n and "rate limit" in n for n in notes), notes
    assert not any("Unhandled request" in n for n in notes)
    assert [c.method for c in emulator.calls if c.method.startswith(("chat.", "views."))] == []
