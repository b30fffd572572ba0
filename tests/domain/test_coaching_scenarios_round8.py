"""Round eight: deals put on hold and resumed, promises reopened after being marked done, stages
moving backwards, lost deals coming back, champions leaving, third parties, money in the items,
a channel's first week, a long holiday gap, and the words a Slack Connect partner reads.

As in the earlier rounds, the expected advice of every scenario was written down before the
scenario was first run through the real model (``assess``) and the real templates. The first
run is recorded in docs/coaching.md ("How the advice was tested").

What a wise partner manager expects here:

- **On hold** (the partner paused: a budget freeze, a reorg). Pausing is not slipping: nothing of
  theirs is chased while it lasts (no follow-up, brave conversation, walk-away or escalation), and a
  gentle "on hold" note comes at most once a week. What we owe stays owed: our late and broken
  promises are still owned first. Resumed, their silence counts from the resumption, and dates the
  pause overtook are re-agreed before anything of theirs is followed up.
- **Reopened** items (marked done by mistake, or delivered and not accepted): no longer kept, so
  never celebrated; a reopened promise of ours is corrected with them once; one of theirs gets a
  kind, specific word about what is missing instead of a follow-up about its old date, and their
  delivery (even incomplete) counts as their side moving.
- A stage **moving backwards** asks what changed before pitching again.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime, timedelta

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from bot.domain.coaching import ABOUT_THEIR_SIDE, CELEBRATE_KEPT, ChannelHistory, DealState, assess
from bot.domain.ledger import Commitment
from bot.domain.stages import Stage
from tests.domain.test_coaching_properties import histories
from tests.domain.test_coaching_scenarios_fresh import (
    NOW,
    TODAY,
    Scenario,
    ago,
    check_advice,
    deal,
    get,
    give,
    render,
)
from tests.domain.test_coaching_scenarios_round5 import agreed
from tests.domain.test_coaching_scenarios_round6 import INTERNAL_WORDS


def paused(days: float, previous: Stage = Stage.NEGOTIATION, was_signed: bool = False) -> DealState:
    """A deal put on hold ``days`` ago, from ``previous``."""
    return DealState("Acme", Stage.ON_HOLD, ago(days), previous=previous, was_signed=was_signed)


def resumed(days: float, stage: Stage = Stage.NEGOTIATION, held_since: float | None = None) -> DealState:
    """A deal back at ``stage`` since ``days`` ago, after a hold that began ``held_since`` days ago."""
    return DealState("Acme", stage, ago(days), previous=Stage.ON_HOLD, resumed_at=ago(days),
                     signed_at=ago(held_since or days + 30) if stage.after_signature else None)


def reopened(item: Commitment, days: float) -> Commitment:
    """``item`` opened again ``days`` ago, after it had been marked done."""
    return replace(item, reopened_at=ago(days))


def stepped_back(stage: Stage, previous: Stage, days: float = 0) -> DealState:
    """A deal moved back from ``previous`` to ``stage`` ``days`` ago."""
    return DealState("Acme", stage, ago(days), previous=previous)


ON_HOLD_GIVEN = {"on_hold": [ago(2)]}

SCENARIOS = [
    # --- on hold: paused by the partner
    Scenario("on hold, theirs twelve days late and we kept one: no chasing, a pause isn't a slip",
             [give(kept=20), get("security review", due=12)], "on_hold",
             says=("on hold", "A pause isn't a slip"), never=("brave", "follow-up", "late"),
             deal=paused(5), benefit=ago(0)),
    Scenario("on hold, one of ours three days late: what we owe stays owed",
             [give("integration guide", due=3), get(due=10)], "our_late",
             says=("integration guide",), deal=paused(8)),
    Scenario("on hold, one of ours dropped after its date yesterday: owned all the same",
             [give("pricing memo", due=4, dropped=1), get(due=-20)], "own_broken",
             says=("pricing memo",), deal=paused(6)),
    Scenario("on hold, the note given two days ago: quiet, not a nag",
             [give(due=-10), get(due=15)], "quiet", deal=paused(9), given=ON_HOLD_GIVEN, benefit=ago(0)),
    Scenario("on hold, the note given eight days ago: a weekly light touch",
             [give("migration runbook", due=-10), get(due=15)], "on_hold", says=("migration runbook",),
             deal=paused(20), given={"on_hold": [ago(8)]}, benefit=ago(0)),
    Scenario("the post putting it on hold after a long stall and the brave talk: no walk-away",
             [give(kept=40), get("data export", due=25)], "stage_on_hold",
             says=("on hold",), never=("walk away", "brave"),
             deal=paused(0), stage_changed=True, given={"brave_conversation": [ago(12)]}),
    Scenario("on hold and they kept something two days ago: thank them, even paused",
             [give(kept=30), get("reference call", kept=2), get(due=-5)], "celebrate_kept",
             says=("They delivered",), deal=paused(10), benefit=ago(0)),
    Scenario("a signed partnership paused: our open promise is named, nothing of theirs chased",
             [give("admin training", due=-7), give(kept=50), get("usage report", due=9)], "on_hold",
             says=("admin training",), never=("escalate", "sponsor"),
             deal=paused(12, previous=Stage.SIGNED, was_signed=True), benefit=ago(0)),
    Scenario("on hold forty days, theirs long late: still no escalation while paused",
             [give(kept=60), get(due=45)], "on_hold", never=("sponsor", "walk away"),
             deal=paused(40, previous=Stage.SIGNED, was_signed=True),
             given={"brave_conversation": [ago(30)], "on_hold": [ago(9)]}, benefit=ago(0)),
    Scenario("on hold with nothing written down: still the empty ledger's question, no chasing",
             [], "on_hold", says=("on hold",), deal=paused(3)),
    # --- resumed after a hold
    Scenario("resumed yesterday, theirs fell due during the pause: agree new dates, no follow-up yet",
             [give(kept=40), get("pilot sign-off", due=20)], "resumed",
             says=("new dates",), never=("brave", "late"), deal=resumed(1), benefit=ago(0)),
    Scenario("resumed three days ago, new dates asked and none agreed: now the friendly follow-up",
             [give(kept=40), get("pilot sign-off", due=20)], "follow_up",
             says=("pilot sign-off",), never=("brave",), deal=resumed(3),
             given={"resumed": [ago(3)]}, benefit=ago(0)),
    Scenario("resumed twelve days ago, nothing of theirs since: the brave talk, counted from resuming",
             [give(kept=40), get("pilot sign-off", due=30)], "brave_conversation",
             says=("12 days", "since the deal resumed"), deal=resumed(12),
             given={"resumed": [ago(12)], "follow_up": [ago(9)]}, benefit=ago(0)),
    Scenario("resumed today while one of ours is late from before the pause: ours first",
             [give("API keys", due=25), get(due=20)], "our_late", says=("API keys",), deal=resumed(0)),
    Scenario("the post resuming a negotiation: back from the pause, ask what changed",
             [give(due=-5), get(due=10)], "stage_terms", says=("Back from the pause",),
             deal=resumed(0), stage_changed=True),
    Scenario("a signed partnership resumed after a pause: it picks up again, no second congratulations",
             [give("admin training", due=-7), give(kept=50), get(due=-9)], "stage_signed",
             says=("picks up again",), never=("Congratulations", "Signed and sealed"),
             deal=DealState("Acme", Stage.SIGNED, ago(0), signed_at=ago(60), previous=Stage.ON_HOLD,
                            resumed_at=ago(0), was_signed=True), stage_changed=True),
    Scenario("paused in negotiation, then signed straight from the hold: a real signature, congratulated",
             [give("admin training", due=-7), get(due=-9)], "stage_signed",
             says=("signed",), never=("picks up again", "before the pause"),
             deal=DealState("Acme", Stage.SIGNED, ago(0), signed_at=ago(0), previous=Stage.ON_HOLD,
                            resumed_at=ago(0)), stage_changed=True),
    Scenario("resumed a week ago with every date in the future: on track, the pause is behind us",
             [give(due=-4), get(due=-6)], "on_track", never=("pause",), deal=resumed(7), benefit=ago(0)),
    # --- reopened items
    Scenario("ours celebrated three days ago, reopened today, its date passed: late again, owned",
             [reopened(give("SSO setup", due=5), 0), get(due=-5)], "our_late",
             says=("SSO setup",), never=("kept",), given={"celebrate_kept": [ago(3)]}),
    Scenario("ours reopened today, not yet due: tell them it isn't done after all",
             [reopened(give("onboarding deck", due=-4), 0), get(due=-6)], "reopened",
             says=("onboarding deck", "isn't"), never=("Nothing needs you",)),
    Scenario("theirs delivered and not accepted, reopened today: say what's missing, no brave talk",
             [give(kept=20), reopened(get("data mapping", due=10), 0)], "reopened",
             says=("data mapping", "missing"), never=("brave", "stopped running")),
    Scenario("theirs reopened four days ago, already raised, still open: the follow-up",
             [give(kept=20), reopened(get("data mapping", due=10), 4)], "follow_up",
             says=("data mapping",), never=("brave",), given={"reopened": [ago(4)]}, benefit=ago(0)),
    Scenario("ours dropped by mistake after its date, reopened: late, not broken",
             [reopened(give("case study draft", due=3), 0), get(due=-3)], "our_late",
             says=("case study draft",), never=("didn't keep", "dropped after")),
    Scenario("ours reopened ten days ago and since raised: no longer news, on track",
             [reopened(give(due=-9), 10), get(due=-4)], "on_track",
             given={"reopened": [ago(10)]}, benefit=ago(0)),
    Scenario("the reopening already answered: not said twice",
             [reopened(give("onboarding deck", due=-4), 1), get(due=-6)], "on_track",
             given={"reopened": [ago(0.5)]}, benefit=ago(0)),
    Scenario("a reopened item next to one kept today: the kept one is celebrated, not the reopened one",
             [reopened(give("SSO setup", due=-3), 1), give("security answers", kept=0), get(due=-6)],
             "celebrate_kept", says=("security answers",), never=("SSO setup",),
             given={"reopened": [ago(0.5)]}),
    # --- stages moving backwards
    Scenario("negotiation back to discovery: ask what changed before pitching again",
             [give(kept=10), get(due=-10)], "stage_opening", says=("moved back from Negotiation",),
             deal=stepped_back(Stage.PROSPECTING, Stage.NEGOTIATION), stage_changed=True),
    Scenario("proposal back to qualified while ours is late: our slip first",
             [give("ROI model", due=2), get(due=-5)], "our_late", says=("ROI model",),
             deal=stepped_back(Stage.QUALIFIED, Stage.PROPOSAL), stage_changed=True),
    Scenario("negotiation back to proposal: the terms question, named as a step back",
             [give(due=-3), get(due=-3)], "stage_terms", says=("moved back from Negotiation",),
             deal=stepped_back(Stage.PROPOSAL, Stage.NEGOTIATION), stage_changed=True),
    Scenario("stepped back last week, theirs three days late: the ordinary follow-up",
             [give(kept=10), get("budget owner intro", due=3)], "follow_up",
             says=("budget owner intro",), deal=stepped_back(Stage.QUALIFIED, Stage.NEGOTIATION, 7)),
    Scenario("prospecting to qualified is forward: no step-back words",
             [give(due=-3), get(due=-3)], "stage_opening", never=("moved back",),
             deal=stepped_back(Stage.QUALIFIED, Stage.PROSPECTING), stage_changed=True),
    # --- a deal reopened after lost
    Scenario("reopened after lost three days ago, ours from before still open and late: owned",
             [give("security whitepaper", due=40), get(due=-10)], "our_late", says=("security whitepaper",),
             deal=DealState("Acme", Stage.QUALIFIED, ago(3), reopened_at=ago(3), previous=Stage.LOST)),
    Scenario("the post reopening a lost deal: they came back, ask what changed",
             [give(kept=60), get(dropped=50, due=55)], "stage_opening", says=("came back to the table",),
             deal=DealState("Acme", Stage.QUALIFIED, ago(0), reopened_at=ago(0), previous=Stage.LOST),
             stage_changed=True),
    # --- a champion leaving the partner company
    Scenario("champion left: their items cancelled by agreement after their dates, no broken talk",
             [give(kept=20), give(kept=15), agreed(get(due=5, dropped=1)), agreed(get(due=3, dropped=1)),
              get("intro to the new owner", made=0)], "on_track",
             never=("broken", "dropped after"), benefit=ago(0)),
    Scenario("champion gone quiet and nobody told us: twelve days late, the brave talk",
             [give(kept=30), get("exec sponsor intro", due=12)], "brave_conversation",
             says=("12 days",), given={"follow_up": [ago(9)]}, benefit=ago(0)),
    Scenario("the new champion's first delivery after a fifteen-day stall: celebrated, not the brave talk",
             [give(kept=30), get("signed DPA", due=15, kept=0.5), get(due=-7)], "celebrate_kept",
             says=("They delivered",), given={"brave_conversation": [ago(5)]}, benefit=ago(0)),
    # --- items owed to a third party
    Scenario("ours owed to their reseller, two days late: still our slip",
             [give("margin sheet for Northwind (reseller)", due=2), get(due=-4)], "our_late",
             says=("margin sheet for Northwind (reseller)",)),
    Scenario("theirs to come via their integrator, three days late: a friendly follow-up",
             [give(kept=9), get("SAP connector from the integrator", due=3)], "follow_up",
             says=("SAP connector from the integrator",)),
    # --- money in the items
    Scenario("a $250,000 fund a day late: the amount shown as written",
             [give("$250,000 co-marketing fund (MDF)", due=1), get(due=-3)], "our_late",
             says=("$250,000 co-marketing fund (MDF)", "1 day overdue")),
    Scenario("a purchase order for €1.2M with markup: shown escaped, followed up",
             [give(kept=8), get("PO for €1.2M <signed> & stamped", due=3)], "follow_up",
             says=("€1.2M &lt;signed&gt; &amp; stamped",), never=("<signed>",)),
    Scenario("'3 licences at 40% off' kept today: celebrated, the counts not confused with it",
             [give("3 licences at 40% off", kept=0), get(due=-5)], "celebrate_kept",
             says=("3 licences at 40% off",)),
    Scenario("'12 of 12 seats' open beside two more of ours: on track, counts from the ledger",
             [give("12 of 12 seats activated", due=-5), give(due=-6), give(kept=6), get(due=-2)], "on_track",
             says=("We promised 3 and kept 1",), benefit=ago(0), given={"celebrate_kept": [ago(5)]}),
    # --- the first week of a brand-new channel
    Scenario("day one, nothing logged: the opening question", [], "empty", says=("giving to receive",)),
    Scenario("day two, only an ask: what are we giving first?",
             [get("intro to their CIO", made=1)], "asking_without_giving", says=("asked for 1 thing",)),
    Scenario("day three, a first give and nothing asked: a generous start",
             [give("sandbox account", made=2)], "generous_opener", says=("A generous start",)),
    Scenario("day five, one each way with dates next week: on track",
             [give("kickoff agenda", made=4, due=-4), get("attendee list", made=4, due=-3)], "on_track",
             says=("On track",)),
    Scenario("day six, the first stage post with nothing logged: the canonical opening",
             [], "stage_opening", says=("Nothing offered or asked yet",),
             deal=deal(Stage.PROSPECTING, 0), stage_changed=True),
    # --- a long holiday gap
    Scenario("back from three weeks of holidays, ours and theirs both slipped: ours first",
             [give("Q1 plan", due=18), get("Q1 forecast", due=18)], "our_late",
             says=("Q1 plan", "18 days overdue")),
    Scenario("back from holidays, they delivered yesterday after a long stall: thanks, not the walk-away",
             [give(kept=30), get("holiday backlog", due=22, kept=1), get(due=-10)], "celebrate_kept",
             never=("walk away",), given={"brave_conversation": [ago(12)]}, benefit=ago(0)),
    Scenario("three quiet weeks with undated promises under six weeks old: on track, not set dates",
             [give(made=25), get(made=25)], "on_track", never=("without a date",),
             given={"on_track": [ago(21)]}, benefit=ago(0)),
]

# Posts a Slack Connect partner reads: warm, never tactical (checked against INTERNAL_WORDS).
PARTNER_READS = [
    Scenario("shared channel, on hold: understood, our commitments stand, nothing expected of them",
             [give("integration guide", due=-10), get(due=5)], "on_hold",
             says=("paused on your side",), deal=paused(4), benefit=ago(0)),
    Scenario("shared channel, the post putting it on hold: warm, no chasing",
             [give(due=-10), get(due=5)], "stage_on_hold", says=("whenever",), deal=paused(0),
             stage_changed=True),
    Scenario("shared channel, resumed with dates the pause overtook: let's agree new ones",
             [give(kept=20), get("pilot sign-off", due=20)], "resumed", says=("new ones",),
             deal=resumed(1), benefit=ago(0)),
    Scenario("shared channel, theirs reopened: a kind word on what's still needed",
             [give(kept=20), reopened(get("data mapping", due=10), 0)], "reopened",
             says=("still needed",)),
    Scenario("shared channel, ours reopened: back on our list, sorry for the confusion",
             [reopened(give("onboarding deck", due=-4), 0), get(due=-6)], "reopened",
             says=("back on our list",)),
    Scenario("shared channel, negotiation back to discovery: take stock together, no welcome",
             [give(kept=10), get(due=-10)], "stage_opening", says=("take stock",), never=("Welcome",),
             deal=stepped_back(Stage.PROSPECTING, Stage.NEGOTIATION), stage_changed=True),
    Scenario("shared channel, a €1.2M item of ours late: owned openly, amount escaped",
             [give("€1.2M credit note <draft>", due=2), get(due=-3)], "our_late",
             says=("slipped",)),
]


@pytest.mark.parametrize("scenario", SCENARIOS, ids=[s.name for s in SCENARIOS])
def test_round8_scenario(scenario: Scenario) -> None:
    nudge = assess(scenario.history())
    shown = check_advice(nudge, scenario)
    assert nudge.repeat is scenario.repeat, shown


@pytest.mark.parametrize("scenario", PARTNER_READS, ids=[s.name for s in PARTNER_READS])
def test_round8_post_the_partner_reads(scenario: Scenario) -> None:
    history = replace(scenario.history(), partner_reads=True)
    nudge = assess(history)
    shown = check_advice(nudge, scenario)
    text, reason, _, _ = render(nudge, scenario.items, scenario.today)
    for words in INTERNAL_WORDS:
        assert words not in f"{text}\n{reason}".lower(), f"{words!r} where the partner reads:\n{shown}"


def test_round8_has_fifty_distinct_scenarios() -> None:
    every = SCENARIOS + PARTNER_READS
    assert len(every) >= 50
    assert len({s.name for s in every}) == len(every)


# --- general rules, over random histories ----------------------------------------------------


def _on_hold(history: ChannelHistory, since_days: int) -> ChannelHistory:
    return replace(history, deal=paused(since_days), stage_changed=False)


@given(history=histories(), since=st.integers(0, 90))
@settings(max_examples=200, suppress_health_check=[HealthCheck.too_slow])
def test_a_deal_on_hold_never_chases_their_side(history: ChannelHistory, since: int) -> None:
    """Whatever slipped on their side, a paused deal hears no follow-up, brave conversation,
    walk-away or escalation; and our own late promise is still owned first."""
    nudge = assess(_on_hold(history, since))
    assert nudge.id not in ABOUT_THEIR_SIDE
    ours_late = any(c.side == "give" and c.is_overdue(history.today) for c in history.items)
    assert (nudge.id == "our_late") is ours_late


@given(history=histories(), days=st.integers(0, 30))
@settings(max_examples=200, suppress_health_check=[HealthCheck.too_slow])
def test_a_reopened_promise_is_never_celebrated(history: ChannelHistory, days: int) -> None:
    """An item opened again is not a kept promise: no celebration names it."""
    items = list(history.items)
    assume(items)
    first = items[0]
    items[0] = first.reopen("U0ALICE", NOW - timedelta(days=days))
    nudge = assess(replace(history, items=items))
    assert not (nudge.id == CELEBRATE_KEPT and nudge.evidence["item_number"] == first.number)


def test_the_scenarios_use_one_fixed_moment() -> None:
    """Scenario dates are relative to NOW, never to today's date (a test must not depend on it)."""
    assert isinstance(NOW, datetime) and TODAY == NOW.date()
