"""Round four of coaching wisdom over signed HTTP: a lost deal reopened after their stall, a
stage post after asks were logged, a signature with nothing written down, our own promise kept
late, everything of ours delivered while theirs is open, and undated promises left for weeks."""

from __future__ import annotations

from datetime import timedelta

from tests.conftest import ALICE, DEAL
from tests.e2e.helpers import all_text, coaching_paragraphs, nudges, reply_text
from tests.e2e.test_coaching_wisdom import nudge_of, stage_post, their_stall


def test_a_lost_deal_reopened_after_their_stall_is_not_told_to_walk_away(slack, emulator, clock):
    slack.command("deal Acme negotiation", user=ALICE, channel=DEAL)
    their_stall(slack, clock, 12)  # their intro 12 days late, we delivered
    assert nudge_of(slack.command("list", user=ALICE, channel=DEAL)) == "brave_conversation"
    clock.advance(timedelta(days=10))
    assert nudge_of(slack.command("list", user=ALICE, channel=DEAL)) == "walk_away"
    assert nudges(stage_post(slack, emulator, "Acme lost")) == ["stage_lost"]
    clock.advance(timedelta(days=3))
    # They came back to the table: the post asks the terms question, not whether to walk away.
    post = stage_post(slack, emulator, "Acme negotiation")
    assert nudges(post) == ["stage_terms"] and coaching_paragraphs(post) == 1
    assert "walk away" not in all_text(post).lower()
    clock.advance(timedelta(days=1))
    answer = slack.command("list", user=ALICE, channel=DEAL)
    assert nudge_of(answer) == "follow_up"  # their old item is still late: a friendly nudge
    assert "walk away" not in reply_text(answer).lower()
    clock.advance(timedelta(days=9))  # ten days since the reopening, nothing of theirs kept
    answer = slack.command("list", user=ALICE, channel=DEAL)
    assert nudge_of(answer) == "brave_conversation"
    assert "Nothing of theirs kept in 10 days since the deal was reopened (Fri 18 Dec 2026)" in (
        reply_text(answer))


def test_the_opening_question_after_asks_were_logged_does_not_pretend_we_asked_nothing(
        slack, emulator):
    slack.command("get their org chart", user=ALICE, channel=DEAL)
    slack.command("get budget range", user=ALICE, channel=DEAL)
    post = stage_post(slack, emulator, "Acme qualified")
    assert nudges(post) == ["stage_opening"]
    text = all_text(post)
    assert "Before we ask them for more" in text
    assert "for anything" not in text
    assert "So far we've offered nothing and asked for 2." in text


def test_a_signature_with_nothing_written_down_asks_for_our_promises(slack, emulator):
    post = stage_post(slack, emulator, "Acme signed")
    assert nudges(post) == ["stage_signed"]
    text = all_text(post)
    assert "Nothing we promised is recorded yet." in text
    assert "write down what we promised" in text
    assert "None of our promises is open" not in text


def test_our_promise_kept_late_is_owned_as_late(slack, clock):
    slack.command("give data migration by Nov 25", user=ALICE, channel=DEAL)
    slack.command("get usage report by Dec 18", user=ALICE, channel=DEAL)
    clock.advance(timedelta(days=6))  # Sun 29 Nov: four days after it was due
    answer = slack.command("done 1", user=ALICE, channel=DEAL)
    assert nudge_of(answer) == "celebrate_kept"
    text = reply_text(answer)
    assert "Kept, though later than we said" in text
    assert "4 days after it was due" in text


def test_everything_of_ours_delivered_while_theirs_is_open_is_not_told_to_keep_its_word(slack, clock):
    slack.command("give pilot workspace", user=ALICE, channel=DEAL)
    slack.command("give admin training", user=ALICE, channel=DEAL)
    slack.command("get case study by Dec 18", user=ALICE, channel=DEAL)
    slack.command("done 1", user=ALICE, channel=DEAL)
    slack.command("done 2", user=ALICE, channel=DEAL)
    clock.advance(timedelta(days=8))  # past the week a kept promise is news
    # Two gives with no note of what they gain: that question comes first, once.
    assert nudge_of(slack.command("list", user=ALICE, channel=DEAL)) == "wiift"
    answer = slack.command("list", user=ALICE, channel=DEAL)
    assert nudge_of(answer) == "on_track"
    text = reply_text(answer)
    assert "Everything we promised is delivered" in text
    assert "keep your word on what's next" not in text


def test_undated_promises_left_for_six_weeks_are_not_called_on_track(slack, clock):
    slack.command("give joint webinar", user=ALICE, channel=DEAL)
    slack.command("get customer story", user=ALICE, channel=DEAL)
    clock.advance(timedelta(days=41))
    assert nudge_of(slack.command("list", user=ALICE, channel=DEAL)) == "on_track"
    clock.advance(timedelta(days=1))  # six weeks with nothing added or kept
    answer = slack.command("list", user=ALICE, channel=DEAL)
    assert nudge_of(answer) == "set_dates"
    text = reply_text(answer)
    assert "Nothing added or kept in 42 days; 1 of ours and 1 of theirs open without a date." in text
    assert "On track" not in text
    # Dates agreed on both: the promises are tracked again, and "on track" is true once more.
    slack.command("edit 1 by Jan 29", user=ALICE, channel=DEAL)
    slack.command("edit 2 by Jan 29", user=ALICE, channel=DEAL)
    clock.advance(timedelta(days=4))
    assert nudge_of(slack.command("list", user=ALICE, channel=DEAL)) == "on_track"
