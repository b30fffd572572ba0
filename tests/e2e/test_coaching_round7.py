"""Round seven of coaching wisdom over signed HTTP: a deal re-read over weeks. A second promise
slipping after the first was owned is said in full, not "still late"; a partner who delivered far
more than we did is thanked and gets our next move, never another ask or the brave conversation;
the due day after a signature is named; the "what's in it for them" question rests after three
unanswered asks; a date moved by agreement settles the slip."""

from __future__ import annotations

from datetime import timedelta

from tests.conftest import ALICE, BOB, DEAL
from tests.e2e.helpers import all_text, reply_text, visible
from tests.e2e.test_coaching_round3 import SHARED
from tests.e2e.test_coaching_round6 import assert_speaks_to_the_partner, digest_now, shared_channel
from tests.e2e.test_coaching_wisdom import nudge_of, stage_post


def they_delivered(slack, count: int, channel: str = DEAL) -> None:
    """``count`` promises of theirs, each logged and kept at once."""
    for n in range(count):
        slack.command(f"get intro number {n + 1}", user=ALICE, channel=channel)
        slack.command(f"done {n + 1}", user=ALICE, channel=channel)


def test_a_second_slip_after_the_first_was_owned_is_said_in_full(slack, clock):
    """Fails on the old code: Bob's new slip was answered "Still late on our side"."""
    slack.command("give SSO config by Nov 25", user=ALICE, channel=DEAL)
    slack.command("give training plan by Nov 27", user=BOB, channel=DEAL)
    slack.command("get admin list by Dec 10", user=ALICE, channel=DEAL)
    clock.advance(timedelta(days=3))  # Thu 26 Nov: the SSO config is a day late
    first = slack.command("list", user=ALICE, channel=DEAL)
    assert nudge_of(first) == "our_late" and "SSO config" in reply_text(first)
    clock.advance(timedelta(days=2))  # Sat 28 Nov: Bob's training plan slipped too, since
    answer = slack.command("list", user=BOB, channel=DEAL)
    assert nudge_of(answer) == "our_late"
    text = reply_text(answer)
    assert "2 of *our* promises have slipped" in text and "Still late" not in text
    # Asked again the next day with nothing new slipped: now the short form is right.
    clock.advance(timedelta(days=1))
    assert "Still late on our side" in reply_text(slack.command("list", user=BOB, channel=DEAL))


def test_a_partner_who_delivered_far_more_is_followed_up_kindly_never_the_brave_talk(slack, clock):
    """Fails on the old code: ten days after one of theirs fell due, the brave conversation."""
    slack.command("give kickoff deck", user=ALICE, channel=DEAL)
    slack.command("done 1", user=ALICE, channel=DEAL)
    for n in range(3):
        slack.command(f"get reference {n + 1}", user=ALICE, channel=DEAL)
        slack.command(f"done {n + 2}", user=ALICE, channel=DEAL)
    slack.command("get logo files by Nov 24", user=ALICE, channel=DEAL)
    clock.advance(timedelta(days=11))  # Fri 4 Dec: the logo files are ten days late
    answer = slack.command("list", user=ALICE, channel=DEAL)
    assert nudge_of(answer) == "follow_up"
    assert "brave" not in reply_text(answer).lower()
    clock.advance(timedelta(days=14))  # three weeks and more: still no walk-away
    answer = slack.command("list", user=ALICE, channel=DEAL)
    assert nudge_of(answer) == "follow_up" and "walk away" not in reply_text(answer)


def test_they_delivered_and_we_offered_nothing_asks_us_to_return_the_favour(slack, clock):
    """Fails on the old code: "Every line here is something we want from them", about lines
    they had already delivered."""
    they_delivered(slack, 2)
    clock.advance(timedelta(days=4))  # the first replies asked already; this is the next reading
    answer = slack.command("list", user=ALICE, channel=DEAL)
    assert nudge_of(answer) == "asking_without_giving"
    text = reply_text(answer)
    assert "They've already delivered 2 things" in text and "Return the favour" in text
    assert "We've asked for 2 things and offered nothing yet; they delivered 2." in text
    assert "something we want from them" not in text


def test_when_they_delivered_far_more_the_next_move_is_ours_not_another_ask(slack, clock):
    """Fails on the old code: "what we hope for back" after they delivered four to our one."""
    slack.command("give kickoff deck", user=ALICE, channel=DEAL)
    slack.command("done 1", user=ALICE, channel=DEAL)
    for n in range(4):
        slack.command(f"get reference {n + 1}", user=ALICE, channel=DEAL)
        slack.command(f"done {n + 2}", user=ALICE, channel=DEAL)
    clock.advance(timedelta(days=8))  # the kept promises are no longer news
    answer = slack.command("list", user=ALICE, channel=DEAL)
    assert nudge_of(answer) == "on_track"
    text = reply_text(answer)
    assert "they've delivered 4 to our 1. The next move is ours" in text
    assert "hope for back" not in text


def test_a_shared_digest_thanks_a_partner_who_delivered_far_more(slack, emulator, clock):
    """Fails on the old code: the digest asked them, in front of them, what we hope for back."""
    shared_channel(emulator)
    slack.command("give kickoff deck", user=ALICE, channel=SHARED)
    slack.command("done 1", user=ALICE, channel=SHARED)
    for n in range(3):
        slack.command(f"get reference {n + 1}", user=ALICE, channel=SHARED)
        slack.command(f"done {n + 2}", user=ALICE, channel=SHARED)
    clock.advance(timedelta(days=8))
    post = digest_now(slack, emulator)
    text = all_text(visible(post))
    assert "Thank you for the 3 things your team has delivered: the next move is ours" in text
    assert "hope for back" not in text
    assert_speaks_to_the_partner(post)


def test_the_due_day_after_a_signature_is_named(slack, emulator, clock):
    """Fails on the old code: on the due day the reply said "pick our next open promise"."""
    slack.command("give onboarding plan by Dec 1", user=ALICE, channel=DEAL)
    slack.command("get usage data by Dec 15", user=ALICE, channel=DEAL)
    stage_post(slack, emulator, "Acme signed")
    slack.command("list", user=ALICE, channel=DEAL)  # follow-through, the day of signing
    clock.advance(timedelta(days=8))  # Tue 1 Dec: the onboarding plan is due today
    answer = slack.command("list", user=ALICE, channel=DEAL)
    assert nudge_of(answer) == "on_track"
    text = reply_text(answer)
    assert "one of ours is due today" in text and "overdue" not in text


def test_the_wiift_question_rests_after_three_unanswered_asks(slack, clock):
    """Fails on the old code: asked every week, for as long as nobody answered."""
    asked = [nudge_of(slack.command(text, user=ALICE, channel=DEAL)) for text in (
        "give pilot workspace by Mar 1", "give admin training by Mar 2", "get go-live date by Mar 3")]
    for _ in range(4):
        clock.advance(timedelta(days=7))
        asked.append(nudge_of(slack.command("list", user=ALICE, channel=DEAL)))
    assert asked.count("wiift") == 3, asked
    assert asked[-2:] == ["on_track", "on_track"], asked
    # A new give is new news: the question may come back for it.
    slack.command("give launch webinar by Mar 4", user=ALICE, channel=DEAL)
    clock.advance(timedelta(days=7))
    assert nudge_of(slack.command("list", user=ALICE, channel=DEAL)) == "wiift"


def test_the_opening_question_after_they_delivered_far_more_asks_what_we_give_back(slack, emulator):
    """Fails on the old code: its last question was "What do we expect back"."""
    slack.command("give kickoff deck", user=ALICE, channel=DEAL)
    slack.command("done 1", user=ALICE, channel=DEAL)
    for n in range(3):
        slack.command(f"get reference {n + 1}", user=ALICE, channel=DEAL)
        slack.command(f"done {n + 2}", user=ALICE, channel=DEAL)
    text = all_text(stage_post(slack, emulator, "Acme qualified"))
    assert "They've already delivered 3: what do we give back?" in text
    assert "What do we expect back" not in text


def test_a_date_moved_by_agreement_settles_our_slip(slack, clock):
    slack.command("give security questionnaire by Nov 25", user=ALICE, channel=DEAL)
    slack.command("get pilot data by Dec 10", user=ALICE, channel=DEAL)
    clock.advance(timedelta(days=3))
    assert nudge_of(slack.command("list", user=ALICE, channel=DEAL)) == "our_late"
    slack.command("edit 1 by Dec 4", user=ALICE, channel=DEAL)
    answer = slack.command("list", user=ALICE, channel=DEAL)
    assert nudge_of(answer) != "our_late"
    assert "overdue" not in reply_text(answer) and "slipped" not in reply_text(answer)
