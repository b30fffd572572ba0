"""The shared plan as a newcomer builds it, through signed HTTP: one line per promise, and a
ledger that says what to do next without saying it twice."""

from __future__ import annotations

import json
import re

import requests

from bot.emulator.driver import state_value
from bot.store import Scope
from tests.conftest import ALICE, BOB, CAROL, DEAL, OTHER
from tests.e2e.helpers import action_values, reply_text

LINK = re.compile(r"http://127\.0\.0\.1:\d+/plans/[A-Za-z0-9_-]{43}")


def items(bot, channel=DEAL):
    return bot.runtime.services.ledger.items(Scope("T0001", channel))


def test_the_same_step_typed_twice_is_logged_once_and_the_answer_says_which_it_is(slack, bot):
    slack.command("give a pilot workspace by Friday", user=ALICE, channel=DEAL)
    # Was: a silent #2, the same promise twice on the plan the partner sees.
    answer = reply_text(slack.command("give a Pilot workspace  by Friday", user=BOB, channel=DEAL))
    assert ":warning:" in answer and "#1 already says that" in answer
    assert "a pilot workspace, due Fri 27 Nov 2026" in answer and "`/partner edit 1 …`" in answer
    assert [(c.number, c.what) for c in items(bot)] == [(1, "a pilot workspace")]
    link = LINK.search(reply_text(slack.command("share", user=ALICE, channel=DEAL))).group(0)
    assert requests.get(link, timeout=10).text.count("a pilot workspace") == 1


def test_a_step_that_differs_by_side_date_channel_or_state_is_a_new_one(slack, bot):
    slack.command("give a pilot workspace by Friday", user=ALICE, channel=DEAL)
    slack.command("give a pilot workspace by Dec 4", user=ALICE, channel=DEAL)  # another date
    slack.command("get a pilot workspace by Friday", user=ALICE, channel=DEAL)  # the other side
    slack.command("give a pilot workspace by Friday", user=ALICE, channel=OTHER)  # another channel
    slack.command("done 1", user=ALICE, channel=DEAL)
    answer = reply_text(slack.command("give a pilot workspace by Friday", user=ALICE, channel=DEAL))
    assert "Logged *#4*" in answer  # #1 was kept: promising it again is a new promise
    assert len(items(bot)) == 4 and len(items(bot, OTHER)) == 1


def test_an_empty_ledger_says_the_next_step_once(slack):
    answer = reply_text(slack.command("list", user=ALICE, channel=DEAL))
    # Was said twice: "Nothing here yet. Start with `/partner give …`" and the coach's own.
    assert answer.count("`/partner give …`") == 1
    assert "Nothing here yet." in answer


def test_the_last_page_says_it_is_the_last_instead_of_offering_page_one_as_the_next(slack):
    for n in range(12):
        slack.command(f"give step {n}", user=ALICE, channel=DEAL)
    first = reply_text(slack.command("list", user=ALICE, channel=DEAL))
    assert "Page 1 of 2 · `/partner list open page 2` for the next" in first
    last = reply_text(slack.command("list page 2", user=ALICE, channel=DEAL))
    assert "Page 2 of 2, the last" in last and "for the next" not in last
    mine = reply_text(slack.command("list mine", user=ALICE, channel=DEAL))
    assert "— your items" in mine and "mine items" not in mine


def test_a_step_for_someone_slack_does_not_know_is_refused_and_changes_nothing(slack, bot):
    # Was logged with an owner no one could ever remind: "<@U0GHOST> · due Thu 3 Dec".
    answer = reply_text(slack.command("give the deck <@U0GHOST|ghost> by Dec 3", user=ALICE, channel=DEAL))
    assert ":warning:" in answer and "Slack doesn't know the person" in answer
    assert "nothing was logged" in answer
    assert items(bot) == []


def test_a_step_for_someone_outside_the_channel_is_logged_with_a_warning(slack, bot, emulator):
    # Carol isn't in #deal-acme: no reminder can reach her, and her Home tab won't show it.
    answer = reply_text(slack.command("give the deck <@U0CAROL|carol> by Dec 3", user=ALICE, channel=DEAL))
    assert "Logged *#1*" in answer
    assert "isn't in this channel, so I can't remind them of *#1*" in answer and "`/partner drop 1`" in answer
    assert [c.owner for c in items(bot)] == ["U0CAROL"]


def test_a_step_for_a_teammate_in_the_channel_has_no_warning(slack, bot):
    answer = reply_text(slack.command("give the deck <@U0BOB|bob> by Dec 3", user=ALICE, channel=DEAL))
    assert "Logged *#1*" in answer and "isn't in this channel" not in answer
    assert [c.owner for c in items(bot)] == [BOB]


def test_sharing_an_empty_plan_says_what_fills_it(slack):
    # Was "It shows 0 shared items", and nothing on what to do before sending the link.
    answer = reply_text(slack.command("share", user=ALICE, channel=DEAL))
    assert LINK.search(answer) and "0 shared items" not in answer
    assert "It's empty so far" in answer and "`/partner give …`" in answer and "`/partner get …`" in answer
    slack.command("give a pilot workspace by Friday", user=ALICE, channel=DEAL)
    assert "It shows 1 shared item." in reply_text(slack.command("share", user=ALICE, channel=DEAL))


def test_exporting_an_empty_plan_uploads_nothing_and_says_what_fills_it(slack, bot, emulator):
    slack.command("give our walk-away price is 40k (private)", user=ALICE, channel=DEAL)
    # Was "Uploading the mutual plan (0 shared items)": two empty files posted in the channel.
    answer = reply_text(slack.command("export", user=ALICE, channel=DEAL))
    assert ":warning:" in answer and "no shared items yet, so I uploaded nothing" in answer
    assert "`/partner give …`" in answer
    bot.wait_idle()
    assert emulator.uploaded_files() == [] and emulator.messages(DEAL) == []
    slack.command("give a pilot workspace by Friday", user=ALICE, channel=DEAL)
    assert "Uploading the mutual plan (1 shared item" in reply_text(slack.command("export", user=ALICE,
                                                                                  channel=DEAL))


def test_a_due_word_without_its_date_is_asked_about_and_changes_nothing(slack, bot):
    slack.command("give a pilot workspace by Friday", user=ALICE, channel=DEAL)
    # Was: #1 renamed to "by", its date kept.
    answer = reply_text(slack.command("edit 1 by", user=ALICE, channel=DEAL))
    assert ":warning:" in answer and "“by” when? The date is missing, so nothing changed." in answer
    assert [(c.what, str(c.due_on)) for c in items(bot)] == [("a pilot workspace", "2026-11-27")]
    # Was logged as "the deck before", with no date.
    answer = reply_text(slack.command("give the deck before", user=ALICE, channel=DEAL))
    assert "“before” when?" in answer and len(items(bot)) == 1


def test_words_that_only_look_like_a_due_clause_are_kept(slack, bot):
    answer = reply_text(slack.command("give a stand-by engineer for the go-live", user=ALICE, channel=DEAL))
    assert "Logged *#1*" in answer
    assert items(bot)[0].what == "a stand-by engineer for the go-live"


def record_form(slack, emulator, bot):
    """The stage prompt's "Record what we give" button, clicked: the modal it opens."""
    slack.command("deal Acme Corp qualified", user=ALICE, channel=DEAL)
    bot.wait_idle()
    [prompt] = emulator.messages(DEAL)
    slack.action("record_give", action_values(prompt, "record_give")[0], user=ALICE, channel=DEAL)
    bot.wait_idle()
    return emulator.find_view(callback_id="record_item")


def test_the_record_form_refuses_an_owner_outside_the_channel_in_the_form(slack, bot, emulator):
    record_form(slack, emulator, bot)
    values = {"what": {"value": state_value("plain_text_input", "a pilot workspace")},
              "owner": {"value": state_value("users_select", CAROL)}}
    # Was logged for Carol, who is not in #deal-acme and so could never be reminded of it.
    body = json.loads(slack.view_submission("record_item", values, user=ALICE).text)
    assert body["response_action"] == "errors" and "aren't in this channel" in body["errors"]["owner"]
    bot.wait_idle()
    assert items(bot) == []
    values["owner"] = {"value": state_value("users_select", BOB)}
    assert slack.view_submission("record_item", values, user=ALICE).text in ("", "null")
    bot.wait_idle()
    assert [(c.what, c.owner) for c in items(bot)] == [("a pilot workspace", BOB)]


def test_an_owner_slack_cannot_answer_for_is_not_refused_or_warned_about(slack, bot, emulator):
    # conversations.members failing (Slack down, a missing scope) proves nothing about Bob:
    # the give is logged as usual, with no false "isn't in this channel".
    emulator.fail_next("conversations.members", "internal_error", times=5)
    answer = reply_text(slack.command("give the deck <@U0BOB|bob> by Dec 3", user=ALICE, channel=DEAL))
    assert "Logged *#1*" in answer and "isn't in this channel" not in answer
    # Someone Slack won't show us (another organisation's member) isn't "unknown" either.
    emulator.fail_next("users.info", "user_not_visible")
    answer = reply_text(slack.command("get the PO <@U0EXT01|dana> by Dec 4", user=ALICE, channel=DEAL))
    assert "Slack doesn't know" not in answer and "Logged *#2*" in answer


def test_several_ids_at_once_get_the_commands_to_type_and_change_nothing(slack, bot):
    for n in range(3):
        slack.command(f"give step {n}", user=ALICE, channel=DEAL)
    # Was "“1 2” isn't a commitment id": true, but no way forward.
    answer = reply_text(slack.command("done 1, 2 and 3", user=ALICE, channel=DEAL))
    assert ("One at a time, please: `/partner done 1`, then `/partner done 2`, then `/partner done 3`"
            in answer)
    shared = reply_text(slack.command("shared 2 3", user=ALICE, channel=DEAL))
    assert "`/partner shared 2`, then `/partner shared 3`" in shared
    assert [c.status for c in items(bot)] == ["open", "open", "open"]


def test_an_owner_alone_is_answered_about_the_owner_not_a_date(slack, bot):
    # Was "I got the date but not the commitment itself", with no date given.
    answer = reply_text(slack.command("give <@U0BOB|bob>", user=ALICE, channel=DEAL))
    assert "I got who owns it but not the commitment itself" in answer
    assert "date" not in answer.split("Usage")[0]
    assert "I got the date but not" in reply_text(slack.command("give by Friday", user=ALICE, channel=DEAL))
    assert items(bot) == []
