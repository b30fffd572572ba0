"""Round four of coaching wisdom over signed HTTP: a lost deal reopened after their stall, a
stage post after asks were logged, a signature with nothing written down, our own promise kept
late, everything of ours delivered while theirs is open, undated promises left for weeks, and our
slip owned in a digest the partner reads."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from tests.conftest import ALICE, DEAL
from tests.e2e.helpers import all_text, coaching_paragraphs, nudges, reply_text
from tests.e2e.test_coaching_round3 import DANA, SHARED
from tests.e2e.test_coaching_wisdom import nudge_of, stage_post, their_stall
from tests.e2e.test_schedule import dms, posted


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
    clock.advance(timedelta(days=1))  # six weeks without a date
    answer = slack.command("list", user=ALICE, channel=DEAL)
    assert nudge_of(answer) == "set_dates"
    text = reply_text(answer)
    assert "1 of ours and 1 of theirs open with no date, the oldest made 42 days ago." in text
    assert "On track" not in text
    # Dates agreed on both: the promises are tracked again, and "on track" is true once more.
    slack.command("edit 1 by Jan 29", user=ALICE, channel=DEAL)
    slack.command("edit 2 by Jan 29", user=ALICE, channel=DEAL)
    clock.advance(timedelta(days=4))
    assert nudge_of(slack.command("list", user=ALICE, channel=DEAL)) == "on_track"


def test_our_slip_in_a_digest_the_partner_reads_is_owned_to_them(slack, emulator, clock):
    """Slack Connect: the digest owns our slip in the open, without 'tell them' behind their back."""
    emulator.add_user(DANA, name="dana", real_name="Dana Lee", team_id="T0PARTNER")
    emulator.add_channel(SHARED, "shared-acme", members=[ALICE, DANA], is_ext_shared=True)
    slack.command("give security pack by Nov 25", user=ALICE, channel=SHARED)
    slack.command("get usage report by Dec 18", user=ALICE, channel=SHARED)
    clock.advance(timedelta(days=4))  # ours two days late
    before = len(emulator.messages(SHARED))
    slack.command("digest now", user=ALICE, channel=SHARED)
    emulator.wait_for(lambda calls: len(emulator.messages(SHARED)) > before)
    digest = emulator.messages(SHARED)[-1]
    assert nudges(digest) == ["our_late"]
    text = all_text(digest)
    assert "One of *our* promises has slipped" in text and "post a new date we can keep" in text
    assert "Tell them before they have to ask" not in text
    # Alice's own reply, which the partner doesn't see, asks her as before (shorter: just said).
    assert "Have we told them, with a new date we can keep?" in reply_text(
        slack.command("list", user=ALICE, channel=SHARED))


def test_a_digest_never_says_we_give_more_than_we_get_when_they_delivered_more(
        slack, bot, emulator, clock):
    """The trend counts promises; it must not read as 'we give more' while only they delivered."""
    schedule = bot.runtime.services.schedule
    slack.command("give pilot workspace by Dec 18", user=ALICE, channel=DEAL)
    slack.command("get intro to their CFO", user=ALICE, channel=DEAL)
    slack.command("get usage data", user=ALICE, channel=DEAL)
    slack.command("done 2", user=ALICE, channel=DEAL)
    slack.command("done 3", user=ALICE, channel=DEAL)
    schedule.sweep()  # plans Monday's weekly digest, whose snapshot the next one compares with
    clock.set(datetime(2026, 11, 30, 14, 0, tzinfo=UTC))
    schedule.sweep()
    assert len(posted(emulator, "digest:2026-W49", DEAL)) == 1
    for what in ("admin training", "data migration", "security pack"):
        slack.command(f"give {what} by Dec 18", user=ALICE, channel=DEAL)
    before = len(emulator.messages(DEAL))
    slack.command("digest now", user=ALICE, channel=DEAL)
    emulator.wait_for(lambda calls: len(emulator.messages(DEAL)) > before)
    text = all_text(emulator.messages(DEAL)[-1])
    assert "*We give:* 4 open · 0 kept" in text and "*We get:* 0 open · 2 kept" in text
    assert "giving more than we get" not in text
    assert "More one-sided than last week — we've promised more than we've asked of them" in text


def test_a_partnership_lost_after_its_signature_asks_what_came_after_it(slack, bot, emulator, clock):
    slack.command("give onboarding plan", user=ALICE, channel=DEAL)
    slack.command("done 1", user=ALICE, channel=DEAL)
    assert nudges(stage_post(slack, emulator, "Acme signed")) == ["stage_signed"]
    clock.advance(timedelta(days=120))
    post = stage_post(slack, emulator, "Acme lost")
    assert nudges(post) == ["stage_lost"] and coaching_paragraphs(post) == 1
    text = all_text(post)
    assert "after the signature" in text
    assert "Not every deal should close" not in text


def test_after_a_lost_deal_no_reminder_chases_their_side_but_ours_still_come(
        slack, bot, emulator, clock):
    """Reminders follow the coach: after a loss we keep our word, and stop chasing theirs."""
    schedule = bot.runtime.services.schedule
    slack.command("give pilot workspace by Wednesday", user=ALICE, channel=DEAL)
    slack.command("get intro to their CFO by Wednesday", user=ALICE, channel=DEAL)
    slack.command("deal Acme lost", user=ALICE, channel=DEAL)
    clock.set(datetime(2026, 11, 24, 14, tzinfo=UTC))  # the day before, 09:00 in New York
    schedule.sweep()
    clock.set(datetime(2026, 11, 26, 14, tzinfo=UTC))  # the day after: overdue
    schedule.sweep()
    texts = [all_text(dm) for dm in dms(emulator)]
    assert len(texts) == 2 and all("pilot workspace" in text for text in texts)
    assert not any("intro to their CFO" in text or "follow-up" in text for text in texts)


def test_the_post_reopening_a_lost_deal_says_they_came_back_and_the_next_one_does_not(
        slack, emulator, clock):
    slack.command("give pilot workspace", user=ALICE, channel=DEAL)
    stage_post(slack, emulator, "Acme proposal")
    stage_post(slack, emulator, "Acme lost")
    clock.advance(timedelta(days=20))
    back = all_text(stage_post(slack, emulator, "Acme negotiation"))
    assert "came back to the table" in back and "what changed for them" in back
    clock.advance(timedelta(days=2))
    later = all_text(stage_post(slack, emulator, "Acme signed"))
    assert "came back to the table" not in later
    first = all_text(stage_post(slack, emulator, "Globex qualified"))  # never lost
    assert "came back to the table" not in first
