"""Round six: fresh deal situations, each with the advice a wise sales coach gives.

As in the earlier rounds, the expected advice of every scenario (the nudge, the words it must
say and those it must never say) was written down before the scenario was first run through
the real model (``assess``) and the real templates. New here: promises *they* broke (one of
theirs dropped after its due date without their agreement), which now move the follow-up
ladder; stage jumps (skipped, backwards, reopened straight into a signature, a renewal the day
after signing); ledgers lopsided both ways; everything dropped by agreement; big ledgers with
broken promises in them; and posts a Slack Connect partner reads, checked for the words a
coach says only to our own team.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime

import pytest

from bot.domain.coaching import DealState, assess
from bot.domain.stages import Stage
from bot.domain.timezones import local_date
from tests.domain.test_coaching_scenarios_fresh import (
    LA_EVENING,
    LA_TODAY,
    Scenario,
    ago,
    check_advice,
    deal,
    get,
    give,
    render,
)
from tests.domain.test_coaching_scenarios_round4 import TIPS_GIVEN
from tests.domain.test_coaching_scenarios_round5 import agreed, back_to, renewing

# Words a coach says to our own team about the partner, never in a post the partner reads.
INTERNAL_WORDS = ("chase", "tell them", "they'll remember", "thank them", "brave", "walk away",
                  "sponsor", "generous", "from them", "with them", "behind their back", "pitch",
                  "before it helps us", "their boss")


def signed_after(previous: Stage, days: float = 0, reopened: bool = False) -> DealState:
    """A deal signed ``days`` ago straight from ``previous`` (a skipped stage, or back from lost)."""
    return DealState("Acme", Stage.SIGNED, ago(days), signed_at=ago(days), previous=previous,
                     reopened_at=ago(days) if reopened else None)


def lost_after_signature(days: float, previous: Stage = Stage.SIGNED) -> DealState:
    """A partnership lost ``days`` ago, after it had been signed."""
    return DealState("Acme", Stage.LOST, ago(days), was_signed=True, previous=previous)


SCENARIOS = [
    # --- stage jumps: skipped, backwards, reopened, renewal, lost after signing
    Scenario("prospecting straight to signed: congratulate, and name our open promise",
             [give("pilot workspace", due=-10), get(due=-12)], "stage_signed",
             says=("1 of our promises is still open",), never=("renew",),
             deal=signed_after(Stage.PROSPECTING), stage_changed=True),
    Scenario("churned at the renewal while one of ours is overdue: the reflection names it",
             [give("QBR deck", due=5), give(kept=100), get(kept=90)], "stage_lost",
             says=("We kept 1 of 2, 1 of ours overdue", "after the signature"),
             deal=lost_after_signature(0, Stage.RENEWAL), stage_changed=True),
    Scenario("lost a week after signing, our data export still open: settle it, don't chase",
             [give("data export for them", due=-3), get(kept=20)], "close_out",
             says=("1 of ours",), never=("follow-up", "brave"),
             deal=lost_after_signature(7), given={"stage_lost": [ago(7)]}),
    Scenario("moved back from negotiation to qualified: the opening question knows what was asked",
             [give(kept=5), get(due=-5)], "stage_opening",
             says=("So far we've offered 1 thing and asked for 1.",), never=("Congratulations",),
             deal=back_to(Stage.QUALIFIED, 0), stage_changed=True),
    Scenario("lost, then straight back into negotiation today: they came back to the table",
             [give(kept=5), get(due=-5)], "stage_terms", says=("came back to the table",),
             deal=DealState("Acme", Stage.NEGOTIATION, ago(0), reopened_at=ago(0), previous=Stage.LOST),
             stage_changed=True),
    Scenario("lost, then signed outright today: the came-back line, then the congratulation",
             [give("onboarding", due=-5), get(kept=40)], "stage_signed",
             says=("came back to the table", "1 of our promises is still open"),
             deal=signed_after(Stage.LOST, reopened=True), stage_changed=True),
    Scenario("up for renewal the day after signing: the renewal question, counted since yesterday",
             [give("kickoff", due=-5), get(kept=20)], "stage_renewal",
             says=("1 of ours open",), never=("Congratulations",),
             deal=renewing(0, signed=1), stage_changed=True),
    Scenario("qualified post with one kept on each side: the counts include what was kept",
             [give(kept=3), get(kept=2)], "stage_opening",
             says=("So far we've offered 1 thing and asked for 1.",), deal=deal(Stage.QUALIFIED, 0),
             stage_changed=True),
    Scenario("proposal post the day after our slip was owned: still owned, in the short form",
             [give("ROI model", due=2), get(due=-5)], "our_late", says=("Still late on our side",),
             deal=deal(Stage.PROPOSAL, 0), stage_changed=True, given={"our_late": [ago(1)]}, repeat=True),
    Scenario("signing post the day after they broke a promise: congratulate, no chasing today",
             [give(kept=5), get("logo approval", due=8, dropped=1)], "stage_signed",
             never=("follow up", "brave"), deal=deal(Stage.SIGNED, 0), stage_changed=True),
    Scenario("renewal post after they broke a promise last month: the count says so",
             [give(kept=100), get("usage review", due=40, dropped=30), get(kept=50)], "stage_renewal",
             says=("1 of theirs broken",), deal=renewing(0), stage_changed=True),
    Scenario("empty ledger in prospecting: start by giving",
             [], "empty", says=("giving to receive",), deal=deal(Stage.PROSPECTING, 5)),
    Scenario("empty ledger at the proposal post: nothing offered or asked yet",
             [], "stage_terms", says=("Nothing offered or asked yet.",), deal=deal(Stage.PROPOSAL, 0),
             stage_changed=True),
    Scenario("empty ledger a month after a reopening: start by giving",
             [], "empty", says=("giving to receive",),
             deal=DealState("Acme", Stage.NEGOTIATION, ago(30), reopened_at=ago(30))),
    Scenario("prospecting post when we've offered eight and asked one: ask what we hope for back, "
             "never what more we'll give",
             [*[give(due=-10 - n) for n in range(8)], get(due=-20)], "stage_opening",
             says=("What do we expect back",), never=("giving to receive", "What can we offer"),
             deal=deal(Stage.PROSPECTING, 0), stage_changed=True),
    # --- lopsided ledgers, both ways
    Scenario("twelve of ours kept, nothing asked, at proposal: say what we hope for",
             [give(kept=10 + n) for n in range(12)], "generous_opener",
             says=("Generous so far", "We've offered 12 things"), never=("A generous start",),
             deal=deal(Stage.PROPOSAL, 20), benefit=ago(0)),
    Scenario("five asks, two delivered, nothing offered: give first",
             [get(kept=9), get(kept=10), get(), get(), get()], "asking_without_giving",
             says=("asked for 5 things and offered nothing yet",)),
    Scenario("balanced, and everything on both sides overdue: own ours first",
             [give(due=3), give(due=2), get(due=4), get(due=3)], "our_late",
             says=("2 of *our* promises have slipped", "and 1 more of ours late"), never=("follow-up",)),
    Scenario("everything of ours kept, both of theirs five days late: one friendly follow-up",
             [give(kept=10), give(kept=9), get(due=5), get(due=5)], "follow_up",
             says=("2 things they promised are late",), never=("brave",)),
    Scenario("ten of ours open against one ask: never suggest giving more",
             [*[give(due=-5) for _ in range(10)], get(due=-7)], "on_track",
             never=("giving to receive", "Offer one"), benefit=ago(0), given=TIPS_GIVEN),
    Scenario("eight asks open against one of ours: never call us generous",
             [give(due=-5), *[get(due=-3) for _ in range(8)]], "on_track", never=("generous",),
             benefit=ago(0), given=TIPS_GIVEN),
    # --- their broken promises (dropped after the due date, not by agreement)
    Scenario("we only give now, because their one promise was dropped late: follow it up, never "
             "'nothing recorded of what we expect'",
             [give(kept=5), give(due=-5), get("intro to their CTO", due=4, dropped=1)], "their_broken",
             says=("intro to their CTO",), never=("nothing is recorded yet of what we expect back",)),
    Scenario("their only promise broken and already followed up: say what we hope for next, "
             "counting the broken one",
             [give(kept=5), give(due=-5), get("intro to their CTO", due=4, dropped=1)], "generous_opener",
             says=("1 of theirs broken",), never=("nothing is recorded yet of what we expect back",),
             # First run: mis-specified (the tips log said the opener was given yesterday); now only
             # the follow-up is logged.
             benefit=ago(0), given={"their_broken": [ago(0.5)]}),
    Scenario("their case study dropped yesterday, two days after its date: a kind follow-up",
             [give(kept=5), get("case study", due=3, dropped=1), get(due=-10)], "their_broken",
             says=("case study", "/partner drop"), never=("chase", "accus")),
    Scenario("their broken promise followed up yesterday: not said again, the small print counts it",
             [give(kept=5), get("case study", due=3, dropped=1), get(due=-10)], "on_track",
             says=("1 of theirs broken",), benefit=ago(0),
             given={"their_broken": [ago(1)], **TIPS_GIVEN}),
    Scenario("their broken promise twelve days past its date, nothing of theirs since: the brave talk",
             [give(kept=20), get("security review", due=12, dropped=6), get(due=-10)], "brave_conversation",
             says=("1 of theirs broken",), never=("0 of theirs overdue",), benefit=ago(0),
             given=TIPS_GIVEN),
    Scenario("the same promise dropped by agreement: the ladder stays calm",
             [give(kept=20), agreed(get("security review", due=12, dropped=6)), get(due=-10)], "on_track",
             never=("brave", "broken"), benefit=ago(0), given=TIPS_GIVEN),
    Scenario("their broken promise, but they delivered something else two days ago: no brave talk",
             [give(kept=20), get(due=14, dropped=8), get("data export", kept=2)], "on_track",
             says=("1 of theirs broken",), never=("brave",), benefit=ago(0),
             given={**TIPS_GIVEN, "celebrate_kept": [ago(1)]}),
    Scenario("their sign-off broken 25 days ago, brave talk eight days ago, nothing since: walk-away",
             [give(kept=30), get("pilot sign-off", due=25, dropped=15)], "walk_away",
             says=("walk away",), never=("days overdue",), deal=deal(Stage.NEGOTIATION, 60),
             given={"brave_conversation": [ago(8)]}),
    Scenario("signed, their sponsor intro broken 35 days ago, brave talk 15 days ago: escalate",
             [give(kept=40), get("exec sponsor intro", due=35, dropped=20)], "escalate",
             says=("sponsor",), never=("walk away", "days overdue"), deal=deal(Stage.SIGNED, 60),
             given={"brave_conversation": [ago(15)]}),
    Scenario("their promise broken forty days ago: history now, not a stall",
             [give(kept=50), get(due=45, dropped=40), get(due=-5)], "on_track",
             says=("1 of theirs broken",), never=("brave",), benefit=ago(0), given=TIPS_GIVEN),
    Scenario("two of theirs broken this week: followed up together",
             [give(kept=10), get("logo use", due=5, dropped=2), get("quote", due=4, dropped=1), get(due=-3)],
             "their_broken", says=("2 of their promises",)),
    Scenario("their promise broken while ours is late: own ours first",
             [give("SOW draft", due=2), get(due=5, dropped=1)], "our_late", says=("SOW draft",)),
    Scenario("ours and theirs broken the same morning: own ours first",
             [give("pricing", due=4, dropped=0.5), get(due=4, dropped=0.5)], "own_broken",
             says=("pricing",)),
    Scenario("their reference broken and we have delivered nothing: a kind follow-up, no brave talk",
             [give(due=-3), get("reference call", due=12, dropped=3)], "their_broken",
             says=("reference call",), never=("brave",)),
    Scenario("their promise broken after the deal was lost: nothing to chase",
             [give(kept=10), get(due=5, dropped=1)], "quiet", never=("follow",),
             deal=deal(Stage.LOST, 3), given={"stage_lost": [ago(3)]}),
    Scenario("their undated promise dropped: withdrawn, not broken",
             [give(kept=10), get("intro", dropped=1), get(due=-5)], "on_track", never=("broken",),
             benefit=ago(0), given=TIPS_GIVEN),
    Scenario("their promise dropped on its due day: dropped in time, not broken",
             [give(kept=10), get(due=1, dropped=1), get(due=-5)], "on_track", never=("broken",),
             benefit=ago(0), given=TIPS_GIVEN),
    Scenario("their promise broken exactly a week ago: no longer news, still counted",
             [give(kept=20), get(due=9, dropped=7), get(due=-5)], "on_track", says=("1 of theirs broken",),
             benefit=ago(0), given=TIPS_GIVEN),
    Scenario("their promise broken six days and some hours ago: still news",
             [give(kept=20), get("security review", due=9, dropped=6.9), get(due=-5)], "their_broken",
             says=("security review",)),
    Scenario("a broken promise of theirs dropped 29 days ago still counts in their silence",
             [give(kept=60), get(due=35, dropped=29.5), get(due=-5)], "brave_conversation",
             benefit=ago(0), given=TIPS_GIVEN),
    Scenario("a broken promise of theirs dropped 30 days ago no longer counts in their silence",
             [give(kept=60), get(due=35, dropped=30), get(due=-5)], "on_track", never=("brave",),
             benefit=ago(0), given=TIPS_GIVEN),
    # --- ours late and broken
    Scenario("ours kept late yesterday while another of ours is late: own the late one first",
             [give("deck", due=3, kept=1), give("SSO", due=2), get(due=-5)], "our_late",
             says=("SSO",), never=("A promise kept",)),
    # --- drops by agreement
    Scenario("everything on both sides dropped by agreement: a clean slate",
             [agreed(give(due=5, dropped=2)), agreed(get(due=5, dropped=2))], "empty",
             says=("2 dropped",), never=("broken",)),
    Scenario("all of ours dropped by agreement, theirs still open: we're only asking now",
             [agreed(give(due=5, dropped=2)), get(due=-5)], "asking_without_giving",
             says=("offered nothing yet",), never=("broken",)),
    # --- big ledgers
    Scenario("a hundred and fifty kept on each side and one of theirs broken yesterday: follow it up",
             [*[give(kept=10 + n % 20) for n in range(150)], *[get(kept=10 + n % 20) for n in range(150)],
              get("renewal forecast", due=3, dropped=1)], "their_broken", says=("renewal forecast",)),
    # First run: expected "on track", but with nothing of theirs open the tip is to say what we
    # need next; it said "nothing is recorded yet of what we expect back", which was false.
    Scenario("a hundred and twenty of theirs broken long ago, nothing open: never 'every promise kept'",
             [give(kept=50), *[get(due=60 + n % 10, dropped=45) for n in range(120)]], "generous_opener",
             says=("120 of theirs broken",),
             never=("Every promise on both sides is kept", "nothing is recorded"),
             benefit=ago(0)),
    Scenario("two hundred of ours open and three late: own all three, counts right",
             [*[give(due=-5 - n % 30) for n in range(197)], give(due=3), give(due=2), give(due=1),
              get(due=-5)],
             "our_late", says=("3 of *our* promises have slipped", "and 2 more of ours late")),
    Scenario("fifty of ours kept, their one open item eleven days late: the brave talk, exact counts",
             [*[give(kept=20 + n % 5) for n in range(50)], get("signed DPA", due=11),
              *[give(due=-10) for _ in range(60)]], "brave_conversation", says=("we kept 50",)),
    # --- repetition
    Scenario("WIIFT asked six days ago, three gives since: not yet again",
             [give(made=5), give(made=4), give(made=3), get(due=-5)], "on_track",
             never=("What's in it for",), given={"wiift": [ago(6)]}),
    Scenario("on track said two days ago and nothing new: quiet",
             [give(due=-5), get(due=-5)], "quiet", benefit=ago(0), given={"on_track": [ago(2)]}),
    Scenario("on track said three days ago: said again",
             [give(due=-5), get(due=-5)], "on_track", benefit=ago(0), given={"on_track": [ago(3)]}),
    Scenario("follow-up said yesterday: the short form",
             [give(kept=10), get("MSA", due=4)], "follow_up", says=("Still waiting on them",),
             given={"follow_up": [ago(1)]}, repeat=True),
    Scenario("their broken promise followed up two days ago, then a second one broken: news again",
             [give(kept=10), get("logo use", due=8, dropped=3), get("quote", due=3, dropped=1)],
             "their_broken", says=("quote",), never=("2 of their promises",),
             given={"their_broken": [ago(2)]}),
    # --- time edges
    Scenario("theirs past due in UTC but due yesterday in Los Angeles: not a follow-up yet",
             [give(kept=20, today=LA_TODAY), get(due=1, today=LA_TODAY)], "on_track",
             says=("1 of theirs just past due",), never=("late",),
             now=LA_EVENING, today=LA_TODAY, benefit=ago(1), given=TIPS_GIVEN),
    Scenario("dates a year and more ahead on both sides: on track, nothing due today",
             [give(due=-400), get(due=-500)], "on_track", never=("overdue", "due today"), benefit=ago(0)),
]

# A second batch, written (expectations first) after the first was fixed.
NY_LATE = datetime(2026, 12, 15, 4, 30, tzinfo=UTC)  # 23:30 on Mon 14 Dec in New York
NY_TODAY = local_date(NY_LATE, "America/New_York")
TOKYO_EARLY = datetime(2026, 12, 14, 15, 30, tzinfo=UTC)  # 00:30 on Tue 15 Dec in Tokyo
TOKYO_TODAY = local_date(TOKYO_EARLY, "Asia/Tokyo")

SCENARIOS += [
    Scenario("prospecting post, two offered and one asked: exactly twice, so ask what we hope for",
             [give(due=-10), give(due=-11), get(due=-12)], "stage_opening",
             never=("giving to receive",), deal=deal(Stage.PROSPECTING, 0), stage_changed=True),
    Scenario("prospecting post, three offered and two asked: not twice, the usual question",
             [give(due=-10), give(due=-11), give(due=-9), get(due=-12), get(due=-13)], "stage_opening",
             says=("Before we ask them for more",), deal=deal(Stage.PROSPECTING, 0), stage_changed=True),
    Scenario("signed three days ago after their promise broke before it: the signature restarts the clock",
             [give("onboarding", due=-5), give(kept=25), get("security review", due=20, dropped=10)],
             "follow_through", never=("brave",), deal=deal(Stage.SIGNED, 3), benefit=ago(0)),
    Scenario("negotiation post the day after they broke a promise: the terms question first",
             [give(kept=5), get("pricing feedback", due=4, dropped=1), get(due=-5)], "stage_terms",
             deal=deal(Stage.NEGOTIATION, 0), stage_changed=True),
    Scenario("the day after that post: the broken promise is still followed up, once",
             [give(kept=5), get("pricing feedback", due=4, dropped=1.5), get(due=-5)], "their_broken",
             says=("pricing feedback",), deal=deal(Stage.NEGOTIATION, 1),
             given={"stage_terms": [ago(1)]}),
    Scenario("in renewal, their usage review dropped three days late: a kind follow-up",
             [give(kept=100), get("usage review", due=5, dropped=2), get(kept=50)], "their_broken",
             says=("usage review",), deal=renewing(10)),
    Scenario("their promise broken yesterday, one of theirs open and five days late: the follow-up "
             "on the open one comes first",
             [give(kept=10), get("logo use", due=3, dropped=1), get("MSA redlines", due=5)], "follow_up",
             says=("MSA redlines",)),
    Scenario("they broke one and we have only asked: give first, and the broken one is news",
             [get("case study", due=4, dropped=1), get(due=-5)], "their_broken", says=("case study",)),
    Scenario("ours due today at 23:30 in New York: still due today, not late",
             [give("SOW", due=0, today=NY_TODAY), get(due=-5, today=NY_TODAY)], "on_track",
             says=("one of ours is due today",), never=("slipped", "overdue"),
             now=NY_LATE, today=NY_TODAY, benefit=ago(0)),
    Scenario("ours due Monday, half past midnight on Tuesday in Tokyo: one day late there",
             [give("SOW", due=1, today=TOKYO_TODAY), get(due=-5, today=TOKYO_TODAY)], "our_late",
             says=("1 day overdue",), now=TOKYO_EARLY, today=TOKYO_TODAY),
    Scenario("dates ten years ahead: on track, nothing to agree",
             [give(due=-3650), get(due=-3650)], "on_track", never=("date", "overdue"), benefit=ago(0)),
    Scenario("their promise broken and followed up, then they deliver another: celebrate them",
             [give(kept=20), get(due=6, dropped=4), get("usage data", kept=0.5)], "celebrate_kept",
             says=("usage data",), never=("brave",), given={"their_broken": [ago(4)]}),
]

# Posts the partner's people read (a Slack Connect channel: digest, check-in, stage post).
PARTNER_READS = [
    Scenario("a shared channel's digest after their broken promise: asked kindly, no blame",
             [give(kept=5), get("case study", due=3, dropped=1)], "their_broken",
             says=("case study",), never=("broke", "didn't deliver", "without their word")),
    Scenario("a shared channel, their broken promise twelve days past due: the brave talk stays private",
             [give(kept=20), get(due=12, dropped=6)], "in_private", never=("0 of theirs overdue",),
             given={"their_broken": [ago(5)]}),
    Scenario("a shared channel's digest when we only give: no self-praise in front of them",
             [give(kept=5), give(due=-3)], "generous_opener", says=("/partner get",), benefit=ago(0)),
    Scenario("a shared channel, everything kept on both sides: said to both",
             [give(kept=20), get(kept=15)], "on_track", says=("Every promise on both sides is kept",),
             benefit=ago(0)),
    Scenario("a shared channel, theirs a day past due: on track, no pointing at them",
             [give(due=-3), get(due=1)], "on_track", benefit=ago(0), given=TIPS_GIVEN),
    Scenario("a shared channel, promises undated for seven weeks: agree dates together",
             [give("integration plan", made=50), get(made=49)], "set_dates", says=("date",),
             benefit=ago(0)),
    Scenario("a shared channel after a loss, ours still open: settle it in the open",
             [give("final report", due=-3), get(kept=20)], "close_out", says=("final report",),
             deal=deal(Stage.LOST, 5), given={"stage_lost": [ago(5)]}),
    Scenario("a shared channel, our broken promise and theirs: ours owned first, in the open",
             [give("pricing", due=4, dropped=0.5), get(due=4, dropped=0.5)], "own_broken",
             says=("pricing",)),
    # second batch, expectations first
    Scenario("a shared channel, they delivered yesterday: thanked directly, not talked about",
             [give(kept=20), get("usage data", kept=1)], "celebrate_kept", says=("thank you",),
             never=("They delivered",), benefit=ago(0)),
    Scenario("a shared channel, signed and nothing written down: ask both teams to list it",
             [], "empty", says=("/partner give",), never=("promised them",), deal=deal(Stage.SIGNED, 20)),
    Scenario("a shared channel asking what's in it for them: asked of them, in their words",
             [give(made=5), give(made=4), get(due=-5)], "wiift", never=("for *them*", "their words")),
    Scenario("a shared channel's check-in after their promise broke: ours next, nothing about theirs",
             [give("admin training", due=-5), give(kept=20), get(due=9, dropped=8)], "follow_through",
             says=("admin training",), deal=deal(Stage.SIGNED, 7), benefit=ago(0)),
]


@pytest.mark.parametrize("scenario", SCENARIOS, ids=[s.name for s in SCENARIOS])
def test_round6_scenario(scenario: Scenario) -> None:
    nudge = assess(scenario.history())
    shown = check_advice(nudge, scenario)
    assert nudge.repeat is scenario.repeat, shown


@pytest.mark.parametrize("scenario", PARTNER_READS, ids=[s.name for s in PARTNER_READS])
def test_round6_post_the_partner_reads(scenario: Scenario) -> None:
    history = replace(scenario.history(), partner_reads=True)
    nudge = assess(history)
    shown = check_advice(nudge, scenario)
    text, reason, _, _ = render(nudge, scenario.items, scenario.today)
    for words in INTERNAL_WORDS:
        assert words not in f"{text}\n{reason}".lower(), f"{words!r} where the partner reads:\n{shown}"


def test_round6_has_sixty_distinct_scenarios() -> None:
    every = SCENARIOS + PARTNER_READS
    assert len(every) >= 60
    assert len({s.name for s in every}) == len(every)
