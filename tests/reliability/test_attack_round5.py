"""Round 5 of attacks through the real HTTP surface: requests from another workspace, and
text built to hide or reorder what others read. Each answers clearly, logs no error or
traceback (the ``log`` fixture), and changes nothing."""

from __future__ import annotations

import json
import time
from datetime import timedelta

import pytest
import requests

from bot.emulator import state_value
from bot.emulator.driver import SlackDriver
from bot.emulator.local_bot import LocalBot
from bot.store import Scope
from bot.webhook import signed_headers
from tests.conftest import ALICE, BOB, DEAL, quiet
from tests.e2e.helpers import action_values, all_text, ledger_text, reply_text
from tests.e2e.test_coaching import open_record_modal
from tests.e2e.test_mutual_plan import csrf_of, share, submit

SHARED, DANA = "C0SHARED", "U0DANA"

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


# ------------------------------------------------------------------ CRM webhook memory


def deal_webhook(base_url: str, body: bytes, headers: dict[str, str] | None = None) -> requests.Response:
    return requests.post(base_url + "/webhooks/deals", data=body,
                         headers=headers or signed_headers("whsec-test", body), timeout=10)


def deal_stage(bot) -> str:
    [deal] = bot.runtime.services.deals.all(Scope("T0001", DEAL))
    return deal.stage.value


def test_a_captured_webhook_replayed_after_a_restart_changes_nothing(bot, emulator, clock, tmp_path, log):
    proposal = json.dumps({"deal": "Acme", "stage": "proposal", "channel": DEAL}).encode()
    captured = signed_headers("whsec-test", proposal)
    assert deal_webhook(bot.base_url, proposal, captured).json()["changed"] is True
    negotiation = json.dumps({"deal": "Acme", "stage": "negotiation", "channel": DEAL}).encode()
    assert deal_webhook(bot.base_url, negotiation).json()["changed"] is True
    bot.stop()
    with LocalBot(emulator, tmp_path / "db.json", clock, webhook_secret="whsec-test") as restarted:
        quiet(restarted)
        posts = len(emulator.calls_to("chat.postMessage"))
        replay = deal_webhook(restarted.base_url, proposal, captured)  # byte for byte, within 5 minutes
        assert replay.status_code == 200
        assert replay.json() == {"ok": True, "duplicate": True, "changed": False}
        restarted.wait_idle()
        assert deal_stage(restarted) == "negotiation" and len(emulator.calls_to("chat.postMessage")) == posts


def test_webhook_event_ids_are_forgotten_after_thirty_days(bot, clock, log):
    store = bot.runtime.services.store

    def ids() -> set[str]:
        return {key for kind, key, _ in store.records(Scope("T0001", DEAL)) if kind == "webhook-event"}

    for n, stage in enumerate(("proposal", "negotiation")):
        body = json.dumps({"deal": "Acme", "stage": stage, "channel": DEAL, "id": f"evt_{n}"}).encode()
        assert deal_webhook(bot.base_url, body).json()["changed"] is True
    assert ids() == {"evt_0", "evt_1"}
    clock.advance(timedelta(days=31))
    body = json.dumps({"deal": "Acme", "stage": "signed", "channel": DEAL, "id": "evt_2"}).encode()
    assert deal_webhook(bot.base_url, body).json()["changed"] is True
    assert ids() == {"evt_2"}


# ------------------------------------------------------------------ message events of odd shapes


def event_body(event: dict) -> str:
    return json.dumps({"token": "t", "team_id": "T0001", "api_app_id": "A0001", "type": "event_callback",
                       "event_id": f"Ev{time.time_ns()}", "event_time": int(time.time()), "event": event})


@pytest.mark.parametrize("field,value", [("user", {"id": ALICE}), ("user", [ALICE]),
                                         ("ts", 1700000001.0001), ("thread_ts", {"ts": "1"}), ("subtype", 5),
                                         ("text", ["I'll send it"])])
def test_a_message_event_whose_text_fields_are_not_text_is_a_quiet_400(bot, slack, field, value, log):
    slack.command("listen auto", user=ALICE, channel=DEAL)
    message = {"type": "message", "channel": DEAL, "user": ALICE, "text": "I'll send the deck by Friday",
               "ts": "1700000001.000100", field: value}
    for event in (message, {"type": "message", "subtype": "message_changed", "channel": DEAL,
                            "ts": "1700000002.000100", "message": message}):
        answer = slack.post_raw(event_body(event), "application/json")
        assert answer.status_code == 400 and "is not text" in answer.json()["detail"]
    bot.wait_idle()
    assert bot.runtime.services.ledger.items(Scope("T0001", DEAL)) == []


# ------------------------------------------------------------------ requests no listener of ours takes


def test_a_slash_command_under_another_name_is_answered_and_changes_nothing(bot, slack, emulator, log):
    answer = slack.command("give a pilot by Friday", user=ALICE, channel=DEAL, command="/coach")
    assert answer.status_code == 200 and "I answer `/partner`, not /coach" in reply_text(answer)
    bot.wait_idle()
    assert emulator.calls_to("chat.postMessage") == [] and "a pilot" not in ledger_text(slack)


def test_a_form_of_an_older_release_is_told_so_on_its_first_input(bot, slack, emulator, log):
    old_input = {"type": "input", "block_id": "what_old", "element": {"type": "plain_text_input"},
                 "label": {"type": "plain_text", "text": "What"}}
    emulator.add_view({"id": "V0OLD", "type": "modal", "callback_id": "record_item_v0",
                       "private_metadata": "", "blocks": [old_input]})
    values = {"what_old": {"what_old": state_value("plain_text_input", "a pilot")}}
    answer = slack.view_submission("record_item_v0", values, user=ALICE, view_id="V0OLD")
    assert answer.status_code == 200
    body = answer.json()
    assert body["response_action"] == "errors" and "older version" in body["errors"]["what_old"]
    bot.wait_idle()
    assert bot.runtime.services.ledger.items(Scope("T0001", DEAL)) == []


def test_link_buttons_shortcuts_and_option_requests_are_acknowledged_quietly(bot, slack, emulator, log):
    calls = len(emulator.calls)
    link = {"type": "block_actions", "user": {"id": ALICE, "team_id": "T0001"}, "team": {"id": "T0001"},
            "api_app_id": "A0001", "container": {"type": "message", "channel_id": DEAL},
            "channel": {"id": DEAL}, "response_url": emulator.new_response_url(), "trigger_id": "1.2.3",
            "actions": [{"action_id": "open_plan", "type": "button", "url": "https://example.com/plan",
                         "block_id": "b", "action_ts": "1.2"}]}
    shortcut = {"type": "shortcut", "callback_id": "log_it", "trigger_id": "1.2.3",
                "user": {"id": ALICE, "team_id": "T0001"}, "team": {"id": "T0001"}}
    options = {"type": "block_suggestion", "action_id": "owner", "block_id": "b", "value": "al",
               "user": {"id": ALICE, "team_id": "T0001"}, "team": {"id": "T0001"}}
    answers = [slack._interactive(payload) for payload in (link, shortcut, options)]
    assert [a.status_code for a in answers] == [200, 200, 200] and answers[2].json() == {"options": []}
    bot.wait_idle()
    assert emulator.calls[calls:] == []


# ------------------------------------------------------------------ Slack Connect partners, listening on auto


@pytest.fixture
def auto_shared(bot, emulator, slack):
    """A Slack Connect channel listening on ``auto``: Alice of ours, Dana of the partner's."""
    emulator.add_user(DANA, name="dana", real_name="Dana Lee", team_id="T0PARTNER")
    emulator.add_channel(SHARED, "shared-acme", members=[ALICE, DANA], is_ext_shared=True)
    slack.command("listen auto", user=ALICE, channel=SHARED)
    return slack


def shared_statuses(bot) -> list[tuple[str, str, str]]:
    return [(i.side, i.what, i.status) for i in bot.runtime.services.ledger.items(Scope("T0001", SHARED))]


def test_a_partner_cannot_undo_what_listening_logged_from_our_side(bot, auto_shared, emulator, log):
    auto_shared.message("I'll send the pilot plan by Friday", user=ALICE, channel=SHARED,
                        ts="1700000200.000100")
    bot.wait_idle()
    assert shared_statuses(bot) == [("give", "send the pilot plan", "open")]
    # The thread reply's Undo is in the shared channel, where Dana sees it too.
    answer = auto_shared.action("listen_undo", "1700000200.000100", user=DANA, channel=SHARED)
    assert answer.status_code == 200
    emulator.wait_for(lambda calls: any("Only the team that logged an item can drop it" in json.dumps(c.args)
                                        for c in calls if c.method == "response_url"))
    bot.wait_idle()
    assert shared_statuses(bot) == [("give", "send the pilot plan", "open")]
    auto_shared.action("listen_undo", "1700000200.000100", user=ALICE, channel=SHARED)  # ours still can
    bot.wait_idle()
    assert shared_statuses(bot) == [("give", "send the pilot plan", "dropped")]


def test_a_partner_deleting_their_promise_does_not_drop_it_from_our_ledger(bot, auto_shared, log):
    said = {"type": "message", "user": DANA, "text": "I'll send the signed NDA by Friday",
            "ts": "1700000300.000100"}
    auto_shared.message(said["text"], user=DANA, channel=SHARED, ts=said["ts"])
    bot.wait_idle()
    assert shared_statuses(bot) == [("get", "send the signed NDA", "open")]
    auto_shared.event({"type": "message", "subtype": "message_deleted", "channel": SHARED,
                       "ts": "1700000301.000100", "deleted_ts": said["ts"], "previous_message": said})
    bot.wait_idle()
    assert shared_statuses(bot) == [("get", "send the signed NDA", "open")]


def test_our_own_deleted_message_still_drops_what_listening_logged_from_it(bot, auto_shared, log):
    said = {"type": "message", "user": ALICE, "text": "I'll send the pilot plan by Friday",
            "ts": "1700000400.000100"}
    auto_shared.message(said["text"], user=ALICE, channel=SHARED, ts=said["ts"])
    bot.wait_idle()
    auto_shared.event({"type": "message", "subtype": "message_deleted", "channel": SHARED,
                       "ts": "1700000401.000100", "deleted_ts": said["ts"], "previous_message": said})
    bot.wait_idle()
    assert shared_statuses(bot) == [("give", "send the pilot plan", "dropped")]


# ------------------------------------------------------------------ guest accounts of our own workspace

GUEST = "U0GUEST"


@pytest.fixture
def with_guest(bot, emulator, slack):
    """The deal channel (not shared) with a guest account of our workspace in it: how partners
    are invited without Slack Connect. Items on both sides and a private one."""
    emulator.add_user(GUEST, name="gita", real_name="Gita Guest", guest=True)
    emulator.add_channel("C0GUESTS", "deal-initech", members=[ALICE, GUEST])
    slack.command("give a pilot workspace by Friday", user=ALICE, channel="C0GUESTS")  # 1, ours
    slack.command(f"get the signed NDA from <@{GUEST}|gita> by Dec 3", user=ALICE, channel="C0GUESTS")  # 2
    slack.command("get budget ceiling is 40k (private)", user=ALICE, channel="C0GUESTS")  # 3, private
    return slack


def guest_items(bot) -> dict:
    return {c.number: c for c in bot.runtime.services.ledger.items(Scope("T0001", "C0GUESTS"))}


def test_a_guest_account_gets_the_partners_view_and_cannot_write_our_ledger(bot, with_guest, log):
    listed = reply_text(with_guest.command("list", user=GUEST, channel="C0GUESTS"))
    assert "the signed NDA" in listed and "budget ceiling" not in listed and "40k" not in listed
    before = guest_items(bot)
    for command in ("give a discount", "drop 2", "share", "done 1", "edit 1 by Monday"):
        with_guest.command(command, user=GUEST, channel="C0GUESTS")
    assert guest_items(bot) == before
    assert "Marked *#2* done" in reply_text(with_guest.command("done 2", user=GUEST, channel="C0GUESTS"))


def test_a_guests_buttons_and_home_tab_show_and_change_nothing_of_ours(bot, with_guest, emulator, log):
    with_guest.action("item_done", "1", user=GUEST, channel="C0GUESTS")
    emulator.wait_for(lambda calls: any("on our side" in json.dumps(c.args) for c in calls))
    assert guest_items(bot)[1].is_open
    with_guest.app_home_opened(GUEST)
    [home] = emulator.wait_for_count("views.publish", 1)
    assert "signed NDA" not in json.dumps(home.args) and "budget ceiling" not in json.dumps(home.args)


def test_a_guests_promise_in_conversation_is_theirs_never_ours(bot, with_guest, log):
    with_guest.command("listen auto", user=ALICE, channel="C0GUESTS")
    with_guest.message("I'll send the security questionnaire by Friday", user=GUEST, channel="C0GUESTS")
    bot.wait_idle()
    [logged] = [item for item in guest_items(bot).values() if "questionnaire" in item.what]
    assert logged.side == "get"


def test_our_own_people_keep_the_full_ledger_beside_a_guest(bot, with_guest, log):
    listed = reply_text(with_guest.command("list", user=ALICE, channel="C0GUESTS"))
    assert "budget ceiling" in listed


def test_posts_to_a_channel_with_a_guest_leave_private_items_out(bot, with_guest, emulator, log):
    with_guest.command("deal Initech signed", user=ALICE, channel="C0GUESTS")
    [prompt] = emulator.wait_for_count("chat.postMessage", 1)
    text = all_text(prompt.args)
    assert "the signed NDA" in text and "budget ceiling" not in text


def test_looking_for_guests_asks_slack_about_a_few_members_at_a_time(emulator, tmp_path, log):
    # It runs before the ack of a stage change: a big channel's first post after a start asks
    # about at most a few members, the next posts about the next few, until the guest is found.
    # Until Slack has described every member, nobody can say there is no guest: private items
    # stay out (round 6; they were posted while members were still unknown).
    from bot.slack.client import build_client
    from bot.slack.directory import GUEST_LOOKUPS_PER_CHECK, Directory
    from bot.slack.people import PeopleMemory
    from bot.store import TinyDBStore

    members = [f"U0MEMBER{n:02d}" for n in range(12)]
    for member in members:
        emulator.add_user(member)
    emulator.add_user("U0ZGUEST", guest=True)  # sorts last
    emulator.add_channel("C0BIG", "deal-big", members=[*members, "U0ZGUEST"])
    emulator.add_channel("C0OURS", "deal-ours", members=members)
    store = TinyDBStore(tmp_path / "db.json")

    def directory() -> Directory:
        made = Directory(build_client(emulator.token or "xoxb-local-demo", emulator.api_url))
        made.people = PeopleMemory(store)
        return made

    first = directory()
    seen = []
    for _ in range(3):
        seen.append(first.has_outsiders("T0001", "C0BIG"))
        assert len(emulator.calls_to("users.info")) <= GUEST_LOOKUPS_PER_CHECK * len(seen)
    assert seen == [True, True, True]
    assert first.has_outsiders("T0001", "C0BIG") and len(emulator.calls_to("users.info")) == 13
    assert first.has_outsiders("T0001", "C0OURS") is False  # everyone known: only colleagues
    # After a restart, members Slack described before are known from the store at once.
    again = directory()
    assert again.has_outsiders("T0001", "C0OURS") is False
    assert again.has_outsiders("T0001", "C0BIG") is True
    store.close()


# ------------------------------------------------------------------ CRM posts retried after a restart


def test_a_crm_post_retried_by_slack_after_a_restart_does_not_move_the_deal_back(
        bot, slack, emulator, clock, tmp_path, log):
    def crm(driver, text, ts, event_id, **retry):
        return driver.message(text, user="U0CRMBOT", channel=DEAL, subtype="bot_message", bot_id="B0CRM",
                              ts=ts, event_id=event_id, **retry)

    crm(slack, "Deal stage changed: Acme Corp → Proposal", "1700000500.000100", "Ev0PROPOSAL")
    crm(slack, "Deal stage changed: Acme Corp → Negotiation", "1700000600.000100", "Ev0NEGOTIATION")
    bot.wait_idle()
    assert deal_stage(bot) == "negotiation"
    bot.stop()  # a deploy, while Slack still retries the first post (its ack went missing)
    with LocalBot(emulator, tmp_path / "db.json", clock, webhook_secret="whsec-test") as restarted:
        quiet(restarted)
        posts = len(emulator.calls_to("chat.postMessage"))
        retry = crm(restarted.driver, "Deal stage changed: Acme Corp → Proposal", "1700000500.000100",
                    "Ev0PROPOSAL", retry_num=1)
        assert retry.status_code == 200
        restarted.wait_idle()
        assert deal_stage(restarted) == "negotiation" and len(emulator.calls_to("chat.postMessage")) == posts
        # A real edit of that post to a new stage is news, and still moves the deal.
        edited = {"type": "message", "subtype": "message_changed", "channel": DEAL, "ts": "1700000700.000100",
                  "message": {"type": "message", "subtype": "bot_message", "bot_id": "B0CRM",
                              "text": "Deal stage changed: Acme Corp → Signed", "ts": "1700000500.000100",
                              "edited": {"user": "B0CRM", "ts": "1700000700.000000"}},
                  "previous_message": {"type": "message", "subtype": "bot_message", "bot_id": "B0CRM",
                                       "text": "Deal stage changed: Acme Corp → Proposal",
                                       "ts": "1700000500.000100"}}
        restarted.driver.event(edited)
        restarted.wait_idle()
        assert deal_stage(restarted) == "signed"
