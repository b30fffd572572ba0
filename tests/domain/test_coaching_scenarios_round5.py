"""Round five: fresh deal situations, each with the advice a wise sales coach gives.

As in the earlier rounds, the expected advice of every scenario (the nudge, the words it must
say and those it must never say) was written down before the scenario was first run through
the real model (``assess``) and the real templates. New here: promises we broke (dropped after
their due date) against items cancelled by agreement, renewals after a signature, posts a
Slack Connect partner reads, and a signed deal whose ledger was never filled in.
"""

from __future__ import annotations

from dataclasses import replace

import pytest

from bot.domain.coaching import DealState, assess
from bot.domain.ledger import Commitment
from bot.domain.stages import Stage, normalize_stage
from tests.domain.test_coaching_scenarios_fresh import (
    Scenario,
    ago,
    check_advice,
    deal,
    get,
    give,
)
from tests.domain.test_coaching_scenarios_round4 import TIPS_GIVEN


def agreed(item: Commitment) -> Commitment:
    """``item`` dropped by agreement with the partner: a cancellation, not a broken promise."""
    return replace(item, mutual=True)


def renewing(days: float, signed: float | None = 365) -> DealState:
    """A signed deal up for renewal since ``days`` ago, signed ``signed`` days ago (None: unknown)."""
    return DealState("Acme", Stage.RENEWAL, ago(days), signed_at=ago(signed) if signed is not None else None,
                     was_signed=signed is not None)


def renewed(days: float = 0) -> DealState:
    """A deal signed again ``days`` ago, after a renewal conversation."""
    return DealState("Acme", Stage.SIGNED, ago(days), signed_at=ago(days), was_signed=True,
                     previous=Stage.RENEWAL)


def back_to(stage: Stage, days: float, was_signed: bool = False) -> DealState:
    """A deal moved back to ``stage`` ``days`` ago."""
    return DealState("Acme", stage, ago(days), was_signed=was_signed)


SCENARIOS = [
    # --- promises we broke, and cancellations we agreed
    Scenario("we dropped our security pack two days after its due date: own the broken promise",
             [give("security pack", due=5, dropped=2), get(due=-5)], "own_broken",
             says=("security pack", "after its due date"), never=("on track", "Nothing needs you")),
    Scenario("dropped late by agreement with them: a cancellation, nothing to own",
             [agreed(give("security pack", due=5, dropped=2)), give(kept=3), get(due=-5)], "on_track",
             never=("broken", "didn't keep"), benefit=ago(0), given=TIPS_GIVEN),
    Scenario("dropped before its due date: an offer withdrawn in time, not a broken promise",
             [give("pilot extension", due=-5, dropped=1), give(kept=2), get(due=-4)], "on_track",
             never=("broken", "didn't keep"), benefit=ago(0), given=TIPS_GIVEN),
    Scenario("the broken promise owned yesterday: not said again, the small print still counts it",
             [give("security pack", due=5, dropped=2), give(kept=10), get(due=-5)], "on_track",
             says=("1 of ours broken",), never=("Every promise on both sides is kept",),
             benefit=ago(0), given={"own_broken": [ago(1)], **TIPS_GIVEN}),
    Scenario("broken ten days ago and never owned: old news, but never 'every promise kept'",
             [give("security pack", due=15, dropped=10), give(kept=12), get(kept=11)], "on_track",
             says=("1 of ours broken",), never=("Every promise on both sides is kept",), benefit=ago(0),
             given=TIPS_GIVEN),
    # Round 6: their promise dropped late gets one polite follow-up (it was "quiet" here before).
    Scenario("their item dropped late: nothing of ours to own",
             [give(kept=3), get("case study", due=6, dropped=1)], "their_broken",
             says=("case study",), never=("didn't keep", "of ours"), benefit=ago(0), given=TIPS_GIVEN),
    Scenario("lost deal, we dropped our migration guide after its date: we still own it",
             [give("migration guide", due=6, dropped=1), get(due=3)], "own_broken",
             says=("migration guide",), never=("follow-up", "brave"),
             deal=deal(Stage.LOST, 3), given={"stage_lost": [ago(3)]}),
    Scenario("negotiation post the day after we broke a promise: own it before talking terms",
             [give("pricing sheet", due=4, dropped=1), get(due=-3)], "own_broken",
             says=("pricing sheet",), deal=deal(Stage.NEGOTIATION, 0), stage_changed=True),
    Scenario("lost post after we broke a promise: the reflection counts it",
             [give("training", due=5, dropped=2), give(kept=9), get(kept=5)], "stage_lost",
             says=("We kept 1 of 1", "1 broken"), deal=deal(Stage.LOST, 0), stage_changed=True),
    Scenario("two promises broken this week: both owned, plural",
             [give("SSO", due=6, dropped=3), give("audit log", due=4, dropped=1), get(due=-5)],
             "own_broken", says=("2 of our promises",), never=("One of our",)),
    Scenario("our late promise dropped by agreement while another is late: own the late one",
             [agreed(give(due=5, dropped=1)), give("API docs", due=2), get(due=-5)], "our_late",
             says=("One of *our* promises has slipped", "API docs"), never=("broken",)),
    Scenario("broken yesterday while their side stalls: own ours before any talk of their silence",
             [give(kept=40), give("rollout guide", due=3, dropped=1), get(due=25)], "own_broken",
             never=("walk away", "brave"), deal=deal(Stage.NEGOTIATION, 40),
             given={"brave_conversation": [ago(10)]}),
    Scenario("a promise dropped after its date in the debrief that set it up to fail: the count "
             "in the balance of a signed deal's follow-through",
             [give("admin training", due=-5), give("SSO", due=3, dropped=8), get(kept=20)],
             "follow_through", says=("1 of ours open",), deal=deal(Stage.SIGNED, 30), benefit=ago(0),
             given={"own_broken": [ago(7)]}),
    Scenario("dropped late six days and some hours ago, never owned: still news this week",
             [give("SSO", due=9, dropped=6.9), give(kept=20), get(due=-5)], "own_broken",
             says=("2 days after",), benefit=ago(0), given=TIPS_GIVEN),
    Scenario("dropped late exactly a week ago, never owned: old news, the small print keeps it",
             [give("SSO", due=9, dropped=7), give(kept=20), get(due=-5)], "on_track",
             says=("1 of ours broken",), benefit=ago(0), given=TIPS_GIVEN),
    # --- renewals
    Scenario("renewal post a year after signing, everything kept: review what we delivered first",
             [give(kept=300), give(kept=200), get(kept=250)], "stage_renewal",
             says=("renew", "kept 2"), never=("Congratulations", "signed!", "switch off"),
             deal=renewing(0), stage_changed=True),
    Scenario("renewal post with two of ours still open, not late: close them before asking",
             [give(due=-10), give(due=-20), give(kept=100), get(kept=50)], "stage_renewal",
             says=("2 of ours open",), deal=renewing(0), stage_changed=True),
    Scenario("renewal post while one of ours is late: own the slip before the renewal",
             [give("quarterly report", due=3), give(kept=100), get(kept=50)], "our_late",
             says=("quarterly report",), deal=renewing(0), stage_changed=True),
    Scenario("renewal post for a deal never seen signed: the renewal question, no signature date",
             [], "stage_renewal", says=("renew",), never=("None", "signature on"),
             deal=renewing(0, signed=None), stage_changed=True),
    Scenario("in renewal, their side stalled forty days after the brave talk: escalate, not walk away",
             [give(kept=50), get("usage review", due=40)], "escalate", says=("sponsor",),
             never=("walk away",), deal=renewing(10, 400), given={"brave_conversation": [ago(20)]}),
    Scenario("in renewal, everything of ours delivered, nothing asked: say what we hope for",
             [give(kept=100), give(kept=90)], "generous_opener", says=("/partner get",),
             never=("A generous start",), deal=renewing(5), benefit=ago(0)),
    Scenario("in renewal, our open promise: follow through, counted since the signature",
             [give("admin training", due=-10), give(kept=150), get(kept=100)], "follow_through",
             says=("1 of ours open", "1 of ours kept since the signature"), deal=renewing(20, 200),
             benefit=ago(0)),
    Scenario("renewed: congratulate the renewal, not a first signature",
             [give(kept=30), get(kept=20)], "stage_signed", says=("Renewed",),
             never=("First, write down",), deal=renewed(), stage_changed=True),
    Scenario("churned at the renewal: reflect on what came after the signature",
             [give(kept=100), get(kept=90)], "stage_lost", says=("after the signature",),
             deal=DealState("Acme", Stage.LOST, ago(0), was_signed=True, previous=Stage.RENEWAL),
             stage_changed=True),
    # --- both sides, streaks, sizes
    Scenario("both sides overdue, ours one day and theirs twenty: ours first",
             [give("pricing", due=1), get("data export", due=20)], "our_late",
             says=("1 day overdue",), never=("brave", "follow-up")),
    Scenario("we just delivered three days late and theirs is twelve days late: the brave talk",
             [give(due=3, kept=0.1), get("API keys", due=12)], "brave_conversation",
             says=("we kept 1",)),
    Scenario("one big promise of ours due in two days, thirty small of theirs kept",
             [give("full data migration", due=-2), *[get(kept=n + 1) for n in range(30)]], "on_track",
             says=("they promised 30 and kept 30",), never=("generous",), benefit=ago(0),
             given=TIPS_GIVEN),
    Scenario("twenty-five small of ours kept, their one big item three days late: follow up",
             [*[give(kept=n + 5) for n in range(25)], get("signed MSA", due=3)], "follow_up",
             says=("3 days overdue", "they kept 0 so far")),
    Scenario("they kept six in a row, ours open and not due: never call us generous",
             [give("pilot", due=-3), *[get(kept=n + 2) for n in range(6)]], "on_track",
             never=("generous", "one-way"), benefit=ago(0), given=TIPS_GIVEN),
    Scenario("ninety days of quiet with everything kept: agree the next exchange",
             [give(kept=90), get(kept=95)], "on_track", says=("Every promise on both sides is kept",),
             benefit=ago(0)),
    Scenario("three of theirs late (2, 5, 9 days), two kept before: a follow-up for all three",
             [give(kept=20), get(kept=15), get(kept=12), get(due=2), get(due=5), get(due=9)],
             "follow_up", says=("3 of theirs late in all", "9 days overdue"), never=("brave",)),
    Scenario("they delivered today after a walk-away warning: follow up on the rest, no walk-away",
             [give(kept=40), get(due=30), get("pilot data", kept=0.1)], "follow_up",
             says=("they kept 1 so far",), never=("walk away", "brave"),
             given={"brave_conversation": [ago(12)], "walk_away": [ago(2)]}),
    Scenario("our promise due tomorrow, theirs due today: nothing late, nothing of ours due today",
             [give(due=-1), get(due=0)], "on_track", never=("of ours is due today", "late"),
             benefit=ago(0)),
    Scenario("we kept five, all late; they kept theirs on time: the small print says ours were late",
             [*[give(due=15 + n, kept=10 + n) for n in range(5)], get(due=-3), get(kept=12)], "on_track",
             says=("kept 5 (5 late)",), benefit=ago(0), given=TIPS_GIVEN),
    Scenario("ours kept eight days ago: no longer news",
             [give(due=-1, kept=8), get(due=-3)], "on_track", never=("A promise kept",),
             benefit=ago(0)),
    Scenario("WIIFT asked eight days ago and three gives since: ask again",
             [give(made=5), give(made=4), give(made=3), get(due=-5)], "wiift",
             says=("3 of our gives",), given={"wiift": [ago(8)]}),
    Scenario("far-off dates on both sides: on track",
             [give(made=0, due=-200), get(made=0, due=-180)], "on_track", says=("Nothing needs you",),
             benefit=ago(0)),
    Scenario("undated on both sides, ten days old: too soon to ask for dates",
             [give(made=10), get(made=10)], "on_track", never=("date",), benefit=ago(0)),
    Scenario("proposal sixty days, our undated promise fifty days old: agree its date",
             [give("integration plan", made=50), get(due=-3)], "set_dates",
             says=("1 of ours open with no date",), deal=deal(Stage.PROPOSAL, 60), benefit=ago(0)),
    # --- stage moves back and forth
    Scenario("moved back from negotiation to proposal: the terms question, no congratulation",
             [give(kept=5), get(due=-3)], "stage_terms", never=("Congratulations", "signed"),
             deal=back_to(Stage.PROPOSAL, 0), stage_changed=True),
    Scenario("moved back from signed to negotiation two days ago: no post-signature talk",
             [give(due=-5), get(due=-6)], "on_track", never=("signature",),
             deal=back_to(Stage.NEGOTIATION, 2, was_signed=True), benefit=ago(0), given=TIPS_GIVEN),
    Scenario("signed again a day after being moved back, our item due in five days: follow through",
             [give("onboarding", due=-5), get(kept=10)], "follow_through",
             says=("0 of ours kept since the signature",), deal=deal(Stage.SIGNED, 1), benefit=ago(0)),
    Scenario("lost, reopened, lost again: the reflection",
             [give(kept=20), get(kept=18)], "stage_lost", never=("came back",),
             deal=deal(Stage.LOST, 0), stage_changed=True),
    Scenario("kept just before the signature: not celebrated as kept after it",
             [give(kept=3)], "generous_opener", says=("/partner get",), never=("after the signature",),
             deal=deal(Stage.SIGNED, 1), benefit=ago(0)),
    # --- empty ledgers at odd moments
    Scenario("ninety days after signing and the ledger is empty: write down what we promised",
             [], "empty", says=("/partner give",), never=("Start where good partners start",),
             deal=deal(Stage.SIGNED, 90)),
    Scenario("empty ledger in negotiation: what are we giving to receive?",
             [], "empty", says=("giving to receive",), deal=deal(Stage.NEGOTIATION, 10)),
    Scenario("empty ledger a week after a loss: nothing to say",
             [], "quiet", deal=deal(Stage.LOST, 7), given={"stage_lost": [ago(7)]}),
    # --- the shared plan
    Scenario("two of theirs unconfirmed on the plan for four days, one confirmed: restate the oldest",
             [give(kept=5), get("reference call", made=6, due=-10), get("logo use", made=5, due=-12),
              replace(get("case study", due=-9), confirmed_at=ago(2), confirmed_by="partner")],
             "restate_expectation", says=("2 of theirs have waited",), shared=4, benefit=ago(0)),
]

# A second batch, written (expectations first) after the first was fixed.
SCENARIOS += [
    Scenario("renewal post, ours all kept and two of theirs open, not due: the renewal question",
             [give(kept=200), get(due=-10), get(due=-20)], "stage_renewal",
             says=("2 of theirs open", "we kept 1 of ours"), deal=renewing(0), stage_changed=True),
    Scenario("in renewal, their item three days late: a friendly follow-up",
             [give(kept=50), get("usage data", due=3)], "follow_up", says=("3 days overdue",),
             deal=renewing(10)),
    Scenario("in renewal twenty days, twelve days of their silence after we delivered: the brave talk",
             [give(kept=15), get("security review", due=12)], "brave_conversation",
             says=("we kept 1",), never=("since the signature",), deal=renewing(20, 400)),
    Scenario("broken today and another kept yesterday: own the broken one first",
             [give("audit export", due=5, dropped=0.5), give("SSO", kept=1), get(due=-5)], "own_broken",
             says=("audit export",)),
    Scenario("one broken promise owned three days ago, a new one broken since: owned again, alone",
             [give("old one", due=10, dropped=4), give("audit export", due=3, dropped=1), get(due=-5)],
             "own_broken", says=("audit export",), never=("2 of our",), given={"own_broken": [ago(3)]}),
    Scenario("an undated promise dropped: never broken",
             [give("intro to our CTO", dropped=1), give(kept=5), get(due=-3)], "on_track",
             never=("broken",), benefit=ago(0), given=TIPS_GIVEN),
    Scenario("in renewal with nothing recorded at all: write down what we promised",
             [], "empty", says=("nothing we promised them is written down",), deal=renewing(10)),
    Scenario("lost post after two of ours were broken and nothing kept: no 'kept 0 of 0'",
             [give(due=8, dropped=3), give(due=6, dropped=2), get(kept=4)], "stage_lost",
             says=("We kept nothing, 2 broken",), deal=deal(Stage.LOST, 0), stage_changed=True),
    Scenario("asking for more after everything we offered was broken: never 'offered nothing'",
             [give(due=20, dropped=10), get(due=-5), get()], "asking_without_giving",
             says=("dropped after the due date",), never=("offered nothing",)),
    Scenario("renewed a week ago, the new term's onboarding open: follow through since the renewal",
             [give("new-term onboarding", due=-5), give(kept=100), get(kept=90)], "follow_through",
             says=("0 of ours kept since the signature",), deal=renewed(7), benefit=ago(0)),
]

# A third batch: their promises dropped after the due date (expectations written first).
SCENARIOS += [
    Scenario("everything of ours kept, one of theirs kept and one dropped after its date: never "
             "'every promise kept'",
             # Round 6: the broken one still counts in their silence (twelve days): the brave talk.
             [give(kept=20), get(kept=15), get("reference call", due=12, dropped=5)], "brave_conversation",
             says=("1 of theirs broken",), never=("Every promise on both sides is kept",),
             benefit=ago(0), given=TIPS_GIVEN),
    Scenario("their item dropped by agreement: every promise still counts as kept",
             [give(kept=20), get(kept=15), agreed(get("reference call", due=12, dropped=5))], "on_track",
             says=("Every promise on both sides is kept",), never=("broken",), benefit=ago(0),
             given=TIPS_GIVEN),
    Scenario("lost post after they let two promises lapse: the reflection counts them",
             [give(kept=20), get(due=20, dropped=3), get(due=15, dropped=2)], "stage_lost",
             says=("they kept nothing, 2 of theirs broken",), never=("0 of 0",),
             deal=deal(Stage.LOST, 0), stage_changed=True),
]

# A fourth batch, expectations written before the model was changed for them.
SCENARIOS += [
    Scenario("they kept four in a row and we have delivered nothing yet: on track, but it runs their way",
             [give("pilot workspace", due=-6), *[get(kept=n + 2) for n in range(4)]], "on_track",
             says=("runs their way", "they promised 4 and kept 4"), never=("Nothing needs you", "generous"),
             benefit=ago(0), given=TIPS_GIVEN),
    Scenario("they kept exactly three and we nothing yet: it runs their way",
             [give("pilot workspace", due=-6), get(kept=4), get(kept=3), get(kept=2)], "on_track",
             says=("they've delivered 3",), benefit=ago(0), given=TIPS_GIVEN),
    Scenario("they kept two and we nothing yet: too early to call it one-way",
             [give("pilot workspace", due=-6), get(kept=3), get(kept=2)], "on_track",
             never=("runs their way",), benefit=ago(0), given=TIPS_GIVEN),
]

# Posts the partner's people read (a Slack Connect channel: digest, check-in, stage post).
PARTNER_READS = [
    Scenario("a shared channel's digest when we delivered yesterday: said to them, not about them",
             [give("SSO setup", due=-1, kept=0.5), get(due=-5)], "celebrate_kept",
             says=("SSO setup",), never=("Tell them",), benefit=ago(0)),
    Scenario("a shared channel's digest when we delivered late: apologise to them, not 'thank them'",
             [give("data migration", due=4, kept=1), get(due=-5)], "celebrate_kept",
             says=("late",), never=("Tell them", "thank them"), benefit=ago(0)),
    Scenario("a shared channel's digest when they delivered: thanked directly",
             [give(kept=20), get("case study quote", kept=1)], "celebrate_kept",
             never=("Thank them where their team can see it",), benefit=ago(0)),
    Scenario("a shared channel's digest with an ask unconfirmed on the plan: asked of them directly",
             [give(kept=5), get("reference call", made=6, due=-10)], "restate_expectation",
             never=("they haven't said yes",), shared=5, benefit=ago(0)),
    Scenario("a shared channel's digest after we broke a promise: owned in the open",
             [give("security pack", due=5, dropped=2), get(due=-5)], "own_broken",
             says=("security pack",), never=("Tell them",)),
    # second batch
    Scenario("a shared channel's check-in with our promises open: no 'what they'll remember' aloud",
             [give("admin training", due=-5), give(kept=20), get(kept=15)], "follow_through",
             says=("admin training",), never=("they'll remember",), deal=deal(Stage.SIGNED, 7),
             benefit=ago(0)),
    Scenario("a shared channel's signing post: no talk of losing a partner in front of them",
             [give("onboarding", due=-5), get(due=-9)], "stage_signed",
             never=("lose a partner", "they'll remember"), deal=deal(Stage.SIGNED, 0), stage_changed=True),
    Scenario("a shared channel's renewal post while ours is late: owned in the open",
             [give("quarterly report", due=3), get(kept=50)], "our_late", says=("post a new date",),
             never=("Tell them before",), deal=renewing(0), stage_changed=True),
    Scenario("a shared channel's renewal post: no coaching tactics about them in front of them",
             [give(kept=300), get(kept=250)], "stage_renewal", never=("they'll remember", "pitch"),
             deal=renewing(0), stage_changed=True),
]


@pytest.mark.parametrize("scenario", SCENARIOS, ids=[s.name for s in SCENARIOS])
def test_round5_scenario(scenario: Scenario) -> None:
    nudge = assess(scenario.history())
    shown = check_advice(nudge, scenario)
    assert nudge.repeat is scenario.repeat, shown


@pytest.mark.parametrize("scenario", PARTNER_READS, ids=[s.name for s in PARTNER_READS])
def test_round5_post_the_partner_reads(scenario: Scenario) -> None:
    history = replace(scenario.history(), partner_reads=True)
    check_advice(assess(history), scenario)


def test_round5_has_fifty_distinct_scenarios() -> None:
    every = SCENARIOS + PARTNER_READS
    assert len(every) >= 50
    assert len({s.name for s in every}) == len(every)


@pytest.mark.parametrize(("name", "stage"), [
    ("Renewal", "renewal"), ("Up for renewal", "renewal"), ("Renewal negotiation", "renewal"),
    ("Contract renewal", "renewal"), ("Renewal due", "renewal"), ("Stage 7 - Renewal", "renewal"),
    ("Renouvellement", "renewal"), ("Vertragsverlängerung", "renewal"), ("Renovação", "renewal"),
    ("Renewed", "signed"), ("Renewal won", "signed"), ("Renewal lost", "lost"),
])
def test_renewal_stage_names(name: str, stage: str) -> None:
    found = normalize_stage(name)
    assert found is not None and found.value == stage, (name, found)
