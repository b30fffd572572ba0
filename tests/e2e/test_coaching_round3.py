"""Round three of coaching wisdom over signed HTTP: a check-in that would speak of a signature
the deal no longer has, a ledger where every promise on both sides was kept, and advice about
the partner kept out of posts the partner reads (Slack Connect)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from tests.conftest import ALICE, DEAL
from tests.e2e.helpers import all_text, nudges, reply, reply_text
from tests.e2e.test_schedule import posted, sign

SHARED = "C0SHARED"  # a Slack Connect channel: the partner's people read what is posted here
DANA = "U0DANA"  # works at the partner, in their own Slack workspace


def test_a_deal_moved_back_from_signed_gets_no_post_signature_checkin(slack, bot, emulator, clock):
    schedule = bot.runtime.services.schedule
    slack.command("give pilot workspace by Friday", user=ALICE, channel=DEAL)
    slack.command("get case study by Dec 18", user=ALICE, channel=DEAL)
    sign(slack, bot)
    # The signature fell through: back to negotiation before the first check-in.
    slack.command("deal Acme negotiation", user=ALICE, channel=DEAL)
    clock.set(datetime(2026, 11, 30, 15, 0, tzinfo=UTC))  # the 7-day check-in's time
    schedule.run_due()
    assert posted(emulator, "checkin:", DEAL) == []
    # Signed again: its own check-ins come, counted from the new signature.
    sign(slack, bot)
    clock.set(datetime(2026, 12, 7, 15, 0, tzinfo=UTC))
    schedule.run_due()
    [checkin] = posted(emulator, "checkin:acme:7", DEAL)
    assert "It's been 7 days since *Acme* was signed (Mon 30 Nov 2026)" in all_text(checkin)


def test_everything_kept_on_both_sides_is_said_plainly(slack, clock):
    slack.command("give pilot workspace", user=ALICE, channel=DEAL)
    slack.command("get case study", user=ALICE, channel=DEAL)
    slack.command("done 1", user=ALICE, channel=DEAL)
    slack.command("done 2", user=ALICE, channel=DEAL)
    clock.advance(timedelta(days=4))
    answer = slack.command("list", user=ALICE, channel=DEAL)
    assert nudges(reply(answer)) == ["on_track"]
    text = reply_text(answer)
    assert "Every promise on both sides is kept" in text
    assert "keep your word on what's next" not in text
    assert "We promised 1 and kept 1; they promised 1 and kept 1." in text


def their_intro_late_in_a_shared_channel(slack, emulator, clock) -> None:
    """A Slack Connect channel with Dana of the partner: we delivered, their intro is 11 days late."""
    emulator.add_user(DANA, name="dana", real_name="Dana Lee", team_id="T0PARTNER")
    emulator.add_channel(SHARED, "shared-acme", members=[ALICE, DANA], is_ext_shared=True)
    slack.command("give pilot workspace", user=ALICE, channel=SHARED)
    slack.command("done 1", user=ALICE, channel=SHARED)
    slack.command("get intro to their CFO by Nov 24", user=ALICE, channel=SHARED)
    clock.advance(timedelta(days=12))


def test_a_channel_shared_with_the_partner_never_shows_them_our_advice_about_them(
        slack, emulator, clock):
    """Slack Connect: the digest is read by the partner; the follow-up on them stays with us."""
    their_intro_late_in_a_shared_channel(slack, emulator, clock)
    assert nudges(reply(slack.command("list", user=ALICE, channel=SHARED))) == ["brave_conversation"]
    before = len(emulator.messages(SHARED))
    slack.command("digest now", user=ALICE, channel=SHARED)
    emulator.wait_for(lambda calls: len(emulator.messages(SHARED)) > before)
    digest = emulator.messages(SHARED)[-1]
    text = all_text(digest)
    assert "intro to their CFO" in text  # the facts are shared with them: it's their plan too
    assert nudges(digest) == ["in_private"]
    for words in ("brave conversation", "stopped running both ways", "follow-up", "walk away"):
        assert words not in text.lower()
    assert "`/partner list`" in text
    # Our own reply, which only Alice sees, still carries the advice.
    assert nudges(reply(slack.command("list", user=ALICE, channel=SHARED))) == ["brave_conversation"]


def test_a_stage_post_in_a_shared_channel_asks_the_stage_question_not_about_their_delay(
        slack, emulator, clock):
    their_intro_late_in_a_shared_channel(slack, emulator, clock)
    before = len(emulator.messages(SHARED))
    slack.command("deal Acme negotiation", user=ALICE, channel=SHARED)
    emulator.wait_for(lambda calls: len(emulator.messages(SHARED)) > before)
    post = emulator.messages(SHARED)[-1]
    assert nudges(post) == ["stage_terms"]
    assert "brave conversation" not in all_text(post).lower()


def test_check_ins_of_a_deal_moved_back_are_not_announced_as_upcoming(slack, bot, emulator):
    sign(slack, bot)
    assert "7-day check-in" in reply_text(slack.command("checkins", user=ALICE, channel=DEAL))
    slack.command("deal Acme proposal", user=ALICE, channel=DEAL)
    assert "7-day check-in" not in reply_text(slack.command("checkins", user=ALICE, channel=DEAL))
    before = len(emulator.messages(DEAL))
    slack.command("digest now", user=ALICE, channel=DEAL)
    emulator.wait_for(lambda calls: len(emulator.messages(DEAL)) > before)
    assert "Upcoming check-ins" not in all_text(emulator.messages(DEAL)[-1])
    sign(slack, bot)  # signed again: they are coming after all
    assert "7-day check-in" in reply_text(slack.command("checkins", user=ALICE, channel=DEAL))


def test_a_lost_deal_in_a_shared_channel_thanks_both_sides_and_the_reflection_stays_ours(
        slack, emulator, clock):
    """The reflection on a lost deal ("was the exchange two-way?") is our team's: where the
    partner reads, the post thanks both teams, and whoever marked it lost gets the questions."""
    their_intro_late_in_a_shared_channel(slack, emulator, clock)
    before = len(emulator.messages(SHARED))
    answer = reply(slack.command("deal Acme lost", user=ALICE, channel=SHARED))
    emulator.wait_for(lambda calls: len(emulator.messages(SHARED)) > before)
    post = emulator.messages(SHARED)[-1]
    posted_text = all_text(post)
    assert nudges(post) == ["stage_lost"] and "Thanks to both teams" in posted_text
    for words in ("two-way", "reflection", "expectations early", "walk"):
        assert words not in posted_text.lower()
    assert nudges(answer) == ["stage_lost"]
    private = all_text(answer)
    assert "for you alone" in private and "two-way" in private


def test_a_lost_deal_in_our_own_channel_posts_the_reflection_there(slack, emulator):
    slack.command("give pilot workspace", user=ALICE, channel=DEAL)
    answer = reply(slack.command("deal Acme lost", user=ALICE, channel=DEAL))
    [post] = emulator.wait_for_count("chat.postMessage", 1)
    assert "two-way" in all_text(post.args) and "Thanks to both teams" not in all_text(post.args)
    assert nudges(answer) == [] and "for you alone" not in all_text(answer)
