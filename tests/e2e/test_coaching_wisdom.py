"""The right advice at the right moment, over signed HTTP: a lost deal, a signature after a
stall, an item due today around midnight, several of our promises late at once."""

from __future__ import annotations

from datetime import timedelta

from tests.conftest import ALICE, BOB, DEAL
from tests.e2e.helpers import all_text, coaching_paragraphs, nudges, reply, reply_text


def nudge_of(response) -> str:
    [nudge] = nudges(reply(response))
    return nudge


def stage_post(slack, emulator, text: str) -> dict:
    """Move the deal and return the coaching post it makes in the channel."""
    before = len(emulator.messages(DEAL))
    slack.command(f"deal {text}", user=ALICE, channel=DEAL)
    emulator.wait_for(lambda calls: len(emulator.messages(DEAL)) > before)
    return emulator.messages(DEAL)[-1]


def their_stall(slack, clock, days: int) -> None:
    """We delivered; their intro was due Tue 24 Nov and nothing of theirs moves for ``days`` days."""
    slack.command("give pilot workspace", user=ALICE, channel=DEAL)
    slack.command("done 1", user=ALICE, channel=DEAL)
    slack.command("get intro to their CFO by Nov 24", user=ALICE, channel=DEAL)
    clock.advance(timedelta(days=days))


def test_a_lost_deal_gets_its_reflection_and_then_no_more_chasing(slack, emulator, clock):
    their_stall(slack, clock, 12)
    assert nudge_of(slack.command("list", user=ALICE, channel=DEAL)) == "brave_conversation"
    post = stage_post(slack, emulator, "Acme lost")
    assert nudges(post) == ["stage_lost"] and coaching_paragraphs(post) == 1
    assert "brave conversation" not in all_text(post).lower()
    answer = slack.command("list", user=ALICE, channel=DEAL)
    assert nudge_of(answer) == "close_out"
    text = reply_text(answer)
    assert "1 of theirs still open after the deal was lost" in text
    assert "follow-up" not in text and "walk away" not in text


def test_a_signature_after_their_stall_is_congratulated_and_restarts_the_clock(slack, emulator, clock):
    their_stall(slack, clock, 12)
    assert nudge_of(slack.command("list", user=ALICE, channel=DEAL)) == "brave_conversation"
    clock.advance(timedelta(days=10))  # 22 days late, the brave conversation 10 days ago
    post = stage_post(slack, emulator, "Acme signed")
    assert nudges(post) == ["stage_signed"]
    clock.advance(timedelta(days=1))
    answer = slack.command("list", user=ALICE, channel=DEAL)
    assert nudge_of(answer) == "follow_up"  # they just signed: a nudge, not the brave talk again
    clock.advance(timedelta(days=9))
    answer = slack.command("list", user=ALICE, channel=DEAL)
    assert nudge_of(answer) == "brave_conversation"
    assert "Nothing of theirs kept in 10 days since the signature (Tue 15 Dec 2026)" in reply_text(answer)


def test_an_item_due_today_where_the_user_is_needs_them_today_and_is_not_overdue(slack, clock):
    slack.command("give onboarding plan by Nov 24", user=ALICE, channel=DEAL)
    slack.command("get case study", user=ALICE, channel=DEAL)
    clock.advance(timedelta(hours=37))  # Wed 25 Nov 04:00 UTC: still Tue 24 Nov in Los Angeles
    answer = slack.command("list", user=BOB, channel=DEAL)
    assert nudge_of(answer) == "on_track"
    text = reply_text(answer)
    assert "one of ours is due today" in text
    assert "Nothing needs you" not in text and "overdue" not in text
    clock.advance(timedelta(hours=2))  # 01:00 on Wed 25 Nov in New York: a day late there
    answer = slack.command("list", user=ALICE, channel=DEAL)
    assert nudge_of(answer) == "our_late"
    assert "1 day overdue" in reply_text(answer) and "1 overdue" in reply_text(answer)


def test_several_late_promises_of_ours_are_owned_as_several(slack, clock):
    for what in ("SSO setup", "pricing sheet", "demo recording"):
        slack.command(f"give {what} by Nov 24", user=ALICE, channel=DEAL)
    slack.command("get case study", user=ALICE, channel=DEAL)
    clock.advance(timedelta(days=3))
    answer = slack.command("list", user=ALICE, channel=DEAL)
    assert nudge_of(answer) == "our_late"
    text = reply_text(answer)
    assert "3 of *our* promises have slipped" in text and "3 overdue" in text
    assert "One of" not in text and "and 2 more of ours late" in text


def test_the_digest_of_a_lost_deal_settles_what_is_open_instead_of_chasing(slack, bot, emulator, clock):
    their_stall(slack, clock, 5)
    stage_post(slack, emulator, "Acme lost")
    slack.command("digest now", user=ALICE, channel=DEAL)
    emulator.wait_for(lambda calls: any(
        "Weekly partnership digest" in all_text(m) for m in emulator.messages(DEAL)))
    bot.wait_idle()
    [digest] = [m for m in emulator.messages(DEAL) if "Weekly partnership digest" in all_text(m)]
    assert nudges(digest) == ["close_out"] and coaching_paragraphs(digest) == 1
    assert "follow-up" not in all_text(digest)


def test_a_lost_side_deal_does_not_end_the_coaching_of_the_signed_one(slack, emulator, clock):
    """Two deals in one channel: losing the expansion leaves the signed partnership coached."""
    stage_post(slack, emulator, "Acme signed")
    slack.command("give pilot workspace", user=ALICE, channel=DEAL)
    slack.command("done 1", user=ALICE, channel=DEAL)
    slack.command("get intro to their CFO by Nov 24", user=ALICE, channel=DEAL)
    clock.advance(timedelta(days=1))
    post = stage_post(slack, emulator, "Acme EU expansion lost")
    assert nudges(post) == ["stage_lost"]  # the post is about the deal that moved
    clock.advance(timedelta(days=3))  # their intro two days late
    answer = slack.command("list", user=ALICE, channel=DEAL)
    assert nudge_of(answer) == "follow_up"


def test_a_new_side_deal_does_not_make_the_coach_forget_a_signed_partnership(slack, emulator, clock):
    """Signed Acme, then an expansion opens: our open promise is still post-signature work."""
    slack.command("give onboarding workshop by Dec 10", user=ALICE, channel=DEAL)
    slack.command("get case study by Dec 20", user=ALICE, channel=DEAL)
    stage_post(slack, emulator, "Acme signed")
    clock.advance(timedelta(days=1))
    post = stage_post(slack, emulator, "Acme EU expansion prospecting")
    assert nudges(post) == ["stage_opening"]  # the post is about the deal that moved
    clock.advance(timedelta(days=1))
    answer = slack.command("list", user=ALICE, channel=DEAL)
    assert nudge_of(answer) == "follow_through"
    assert "since the signature on Mon 23 Nov 2026" in reply_text(answer)
