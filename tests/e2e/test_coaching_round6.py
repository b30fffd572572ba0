"""Round six of coaching wisdom over signed HTTP: a promise of theirs dropped after its due date
gets one polite follow-up and keeps the follow-up ladder moving (unless the drop was agreed);
posts a Slack Connect partner reads speak to them, never about them; an opening question doesn't
ask for more when we've already offered far more than we asked; a lost deal names what we still
owe."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

from tests.conftest import ALICE, DEAL
from tests.e2e.helpers import all_text, coaching_paragraphs, nudges, reply_text, visible
from tests.e2e.test_coaching_round3 import DANA, SHARED
from tests.e2e.test_coaching_wisdom import nudge_of, stage_post
from tests.e2e.test_schedule import posted, sign

# Said to our own team about the partner: never in a post the partner reads.
INTERNAL_WORDS = ("chase", "tell them", "they'll remember", "thank them", "brave", "walk away",
                  "sponsor", "generous", "from them", "with them", "without an agreement")


def their_case_study_dropped_late(slack, clock, channel: str = DEAL) -> None:
    """We delivered our pilot; their case study, due Wed 25 Nov, is dropped on Fri 27 Nov."""
    slack.command("give pilot workspace", user=ALICE, channel=channel)
    slack.command("done 1", user=ALICE, channel=channel)
    slack.command("get case study by Nov 25", user=ALICE, channel=channel)
    clock.advance(timedelta(days=4))
    return slack.command("drop 2", user=ALICE, channel=channel)


def shared_channel(emulator) -> None:
    emulator.add_user(DANA, name="dana", real_name="Dana Lee", team_id="T0PARTNER")
    emulator.add_channel(SHARED, "shared-acme", members=[ALICE, DANA], is_ext_shared=True)


def digest_now(slack, emulator, channel: str = SHARED) -> dict:
    """`/partner digest now` and the digest it posts in the channel."""
    before = len(emulator.messages(channel))
    slack.command("digest now", user=ALICE, channel=channel)
    emulator.wait_for(lambda calls: len(emulator.messages(channel)) > before)
    return emulator.messages(channel)[-1]


def assert_speaks_to_the_partner(post: dict) -> None:
    text = all_text(visible(post)).lower()  # what Slack shows them, not block ids
    for words in INTERNAL_WORDS:
        assert words not in text, (words, text)


def test_their_promise_dropped_after_its_due_date_gets_one_polite_follow_up(slack, clock):
    """Fails on the old code: their broken promise got no advice of its own."""
    answer = their_case_study_dropped_late(slack, clock)
    assert nudge_of(answer) == "their_broken"
    text = reply_text(answer)
    assert "Something they promised, *#2* case study, was dropped after its due date" in text
    assert "whether it still matters to them" in text and "`/partner drop 2 agreed`" in text
    assert "was due Wed 25 Nov 2026 and dropped Fri 27 Nov 2026, 2 days after; they kept 0 so far." in text
    # Followed up once: the next reply moves on, and still counts it.
    later = slack.command("list", user=ALICE, channel=DEAL)
    assert nudge_of(later) != "their_broken"
    assert "1 of theirs broken (dropped after the due date)" in reply_text(later)


def test_their_broken_promise_keeps_the_follow_up_ladder_moving(slack, clock):
    """Fails on the old code: dropping their late promise silenced the ladder."""
    their_case_study_dropped_late(slack, clock)
    clock.set(datetime(2026, 12, 5, 15, 0, tzinfo=UTC))  # ten days after it was due
    answer = slack.command("list", user=ALICE, channel=DEAL)
    assert nudge_of(answer) == "brave_conversation"
    text = reply_text(answer)
    assert "1 of theirs broken (dropped after the due date), the oldest due 10 days ago; we kept 1." in text
    assert "0 of theirs overdue" not in text
    clock.set(datetime(2026, 12, 16, 15, 0, tzinfo=UTC))  # 21 days, the brave talk 11 days ago
    answer = slack.command("list", user=ALICE, channel=DEAL)
    assert nudge_of(answer) == "walk_away"
    assert "their oldest unkept promise was due 21 days ago, and dropped after it" in reply_text(answer)
    # A month after the drop it is history: no more walk-away, but what we need next is asked for.
    clock.set(datetime(2026, 12, 28, 15, 0, tzinfo=UTC))
    answer = slack.command("list", user=ALICE, channel=DEAL)
    assert nudge_of(answer) == "generous_opener"
    text = reply_text(answer)
    assert "Nothing is open on their side: what they promised was dropped after its date" in text


def test_their_late_promise_dropped_by_agreement_stops_the_ladder(slack, clock):
    """Fails on the old code: the plain drop got no follow-up of its own."""
    assert nudge_of(their_case_study_dropped_late(slack, clock)) == "their_broken"
    answer = slack.command("drop 2 agreed", user=ALICE, channel=DEAL)
    assert "Dropped by agreement *#2*" in reply_text(answer)
    assert nudge_of(answer) != "their_broken"
    clock.set(datetime(2026, 12, 8, 15, 0, tzinfo=UTC))  # thirteen days after its date
    answer = slack.command("list", user=ALICE, channel=DEAL)
    assert nudge_of(answer) not in ("brave_conversation", "walk_away", "their_broken")
    assert "broken" not in reply_text(answer)


def test_a_shared_channel_digest_after_their_broken_promise_asks_them_what_comes_next(slack, emulator, clock):
    """Fails on the old code: the digest called us generous and said nothing was expected of them."""
    shared_channel(emulator)
    their_case_study_dropped_late(slack, clock, channel=SHARED)
    post = digest_now(slack, emulator)
    assert nudges(post) == ["generous_opener"] and coaching_paragraphs(post) == 1
    text = all_text(post)
    assert "Nothing is open on your side right now. What would your team like to commit to next?" in text
    assert "1 of theirs broken (dropped after the due date)" in text
    assert "nothing is recorded yet of what we expect back" not in text
    assert_speaks_to_the_partner(post)


def test_their_broken_promise_escalates_in_private_where_the_partner_reads(slack, emulator, clock):
    """Fails on the old code: no advice on their side was due, so nothing was kept private."""
    shared_channel(emulator)
    their_case_study_dropped_late(slack, clock, channel=SHARED)
    clock.set(datetime(2026, 12, 5, 15, 0, tzinfo=UTC))
    post = digest_now(slack, emulator)
    assert nudges(post) == ["in_private"]
    text = all_text(post)
    assert "1 of theirs broken (dropped after the due date); coaching on it goes to our team only." in text
    assert_speaks_to_the_partner(post)
    # Our own team still gets the advice, in the reply only the person asking sees.
    assert nudge_of(slack.command("list", user=ALICE, channel=SHARED)) == "brave_conversation"


def test_an_opening_question_never_asks_for_more_when_we_already_offered_far_more(slack, emulator):
    """Fails on the old code: it asked "what are you giving to receive?" after four offers to one ask."""
    for what in ("pilot workspace", "onboarding plan", "admin training", "SSO setup"):
        slack.command(f"give {what}", user=ALICE, channel=DEAL)
    slack.command("get case study", user=ALICE, channel=DEAL)
    post = stage_post(slack, emulator, "Acme prospecting")
    assert nudges(post) == ["stage_opening"]
    text = all_text(post)
    assert "Before offering more: *what do we hope for in return*, and have we said so?" in text
    assert "giving to receive" not in text
    assert "So far we've offered 4 things and asked for 1." in text


def test_a_stage_post_the_partner_reads_speaks_to_both_teams(slack, emulator):
    """Fails on the old code: it spoke of "what we need from them" in front of them."""
    shared_channel(emulator)
    slack.command("give pilot workspace", user=ALICE, channel=SHARED)
    slack.command("get usage data", user=ALICE, channel=SHARED)
    before = len(emulator.messages(SHARED))
    slack.command("deal Acme negotiation", user=ALICE, channel=SHARED)
    emulator.wait_for(lambda calls: len(emulator.messages(SHARED)) > before)
    post = emulator.messages(SHARED)[-1]
    assert nudges(post) == ["stage_terms"]
    assert "what we commit to, and what we're asking of your team" in all_text(post)
    assert_speaks_to_the_partner(post)


def test_a_shared_channel_digest_when_we_only_give_asks_for_their_side_without_self_praise(
        slack, emulator, clock):
    """Fails on the old code: the partner read "Generous so far" about us."""
    shared_channel(emulator)
    slack.command("give pilot workspace", user=ALICE, channel=SHARED)
    slack.command("give admin training by Dec 18", user=ALICE, channel=SHARED)
    slack.command("done 1", user=ALICE, channel=SHARED)
    clock.advance(timedelta(days=8))
    post = digest_now(slack, emulator)
    assert nudges(post) == ["generous_opener"]
    assert "let's also write down what we're hoping for from your side" in all_text(post)
    assert_speaks_to_the_partner(post)


def test_a_shared_channel_digest_on_our_due_day_asks_the_owner_not_to_tell_them(slack, emulator, clock):
    """Fails on the old code: the partner read "tell them now if the date won't hold"."""
    shared_channel(emulator)
    slack.command("give pilot workspace by Nov 27", user=ALICE, channel=SHARED)
    slack.command("get usage data by Dec 18", user=ALICE, channel=SHARED)
    clock.advance(timedelta(days=4))  # Fri 27 Nov: ours is due today
    post = digest_now(slack, emulator)
    assert nudges(post) == ["on_track"]
    text = all_text(post)
    assert "one of ours is due today. Whoever owns it: close it today, or post a new date here" in text
    assert_speaks_to_the_partner(post)


def test_after_a_loss_the_close_out_names_what_we_still_owe(slack, emulator, clock):
    """Fails on the old code: it asked to settle open items without naming ours."""
    slack.command("give final usage report by Dec 10", user=ALICE, channel=DEAL)
    slack.command("get feedback survey", user=ALICE, channel=DEAL)
    stage_post(slack, emulator, "Acme lost")
    clock.advance(timedelta(days=1))
    answer = slack.command("list", user=ALICE, channel=DEAL)
    assert nudge_of(answer) == "close_out"
    text = reply_text(answer)
    assert "1 of ours and 1 of theirs still open after the deal was lost; " \
           "ours first: *#1* final usage report." in text


def test_a_digest_counts_the_promises_broken_this_week_that_its_coaching_names(slack, emulator, clock):
    """Fails on the old code: the week's summary showed nothing of a promise dropped late."""
    slack.command("give pilot workspace", user=ALICE, channel=DEAL)
    slack.command("done 1", user=ALICE, channel=DEAL)
    slack.command("get case study by Nov 25", user=ALICE, channel=DEAL)
    slack.command("give onboarding call by Nov 26", user=ALICE, channel=DEAL)
    clock.advance(timedelta(days=4))
    slack.command("drop 2", user=ALICE, channel=DEAL)  # theirs, two days after its date
    slack.command("drop 3", user=ALICE, channel=DEAL)  # ours, a day after its date
    post = digest_now(slack, emulator, channel=DEAL)
    text = all_text(post)
    assert ":bar_chart: *This week:* 1 made · 1 kept · 0 overdue · 2 dropped after the due date" in text
    assert "*We get* — 0 made · 0 kept · 0 overdue · 1 dropped after the due date" in text
    assert "_Dropped after the due date_\n• *#2* case study" in text
    assert "_Dropped after the due date_\n• *#3* onboarding call" in text
    # Ours was owned in the reply to its drop (theirs wasn't followed up: ours was late then), so
    # the digest's one piece of coaching follows up theirs, with the dates it shows above.
    assert nudges(post) == ["their_broken"] and coaching_paragraphs(post) == 1
    assert "*#2* case study (theirs) was due Wed 25 Nov 2026 and dropped Fri 27 Nov 2026" in text


BALANCE = re.compile(r"\*We give:\*[^\n]*\*We get:\*[^\n]*")


def test_the_home_tab_shows_the_same_balance_as_the_channel(slack, emulator, clock):
    """The App Home summary of a deal and the channel's own list never disagree, late and broken
    promises on both sides included."""
    for command in ("give pilot workspace", "give SSO setup by Nov 25", "give training by Nov 24",
                    "get usage data", "get case study by Nov 24", "get reference call by Dec 18",
                    "deal Acme negotiation"):
        slack.command(command, user=ALICE, channel=DEAL)
    slack.command("done 1", user=ALICE, channel=DEAL)
    slack.command("done 4", user=ALICE, channel=DEAL)
    clock.advance(timedelta(days=4))
    slack.command("drop 3", user=ALICE, channel=DEAL)  # ours, broken
    slack.command("drop 5", user=ALICE, channel=DEAL)  # theirs, broken
    channel_line = BALANCE.findall(reply_text(slack.command("list", user=ALICE, channel=DEAL)))
    slack.app_home_opened(ALICE)
    emulator.wait_for("views.publish")
    view = emulator.calls_to("views.publish")[-1].args["view"]
    home_line = BALANCE.findall(all_text(view))
    assert channel_line == home_line == ["*We give:* 1 open · 1 kept · 1 overdue   *We get:* 1 open · 1 kept"]


def test_a_check_in_lists_the_promises_broken_since_the_signature(slack, bot, emulator, clock):
    """Fails on the old code: the check-in didn't show their promise dropped after its date."""
    slack.command("give onboarding workshop by Dec 18", user=ALICE, channel=DEAL)
    slack.command("get kickoff attendee list by Nov 26", user=ALICE, channel=DEAL)
    sign(slack, bot)
    clock.set(datetime(2026, 11, 29, 15, 0, tzinfo=UTC))
    answer = slack.command("drop 2", user=ALICE, channel=DEAL)  # theirs, three days after its date
    assert nudge_of(answer) == "their_broken"
    clock.set(datetime(2026, 11, 30, 15, 0, tzinfo=UTC))  # the 7-day check-in
    bot.runtime.services.schedule.run_due()
    [checkin] = posted(emulator, "checkin:acme:7", DEAL)
    text = all_text(checkin)
    assert "*Dropped after the due date since the signature (1)*\n• *#2* kickoff attendee list" in text
    # Followed up once already: the check-in's coaching is our next promise.
    assert nudges(checkin) == ["follow_through"] and coaching_paragraphs(checkin) == 1
    assert "*#1* onboarding workshop" in text
