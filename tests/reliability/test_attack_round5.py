"""Round 5 of attacks through the real HTTP surface: requests from another workspace, and
text built to hide or reorder what others read. Each answers clearly, logs no error or
traceback (the ``log`` fixture), and changes nothing."""

from __future__ import annotations

import json

import pytest
import requests

from bot.emulator import state_value
from bot.emulator.driver import SlackDriver
from bot.store import Scope
from bot.webhook import signed_headers
from tests.conftest import ALICE, BOB, DEAL
from tests.e2e.helpers import action_values, all_text, ledger_text, reply_text
from tests.e2e.test_coaching import open_record_modal
from tests.e2e.test_mutual_plan import csrf_of, share, submit

# ------------------------------------------------------------------ another workspace


@pytest.fixture(params=[{"team_id": "T0EVIL"}, {"enterprise_id": "E0EVIL"}])
def elsewhere(request, bot, emulator):
    """Slack-signed requests naming another workspace (or another Grid org) than the one the
    bot's token is installed in."""
    with SlackDriver(bot.events_url, bot.signing_secret, emulator, **request.param) as driver:
        yield driver


def nothing_filed_elsewhere(bot) -> bool:
    services = bot.runtime.services
    return all(services.ledger.items(Scope(key, DEAL)) == [] and services.deals.all(Scope(key, DEAL)) == []
               for key in ("T0EVIL", "E0EVIL:T0001"))


def test_a_command_naming_another_workspace_is_refused_and_files_nothing(
        bot, slack, emulator, elsewhere, log):
    for text in ("give a pilot by Friday", "deal Acme Corp closed won"):
        answer = reply_text(elsewhere.command(text, user=ALICE, channel=DEAL))
        assert "installed in another Slack workspace" in answer and "Nothing changed" in answer
    bot.wait_idle()
    assert emulator.calls_to("chat.postMessage") == []
    assert nothing_filed_elsewhere(bot) and "a pilot" not in ledger_text(slack)


def test_events_and_clicks_naming_another_workspace_change_nothing(bot, slack, emulator, elsewhere, log):
    slack.command("give a pilot by Friday", user=ALICE, channel=DEAL)
    slack.command("deal Acme Corp negotiation", user=ALICE, channel=DEAL)
    bot.wait_idle()
    posts_before = len(emulator.calls_to("chat.postMessage"))
    crm = elsewhere.message("Deal stage changed: Acme Corp → Closed Lost", user="U0CRMBOT", channel=DEAL,
                            subtype="bot_message", bot_id="B0CRM")
    click = elsewhere.action("item_done", "1", user=ALICE, channel=DEAL)
    assert crm.status_code == 200 and click.status_code == 200
    bot.wait_idle()
    [deal] = bot.runtime.services.deals.all(Scope("T0001", DEAL))
    assert deal.stage.value == "negotiation"
    assert [i.status for i in bot.runtime.services.ledger.items(Scope("T0001", DEAL))] == ["open"]
    assert len(emulator.calls_to("chat.postMessage")) == posts_before and nothing_filed_elsewhere(bot)


def test_requests_from_our_own_workspace_still_work(bot, slack, log):
    assert "Logged" in reply_text(slack.command("give a pilot by Friday", user=ALICE, channel=DEAL))


# ------------------------------------------------------------------ hidden characters

OVERRIDE = "\u202e"  # RIGHT-TO-LEFT OVERRIDE: what follows reads backwards
HIDDEN = ["\u202e", "\u202d", "\u202a", "\u202b", "\u202c", "\u2066", "\u2067", "\u2068", "\u2069",
          "\x1b", "\x07", "\x7f", "\x85", "\r"]


def hidden_in(text: str) -> list[str]:
    return [char for char in HIDDEN if char in text]


def test_direction_overrides_and_control_characters_never_reach_the_ledger_or_a_post(bot, slack, log):
    typed = (f"give the pilot {OVERRIDE}yadirF yb\u202c plan \x1b[2J\x07 for \u2067Acme\u2069 "
             "\u05e9\u05dc\u05d5\u05dd")
    answer = slack.command(typed + " by Friday", user=ALICE, channel=DEAL)
    assert "Logged" in reply_text(answer) and hidden_in(answer.text) == []
    [item] = bot.runtime.services.ledger.items(Scope("T0001", DEAL))
    assert item.what == "the pilot yadirF yb plan [2J for Acme \u05e9\u05dc\u05d5\u05dd"  # Hebrew stays
    assert hidden_in(ledger_text(slack)) == []


def test_the_record_form_drops_hidden_characters_too(bot, slack, emulator, log):
    open_record_modal(slack, emulator, "give")
    values = {"what": {"value": state_value("plain_text_input", f"a pilot{OVERRIDE} 09 ecirp\u202c\x1b")}}
    assert "errors" not in slack.view_submission("record_item", values, user=ALICE).text
    emulator.wait_for("chat.postEphemeral")
    [item] = bot.runtime.services.ledger.items(Scope("T0001", DEAL))
    assert item.what == "a pilot 09 ecirp"
    assert hidden_in(all_text(emulator.ephemerals(DEAL, ALICE)[0])) == []


def test_a_webhook_deal_name_loses_its_hidden_characters(bot, emulator, log):
    deal = f"Acme{OVERRIDE} proC\u202c\x1b"
    body = json.dumps({"deal": deal, "stage": "proposal", "channel": DEAL}).encode()
    answer = requests.post(bot.base_url + "/webhooks/deals", data=body,
                           headers=signed_headers("whsec-test", body), timeout=10)
    assert answer.status_code == 200 and answer.json()["deal"] == "Acme proC"
    [post] = emulator.wait_for_count("chat.postMessage", 1)
    assert hidden_in(json.dumps(post.args, ensure_ascii=False)) == []


def test_text_stored_before_with_hidden_characters_is_shown_without_them(bot, slack, log):
    # A ledger written before they were dropped at the door still shows clean text.
    slack.command("give a pilot by Friday", user=ALICE, channel=DEAL)
    bot.runtime.services.ledger.edit(Scope("T0001", DEAL), 1, what=f"a pilot{OVERRIDE} 09 ecirp", due_on=None)
    shown = ledger_text(slack)
    assert "a pilot 09 ecirp" in shown and hidden_in(shown) == []


def test_a_partners_proposal_reaches_us_without_hidden_characters(bot, slack, emulator, log):
    slack.command("get the security questionnaire from Sam <@U0BOB|bob> by Dec 10", user=ALICE, channel=DEAL)
    plan = share(slack)
    csrf = csrf_of(requests.get(plan, timeout=10))
    answer = submit(plan, "propose", 1, csrf=csrf, what=f"the questionnaire{OVERRIDE} deirf\u202c, v2\x1b",
                    due_on="2026-12-14")
    assert answer.status_code == 303
    [dm] = emulator.messages(BOB)
    shown = json.dumps(dm, ensure_ascii=False)
    assert "the questionnaire deirf, v2" in shown and hidden_in(shown) == []
    [accept] = action_values(dm, "plan_accept")
    slack.action("plan_accept", accept, user=BOB, channel="D0BOB")
    emulator.wait_for(lambda calls: any("accepted the partner's change" in json.dumps(c.args) for c in calls))
    [item] = bot.runtime.services.ledger.items(Scope("T0001", DEAL))
    assert item.what == "the questionnaire deirf, v2"
