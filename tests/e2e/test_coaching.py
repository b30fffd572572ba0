"""Stage prompts, record buttons → modal → submission, and the App Home tab, over signed HTTP."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest

from bot.emulator import state_value
from bot.store import Scope
from tests.conftest import ALICE, BOB, CAROL, DEAL, OTHER
from tests.e2e.helpers import action_values, all_text, coaching_paragraphs, nudges, reply, reply_text, visible


def posts(emulator, channel=DEAL):
    return emulator.messages(channel)


def set_stage(slack, emulator, text, n_posts):
    response = slack.command(f"deal {text}", user=ALICE, channel=DEAL)
    emulator.wait_for(lambda calls: len(posts(emulator)) >= n_posts)
    return response


@pytest.mark.parametrize(
    ("stage", "expected", "nudge"),
    [
        ("prospecting", "what are you giving to receive", "stage_opening"),
        ("qualified", "What's in it for them", "stage_opening"),
        ("proposal", "intentions and expectations", "stage_terms"),
        ("negotiation", "intentions and expectations", "stage_terms"),
        ("signed", "Don't switch off", "stage_signed"),
        ("lost", "short reflection", "stage_lost"),
    ],
)
def test_each_stage_posts_its_prompt_in_channel(slack, emulator, stage, expected, nudge):
    answer = reply_text(set_stage(slack, emulator, f"Acme Corp {stage}", 1))
    assert "Acme Corp" in answer
    [post] = posts(emulator)
    text = all_text(post)
    assert expected.lower() in text.lower()
    assert nudges(post) == [nudge] and coaching_paragraphs(post) == 1
    if stage != "lost":
        assert action_values(post, "record_give") and action_values(post, "record_get")


def test_crm_stage_names_and_synonyms_are_understood(slack, bot, emulator):
    set_stage(slack, emulator, "Acme Proposal/Price Quote", 1)
    set_stage(slack, emulator, "Acme Closed Won", 2)
    [deal] = bot.runtime.services.deals.all(Scope("T0001", DEAL))
    assert deal.stage.value == "signed"


def test_signed_lists_open_commitments_and_announces_checkins(slack, emulator):
    slack.command("give onboarding workshop by Dec 10", user=ALICE, channel=DEAL)
    slack.command("get case study from Dana", user=ALICE, channel=DEAL)
    set_stage(slack, emulator, "Acme signed", 1)
    text = all_text(posts(emulator)[0])
    assert "onboarding workshop" in text and "case study" in text
    assert "7, 30, 90 days" in text


def test_same_stage_again_does_not_prompt_again(slack, emulator):
    set_stage(slack, emulator, "Acme negotiation", 1)
    answer = reply_text(slack.command("deal ACME negotiation", user=ALICE, channel=DEAL))
    assert "already at" in answer
    assert len(posts(emulator)) == 1


def test_a_channel_holds_several_deals(slack, emulator):
    set_stage(slack, emulator, "Acme negotiation", 1)
    set_stage(slack, emulator, "Acme EU expansion qualified", 2)
    text = reply_text(slack.command("deal", user=ALICE, channel=DEAL))
    assert "*Acme* — Negotiation" in text and "*Acme EU expansion* — Qualified" in text


def test_prompts_rotate_phrasings(slack, emulator):
    seen = set()
    for n, stage in enumerate(["proposal", "negotiation", "proposal", "negotiation"], start=1):
        set_stage(slack, emulator, f"Acme {stage}", n)
        seen.add(posts(emulator)[-1]["blocks"][1]["text"]["text"])
    assert len(seen) >= 3


def nudge_of(response) -> str:
    [nudge] = nudges(reply(response))
    return nudge


def test_counts_alone_never_alarm_and_the_coach_says_little(slack, clock):
    """Seven gives against one get: a generous opener, one WIIFT question, then quiet; never one-way."""
    said = [nudge_of(slack.command(f"give thing {i}", user=ALICE, channel=DEAL)) for i in range(4)]
    said.append(nudge_of(slack.command("get one intro", user=ALICE, channel=DEAL)))
    said += [nudge_of(slack.command(f"give more {i}", user=ALICE, channel=DEAL)) for i in range(3)]
    said.append(nudge_of(slack.command("list", user=ALICE, channel=DEAL)))
    assert said == ["generous_opener", "wiift", "quiet", "quiet", "on_track", "quiet", "quiet", "quiet",
                    "quiet"]
    clock.advance(timedelta(days=3))  # NO_REPEAT_DAYS later a quiet "on track" may be said again
    answer = slack.command("list", user=ALICE, channel=DEAL)
    assert nudge_of(answer) == "on_track"
    assert "walk" not in reply_text(answer).lower()


def test_their_silence_goes_follow_up_then_brave_then_walk_away(slack, clock):
    slack.command("give pilot workspace", user=ALICE, channel=DEAL)
    slack.command("done 1", user=ALICE, channel=DEAL)
    slack.command("get intro to their CFO by Nov 24", user=ALICE, channel=DEAL)
    clock.advance(timedelta(days=3))  # due Tue 24 Nov, now Thu 26: two days late
    assert nudge_of(slack.command("list", user=ALICE, channel=DEAL)) == "follow_up"
    clock.advance(timedelta(days=8))  # ten days late, nothing of theirs kept
    answer = slack.command("list", user=ALICE, channel=DEAL)
    assert nudge_of(answer) == "brave_conversation"
    assert "Nothing of theirs kept in 10 days (none kept yet)" in reply_text(answer)
    clock.advance(timedelta(days=11))  # 21 days late, the brave conversation suggested 11 days ago
    answer = slack.command("list", user=ALICE, channel=DEAL)
    assert nudge_of(answer) == "walk_away"
    assert "since I suggested the brave conversation (Fri 4 Dec 2026)" in reply_text(answer)
    assert nudge_of(slack.command("done 2", user=ALICE, channel=DEAL)) == "celebrate_kept"


def test_our_own_slip_comes_before_their_late_item(slack, clock):
    slack.command("give security questionnaire by Nov 24", user=ALICE, channel=DEAL)
    slack.command("get intro to their CFO by Nov 24", user=ALICE, channel=DEAL)
    clock.advance(timedelta(days=3))
    answer = slack.command("list", user=ALICE, channel=DEAL)
    assert nudge_of(answer) == "our_late"
    assert "security questionnaire (ours) was due Tue 24 Nov 2026: 2 days overdue" in reply_text(answer)


def test_walk_away_is_never_said_on_signing_day(slack, emulator, clock):
    for i in range(6):
        slack.command(f"give thing {i}", user=ALICE, channel=DEAL)
    slack.command("get reference call", user=ALICE, channel=DEAL)
    set_stage(slack, emulator, "Acme signed", 1)
    assert nudges(posts(emulator)[0]) == ["stage_signed"]
    assert nudge_of(slack.command("done 7", user=ALICE, channel=DEAL)) == "celebrate_kept"


def test_a_dropped_item_does_not_count(slack):
    slack.command("give pilot", user=ALICE, channel=DEAL)
    slack.command("give <!channel> free lunch", user=ALICE, channel=DEAL)
    assert nudge_of(slack.command("drop 2", user=ALICE, channel=DEAL)) == "quiet"
    answer = slack.command("get intro", user=ALICE, channel=DEAL)
    assert nudge_of(answer) == "on_track"
    assert "We promised 1 and kept 0; they promised 1 and kept 0." in reply_text(answer)


def open_record_modal(slack, emulator, side="give"):
    set_stage(slack, emulator, "Acme negotiation", 1)
    post = posts(emulator)[0]
    value = action_values(post, f"record_{side}")[0]
    response = slack.action(f"record_{side}", value, user=ALICE, channel=DEAL)
    assert response.status_code == 200
    [call] = emulator.wait_for_count("views.open", 1)
    return call.args["view"]


def test_record_button_opens_modal_and_submission_logs_item(slack, bot, emulator):
    view = open_record_modal(slack, emulator, "get")
    assert view["callback_id"] == "record_item"
    assert {b.get("block_id") for b in view["blocks"]} >= {"what", "owner", "counterpart", "due"}
    values = {
        "what": {"value": state_value("plain_text_input", "signed reference call")},
        "owner": {"value": state_value("users_select", BOB)},
        "counterpart": {"value": state_value("plain_text_input", "Dana (CFO)")},
        "due": {"value": state_value("datepicker", "2026-12-04")},
    }
    response = slack.view_submission("record_item", values, user=ALICE)
    assert response.status_code == 200 and "errors" not in response.text
    emulator.wait_for("chat.postEphemeral")
    [item] = bot.runtime.services.ledger.items(Scope("T0001", DEAL))
    assert (item.side, item.what, item.owner, item.counterpart, str(item.due_on), item.deal) == (
        "get", "signed reference call", BOB, "Dana (CFO)", "2026-12-04", "Acme")
    assert "Logged *#1*" in all_text(emulator.ephemerals(DEAL, ALICE)[0])


@pytest.mark.parametrize(("benefit", "next_nudge"), [("their reps ramp two weeks faster", "quiet"),
                                                    (None, "wiift")])
def test_the_record_form_asks_whats_in_it_for_them_and_that_answer_spares_the_wiift_prompt(
        slack, emulator, benefit, next_nudge):
    view = open_record_modal(slack, emulator, "give")
    assert "wiift" in {b.get("block_id") for b in view["blocks"]}
    values = {"what": {"value": state_value("plain_text_input", "a 30-day pilot")}}
    if benefit:
        values["wiift"] = {"value": state_value("plain_text_input", benefit)}
    assert "errors" not in slack.view_submission("record_item", values, user=ALICE).text
    emulator.wait_for("chat.postEphemeral")
    # A second give: with the benefit written down, only one give lacks it, so no WIIFT prompt yet.
    assert nudge_of(slack.command("give onboarding deck", user=ALICE, channel=DEAL)) == next_nudge


def test_the_record_form_refuses_an_overlong_benefit(slack, bot, emulator):
    open_record_modal(slack, emulator, "give")
    values = {"what": {"value": state_value("plain_text_input", "pilot")},
              "wiift": {"value": state_value("plain_text_input", "x" * 501)}}
    response = slack.view_submission("record_item", values, user=ALICE)
    assert json.loads(response.text)["errors"]["wiift"].startswith("Please keep it under 500")
    assert bot.runtime.services.ledger.items(Scope("T0001", DEAL)) == []


@pytest.mark.parametrize(
    ("what", "due", "field", "message"),
    [
        ("", None, "what", "describe"),
        ("x" * 301, None, "what", "under 300"),
        ("pilot", "2026-11-01", "due", "past"),
        ("pilot", "2026-13-45", "due", "isn't a date"),
    ],
)
def test_modal_validation_errors_show_in_the_modal(slack, bot, emulator, what, due, field, message):
    open_record_modal(slack, emulator)
    values = {"what": {"value": state_value("plain_text_input", what)}}
    if due:
        values["due"] = {"value": state_value("datepicker", due)}
    response = slack.view_submission("record_item", values, user=ALICE)
    body = json.loads(response.text)
    assert body["response_action"] == "errors"
    assert message in body["errors"][field]
    assert bot.runtime.services.ledger.items(Scope("T0001", DEAL)) == []


def test_modal_text_with_injection_is_escaped_in_confirmation(slack, emulator):
    open_record_modal(slack, emulator)
    values = {"what": {"value": state_value("plain_text_input", "<!channel> <http://x|y> pilot")}}
    slack.view_submission("record_item", values, user=ALICE)
    emulator.wait_for("chat.postEphemeral")
    raw = str(visible(emulator.ephemerals(DEAL, ALICE)[0]))
    assert "<!channel>" not in raw and "<http://x" not in raw and "&lt;!channel&gt;" in raw


def test_done_and_drop_buttons_on_the_list(slack, bot, emulator):
    slack.command("give pilot", user=ALICE, channel=DEAL)
    slack.command("give deck", user=ALICE, channel=DEAL)
    listing = reply(slack.command("list", user=ALICE, channel=DEAL))
    slack.action("item_done", action_values(listing, "item_done")[0], user=BOB, channel=DEAL)
    slack.action("item_drop", action_values(listing, "item_drop")[1], user=BOB, channel=DEAL)
    slack.action("item_done", "1", user=BOB, channel=DEAL)  # a double click
    emulator.wait_for(lambda calls: len(emulator.responses()) >= 3)
    statuses = [i.status for i in bot.runtime.services.ledger.items(Scope("T0001", DEAL))]
    assert statuses == ["done", "dropped"]
    texts = [all_text(r) for r in emulator.responses()]
    assert any("Kept" in t for t in texts) and any("already done" in t for t in texts)


def test_button_with_unknown_id_changes_nothing(slack, bot, emulator):
    slack.command("give pilot", user=ALICE, channel=DEAL)
    slack.action("item_done", "99", user=ALICE, channel=DEAL)
    slack.action("item_done", "garbage", user=ALICE, channel=DEAL)
    emulator.wait_for(lambda calls: len(emulator.responses()) >= 2)
    assert bot.runtime.services.ledger.items(Scope("T0001", DEAL))[0].status == "open"


def home_view(emulator, user):
    calls = [c for c in emulator.calls_to("views.publish") if c.args.get("user_id") == user]
    return calls[-1].args["view"]


def test_home_tab_shows_my_items_overdue_first_and_only_my_channels(slack, bot, emulator, clock):
    slack.command("give pilot by Dec 20", user=ALICE, channel=DEAL)
    slack.command("give deck by tomorrow", user=ALICE, channel=DEAL)
    slack.command("give bob's thing", user=BOB, channel=DEAL)
    slack.command("give secret globex thing", user=CAROL, channel=OTHER)
    slack.command("deal Acme negotiation", user=ALICE, channel=DEAL)
    clock.advance(timedelta(days=3))
    slack.app_home_opened(ALICE)
    emulator.wait_for("views.publish")
    view = home_view(emulator, ALICE)
    text = all_text(view)
    assert view["type"] == "home"
    assert text.index("deck") < text.index("pilot")  # overdue first
    assert "bob's thing" not in text and "globex" not in text
    assert "Acme" in text and "Negotiation" in text
    seal = bot.runtime.services.seal  # the buttons name their channel, sealed (bot.slack.seal)
    assert [seal.open(v) for v in action_values(view, "item_done")] == [f"{DEAL}:2", f"{DEAL}:1"]


def test_home_done_button_closes_and_republishes(slack, bot, emulator):
    slack.command("give pilot", user=ALICE, channel=DEAL)
    slack.app_home_opened(ALICE)
    emulator.wait_for("views.publish")
    done = action_values(home_view(emulator, ALICE), "item_done")[0]
    slack.home_action("item_done", done, user=ALICE)
    emulator.wait_for_count("views.publish", 2)
    assert bot.runtime.services.ledger.items(Scope("T0001", DEAL))[0].status == "done"
    assert "pilot" not in all_text(home_view(emulator, ALICE))


def test_home_button_for_a_channel_i_am_not_in_is_refused(slack, bot, emulator):
    slack.command("give globex pilot", user=CAROL, channel=OTHER)
    # A genuine button naming a channel Alice is not (or no longer) in.
    slack.home_action("item_done", bot.runtime.services.seal.sign(f"{OTHER}:1"), user=ALICE)
    emulator.wait_for("views.publish")
    assert bot.runtime.services.ledger.items(Scope("T0001", OTHER))[0].status == "open"
    assert "only change commitments of channels you're in" in all_text(home_view(emulator, ALICE))
