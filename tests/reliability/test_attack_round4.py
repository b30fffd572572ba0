"""Round 4 of attacks through the real HTTP surface: signed requests of shapes Slack never
sends, and the routes anyone on the internet can reach. Each answers clearly (a 4xx or a
kind reply), logs no error or traceback (the ``log`` fixture), and changes nothing."""

from __future__ import annotations

import hashlib
import hmac
import json
import time
from datetime import timedelta

import pytest
import requests

from bot.web.plan_page import client_address
from bot.webhook import signed_headers
from tests.conftest import ALICE, BOB, DEAL
from tests.e2e.helpers import ledger_text, reply_text
from tests.e2e.test_mutual_plan import share

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


# ------------------------------------------------------------------ Slack Connect partners

SHARED, DANA, PARTNER_TEAM = "C0SHARED", "U0DANA", "T0PARTNER"


@pytest.fixture
def shared(emulator, slack):
    """A Slack Connect deal channel: Alice of ours, Dana of the partner's workspace."""
    emulator.add_user(DANA, name="dana", real_name="Dana Lee", team_id=PARTNER_TEAM)
    emulator.add_channel(SHARED, "shared-acme", members=[ALICE, DANA], is_ext_shared=True)
    slack.command("deal Acme Corp negotiation", user=ALICE, channel=SHARED)
    return slack


def shared_items(bot) -> list:
    from bot.store import Scope
    return bot.runtime.services.ledger.items(Scope("T0001", SHARED))


def test_a_partner_cannot_open_the_debrief_form_and_write_our_side(bot, shared, emulator, log):
    shared.message("just got off the call with Acme Corp", user=ALICE, channel=SHARED)
    prompt = emulator.wait_for(lambda calls: any("debrief_open" in json.dumps(c.args) for c in calls))
    del prompt
    bot.wait_idle()
    opened_before = len(emulator.calls_to("views.open"))
    shared.action("debrief_open", "Acme Corp", user=DANA, channel=SHARED)
    emulator.wait_for(lambda calls: any("our team logs the plan" in json.dumps(c.args) for c in calls))
    bot.wait_idle()
    assert len(emulator.calls_to("views.open")) == opened_before and shared_items(bot) == []


def test_our_own_people_still_open_the_debrief_form_in_a_shared_channel(bot, shared, emulator, log):
    shared.action("debrief_open", "Acme Corp", user=ALICE, channel=SHARED)
    emulator.wait_for("views.open")
    assert emulator.find_view(callback_id="debrief") is not None


def crm_post(slack, text: str, team: str, channel: str = SHARED):
    """A bot's post, as Slack delivers one from a bot of ``team``'s workspace."""
    return slack.message(text, user="U0CRMBOT", channel=channel, subtype="bot_message", bot_id="B0CRM",
                         team=team, bot_profile={"id": "B0CRM", "name": "CRM", "team_id": team})


def deal_stage(bot, channel=SHARED) -> str:
    from bot.store import Scope
    [deal] = bot.runtime.services.deals.all(Scope("T0001", channel))
    return deal.stage.value


def test_a_partner_workspaces_bot_cannot_move_our_deal_in_a_shared_channel(bot, shared, emulator, log):
    bot.wait_idle()
    posts_before = len(emulator.calls_to("chat.postMessage"))
    assert crm_post(shared, "Deal stage changed: Acme Corp → Closed Lost", PARTNER_TEAM).status_code == 200
    bot.wait_idle()
    assert deal_stage(bot) == "negotiation"
    assert len(emulator.calls_to("chat.postMessage")) == posts_before


def test_our_own_crm_bot_still_moves_the_deal_in_a_shared_channel(bot, shared, emulator, log):
    crm_post(shared, "Deal stage changed: Acme Corp → Proposal", "T0001")
    bot.wait_idle()
    assert deal_stage(bot) == "proposal"


@pytest.fixture
def dana_owns_private(bot, shared):
    """Our team named Dana, of the partner, as owner of a private item on each side."""
    shared.command(f"get budget ceiling sign-off <@{DANA}|dana> by Wednesday (private)", user=ALICE,
                   channel=SHARED)  # 1
    shared.command(f"give our walk-away discount <@{DANA}|dana> by Wednesday (private)", user=ALICE,
                   channel=SHARED)  # 2
    return shared


def test_a_partners_home_tab_shows_nothing_of_a_shared_channels_ledger(bot, dana_owns_private, emulator, log):
    dana_owns_private.app_home_opened(DANA)
    [home] = emulator.wait_for_count("views.publish", 1)
    text = json.dumps(home.args)
    assert "budget ceiling" not in text and "walk-away" not in text and "negotiation" not in text.lower()


def test_our_own_people_keep_the_shared_channels_items_on_their_home_tab(bot, shared, emulator, log):
    shared.command("give a pilot workspace by Wednesday", user=ALICE, channel=SHARED)
    shared.app_home_opened(ALICE)
    [home] = emulator.wait_for_count("views.publish", 1)
    assert "a pilot workspace" in json.dumps(home.args)


def test_a_partner_named_as_owner_gets_no_reminder_dm(bot, dana_owns_private, emulator, clock, log):
    schedule = bot.runtime.services.schedule
    for _ in range(36):  # past the due date, and the overdue reminder
        clock.advance(timedelta(hours=2))
        schedule.sweep()
    bot.wait_idle()
    dms = [c.args for c in emulator.calls_to("chat.postMessage") if c.args.get("channel") == f"D{DANA[1:]}"
           or "Reminder" in str(c.args.get("text"))]
    assert dms == []


def test_an_old_home_or_reminder_done_button_held_by_a_partner_closes_none_of_our_items(
        bot, dana_owns_private, emulator, log):
    seal = bot.runtime.services.seal
    dana_owns_private.home_action("item_done", seal.sign(f"{SHARED}:2"), user=DANA)
    emulator.wait_for("views.publish")
    reminder = seal.sign(json.dumps({"channel": SHARED, "number": 2, "job": "reminder:2"}))
    dana_owns_private.action("reminder_done", reminder, user=DANA, channel=f"D{DANA[1:]}")
    emulator.wait_for(lambda calls: any("no commitment #2 on the shared plan" in json.dumps(c.args)
                                        for c in calls if c.method == "response_url"))
    bot.wait_idle()
    assert [item.status for item in shared_items(bot)] == ["open", "open"]


# ------------------------------------------------------------------ plan pages behind a proxy

def test_behind_a_proxy_one_clients_wrong_links_lock_only_that_client_out(bot, slack, log):
    link = share(slack)
    base = link.rsplit("/", 1)[0]
    # The bot sees every request coming from the proxy (here 127.0.0.1), which names the client.
    guesser, partner = {"X-Forwarded-For": "203.0.113.9"}, {"X-Forwarded-For": "10.0.0.8, 198.51.100.7"}
    assert {requests.get(f"{base}/{'A' * 43}", headers=guesser, timeout=10).status_code
            for _ in range(10)} == {404}
    assert requests.get(f"{base}/{'B' * 43}", headers=guesser, timeout=10).status_code == 429
    assert requests.get(link, headers=guesser, timeout=10).status_code == 429  # no guessing around it
    assert requests.get(link, headers=partner, timeout=10).status_code == 200


def test_a_client_on_a_public_address_cannot_name_another_to_dodge_the_limit():
    assert client_address({"REMOTE_ADDR": "8.8.8.8", "HTTP_X_FORWARDED_FOR": "1.2.3.4"}) == "8.8.8.8"
    # Behind a proxy, the address the proxy appended counts, not one the client wrote first.
    forwarded = {"REMOTE_ADDR": "10.0.0.2", "HTTP_X_FORWARDED_FOR": "6.6.6.6, 1.2.3.4"}
    assert client_address(forwarded) == "1.2.3.4"
    assert client_address({"REMOTE_ADDR": "10.0.0.2"}) == "10.0.0.2"


# ------------------------------------------------------------------ CRM webhook

def deal_webhook(bot, payload: dict) -> requests.Response:
    body = json.dumps(payload).encode()
    return requests.post(bot.base_url + "/webhooks/deals", data=body,
                         headers=signed_headers("whsec-test", body), timeout=10)


@pytest.mark.parametrize("name", ["\u200b", "\u200b\u200d", "***", " \n\t "])
def test_a_webhook_deal_with_no_readable_name_is_refused_and_posts_nothing(bot, emulator, log, name):
    answer = deal_webhook(bot, {"deal": name, "stage": "proposal", "channel": DEAL})
    assert answer.status_code == 400 and answer.json()["error"] in ("invalid_deal", "missing_fields")
    bot.wait_idle()
    assert emulator.calls_to("chat.postMessage") == []


def test_a_webhook_deal_name_spread_over_lines_is_read_as_one_line(bot, emulator, caplog, log):
    answer = deal_webhook(bot, {"deal": "Acme\nCorp\r\n\tEMEA", "stage": "proposal", "channel": DEAL})
    assert answer.status_code == 200 and answer.json()["deal"] == "Acme Corp EMEA"
    [post] = emulator.wait_for_count("chat.postMessage", 1)
    assert "Acme Corp EMEA" in json.dumps(post.args)
    assert not [r for r in caplog.records if "\n" in r.getMessage()]  # no forged log lines


def test_a_partners_own_promise_in_conversation_is_logged_on_their_side_never_ours(bot, shared, log):
    shared.command("listen auto", user=ALICE, channel=SHARED)
    shared.message("I'll send the signed NDA by Friday", user=DANA, channel=SHARED)
    shared.message("We will give you a 50% discount on year two by Friday", user=DANA, channel=SHARED)
    shared.message("They will send the contract by Friday", user=DANA, channel=SHARED)  # us? someone?
    shared.message("I'll send the pilot plan by Friday", user=ALICE, channel=SHARED)
    bot.wait_idle()
    assert sorted((item.side, item.what) for item in shared_items(bot)) == [
        ("get", "give you a 50% discount on year two"), ("get", "send the signed NDA"),
        ("give", "send the pilot plan")]


# ------------------------------------------------------------------ signature timestamps

@pytest.mark.parametrize("written", ["+{now}", "{now}.5", " {now}", "{now}\t", "0x{hex}", "{now}e0"])
def test_a_request_signed_over_an_oddly_written_timestamp_is_refused(bot, slack, log, written):
    # Each is correctly signed over exactly what the header says; only plain digits are read.
    now = int(time.time())
    stamp = written.format(now=now, hex=format(now, "x"))
    body = (f"command=%2Fpartner&text=give+a+pilot&team_id=T0001&channel_id={DEAL}&user_id={ALICE}"
            f"&trigger_id={time.time_ns()}.1")
    signature = "v0=" + hmac.new(slack.signing_secret.encode(), f"v0:{stamp}:{body}".encode(),
                                 hashlib.sha256).hexdigest()
    answer = requests.post(slack.bot_url, data=body, timeout=10, headers={
        "Content-Type": "application/x-www-form-urlencoded",
        "X-Slack-Request-Timestamp": stamp.strip(), "X-Slack-Signature": signature})
    assert answer.status_code == 401
    assert "a pilot" not in ledger_text(slack)


def test_a_partner_is_never_offered_to_log_what_they_said(bot, shared, emulator, log):
    # Offers go to the speaker alone; a partner's buttons would only refuse (our team logs).
    shared.message("I'll send the signed NDA by Friday", user=DANA, channel=SHARED)
    shared.message("I'll send the pilot plan by Friday", user=ALICE, channel=SHARED)
    bot.wait_idle()
    offered_to = [call.args.get("user") for call in emulator.calls_to("chat.postEphemeral")]
    assert offered_to == [ALICE] and shared_items(bot) == []


@pytest.mark.parametrize("name", ["\u200b", "\u200b\u200d\u2060", "\u202e\u200f"])
def test_a_deal_named_with_invisible_characters_only_is_refused(bot, slack, emulator, log, name):
    answer = reply_text(slack.command(f"deal {name} negotiation", user=ALICE, channel=DEAL))
    assert "nothing anyone could read" in answer
    bot.wait_idle()
    assert emulator.calls_to("chat.postMessage") == []
    assert "No deals here yet" in reply_text(slack.command("deal", user=ALICE, channel=DEAL))
