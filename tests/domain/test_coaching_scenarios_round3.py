"""Round three: more deal situations, each with the advice a wise sales coach gives.

For each one the expected advice was decided before running it through the real model
(``assess``) and the real templates. The helpers (items relative to NOW, rendering, the
checks that words never contradict the numbers beside them) are those of
``test_coaching_scenarios_fresh``.
"""

from __future__ import annotations

from dataclasses import replace

import pytest

from bot.domain.coaching import assess
from bot.domain.stages import Stage
from tests.domain.test_coaching_scenarios_fresh import (
    TODAY,
    Scenario,
    ago,
    check_advice,
    deal,
    get,
    give,
)

ALL_KEPT = [give("pilot workspace", due=20, kept=21), give("training", due=10, kept=10),
            get("case study draft", due=12, kept=12), get("reference call", due=5, kept=6)]
QUIET_TIPS = {"celebrate_kept": [ago(1)], "wiift": [ago(1)]}

SCENARIOS = [
    # --- only giving, only asking, balanced
    Scenario("we gave three things, asked nothing, WIIFT already noted: generous so far",
             [give(kept=12), give(due=-3), give()], "generous_opener",
             says=("Generous so far", "We've offered 3 things"), never=("start", "one-way"),
             benefit=ago(0), given={"celebrate_kept": [ago(2)]}),
    Scenario("we asked for two things in negotiation and offered nothing: give first",
             [get("signed MSA", due=-5), get("security review", due=-7)], "asking_without_giving",
             says=("asked for 2 things and offered nothing",), deal=deal(Stage.NEGOTIATION, 4)),
    Scenario("balanced, dates ahead on both sides: on track, nothing needs you",
             [give(due=-4), get(due=-6)], "on_track",
             says=("Nothing needs you", "We promised 1 and kept 0; they promised 1 and kept 0")),
    Scenario("balanced with no due dates anywhere: on track, no 'overdue' words",
             [give(), give(), get(), get()], "on_track", never=("overdue", "late"),
             benefit=ago(0)),
    # --- everything kept
    Scenario("every promise on both sides kept, nothing open: say so, not 'keep your word on what's next'",
             ALL_KEPT, "on_track", says=("kept",),
             never=("keep your word on what's next",), benefit=ago(0), given=QUIET_TIPS),
    Scenario("everything kept and the all-kept note given yesterday: quiet",
             ALL_KEPT, "quiet", benefit=ago(0),
             given={**QUIET_TIPS, "on_track": [ago(1)]}),
    # --- due today / tomorrow / long overdue
    Scenario("ours due tomorrow: not late, and no 'due today'",
             [give(due=-1), get(due=-3)], "on_track", never=("due today", "slipped")),
    Scenario("two of ours due today: both named as due today",
             [give(due=0), give(due=0), get(due=-3)], "on_track",
             says=("2 of ours are due today", "close them today"), benefit=ago(0)),
    Scenario("theirs due today: not a follow-up yet",
             [give(due=-2), get(due=0)], "on_track", never=("follow-up", "late")),
    Scenario("theirs two months overdue but they kept one last week: a follow-up, not the brave talk",
             [give(kept=30), get("data export", due=60), get("logo", due=9, kept=8)], "follow_up",
             says=("60 days overdue", "they kept 1 so far"), never=("stopped running",),
             given={"celebrate_kept": [ago(7)]}),
    Scenario("ours long overdue while theirs is too: own ours first, with the day count",
             [give("pricing sheet", due=40), get(due=40), give(kept=50)], "our_late",
             says=("One of *our* promises", "40 days overdue"), never=("more of ours",)),
    # --- kept late, dropped
    Scenario("we delivered ten days late yesterday: tell them, with the lateness shown",
             [give("integration guide", due=11, kept=1), get(due=-5)], "celebrate_kept",
             says=("Tell them it's done", "10 days after it was due")),
    Scenario("they delivered a day late: thank them, 'a day after' not '1 days'",
             [give(due=-2), get("API keys", due=3, kept=2)], "celebrate_kept",
             says=("They delivered", "1 day after it was due")),
    # Round 6: one of theirs dropped after its due date is a broken promise; it gets one polite
    # follow-up (it was "on track" here before), and no words about lateness.
    Scenario("their late item dropped: nothing to chase",
             [give(due=-3), get(due=15, dropped=1), get(due=-4)], "their_broken",
             never=("late", "overdue"), benefit=ago(0)),
    # Round 5: a promise of ours dropped after its due date is a broken promise, owned once
    # (it was "on track" here before); dropped by agreement it is still nothing to own.
    Scenario("our late item dropped and the rest on time: owned as broken, not 'slipped'",
             [give(due=9, dropped=1), give(due=-2), get(due=-2)], "own_broken", never=("slipped",)),
    Scenario("our late item dropped by agreement and the rest on time: on track",
             [replace(give(due=9, dropped=1), mutual=True), give(due=-2), get(due=-2)], "on_track",
             never=("slipped", "broken")),
    # --- stages
    Scenario("prospecting post with two gives already logged: the opening questions, counts right",
             [give(), give()], "stage_opening", says=("So far we've offered 2 things and asked for nothing",),
             deal=deal(Stage.PROSPECTING, 0), stage_changed=True),
    Scenario("negotiation post with only asks: the terms question names the asks",
             [get(), get(), get()], "stage_terms", says=("offered nothing and asked for 3",),
             deal=deal(Stage.NEGOTIATION, 0), stage_changed=True),
    Scenario("negotiation post while ours is two days late: own the slip first",
             [give(due=2), get(due=-5)], "our_late", deal=deal(Stage.NEGOTIATION, 0), stage_changed=True),
    Scenario("deal moved back from signed to proposal: the terms question, no 'signed' words",
             [give(kept=20), get(due=-3)], "stage_terms", never=("signed", "signature"),
             deal=deal(Stage.PROPOSAL, 0), stage_changed=True),
    Scenario("signed post with one open promise due today: don't switch off, names it",
             [give("kickoff deck", due=0), get(due=-10)], "stage_signed",
             says=("1 of our promises is still open", "Don't switch off"),
             deal=deal(Stage.SIGNED, 0), stage_changed=True),
    Scenario("signed post with nothing of ours open and two kept before: none open, kept 2",
             [give(kept=10), give(kept=5), get(due=-4)], "stage_signed",
             says=("None of our promises is open", "we kept 2 before signing"),
             deal=deal(Stage.SIGNED, 0), stage_changed=True),
    Scenario("lost post when they kept nothing: reflection, no chasing",
             [give(kept=9), get(due=15)], "stage_lost", says=("We kept 1 of 1", "they kept 0 of 1"),
             never=("follow-up", "brave", "walk away"), deal=deal(Stage.LOST, 0), stage_changed=True),
    # --- after signature
    Scenario("signed a week ago, theirs three days late: friendly follow-up",
             [give(kept=2), get("admin access", due=3)], "follow_up", says=("3 days overdue",),
             deal=deal(Stage.SIGNED, 7), given={"celebrate_kept": [ago(1)]}),
    Scenario("signed twenty days ago, ours open and not late, nothing else new: follow through",
             [give("rollout plan", due=-10), get(kept=25)], "follow_through",
             says=("1 of ours open", "0 of ours kept since the signature"),
             deal=deal(Stage.SIGNED, 20), benefit=ago(0)),
    Scenario("signed, everything kept since the signature: not 'follow through'",
             [give(kept=3), get(kept=2)], "celebrate_kept", never=("next open promise",),
             deal=deal(Stage.SIGNED, 10)),
    # --- lost
    Scenario("lost a month ago, our open promise not late: close it out, don't chase",
             [give("migration script"), get(due=20)], "close_out",
             says=("1 of ours and 1 of theirs still open",), never=("follow-up", "on track"),
             deal=deal(Stage.LOST, 30)),
    Scenario("lost, everything kept on both sides: nothing to say",
             ALL_KEPT, "quiet", deal=deal(Stage.LOST, 3)),
    Scenario("lost two days ago, their item kept four days ago: the reflection covered it, no thanks now",
             [give(kept=9), get("reference call", kept=4)], "quiet", deal=deal(Stage.LOST, 2)),
    Scenario("lost a week ago, we delivered yesterday anyway: tell them it's done",
             [give("migration script", due=3, kept=1), get(kept=20)], "celebrate_kept",
             says=("Tell them it's done", "2 days after it was due"), never=("signature",),
             deal=deal(Stage.LOST, 7)),
    # --- many items, several owners
    Scenario("three hundred items, none late: on track with exact counts",
             [give(due=-5) for _ in range(150)] + [get(due=-5) for _ in range(150)], "on_track",
             says=("We promised 150 and kept 0; they promised 150 and kept 0",), benefit=ago(0)),
    Scenario("two hundred of theirs late, ours fine: the follow-up counts all of them",
             [give(kept=40)] + [get(due=3) for _ in range(200)], "follow_up",
             says=("200 of theirs late in all",), given={"celebrate_kept": [ago(1)]}),
    # --- the shared plan
    Scenario("their ask on the shared plan for five days without a yes: restate it",
             [give(due=-3), get("quarterly review slot", made=5, due=-10)], "restate_expectation",
             says=("5 days",), shared=6, benefit=ago(0)),
    Scenario("a lost deal never restates an expectation on the plan",
             [give(kept=30), get("quarterly review slot", made=5, due=-10)], "close_out",
             deal=deal(Stage.LOST, 2), shared=6),
]


@pytest.mark.parametrize("scenario", SCENARIOS, ids=[s.name for s in SCENARIOS])
def test_round3_scenario(scenario: Scenario) -> None:
    check_advice(assess(scenario.history()), scenario)


def test_round3_has_thirty_distinct_scenarios() -> None:
    assert len(SCENARIOS) >= 30
    assert len({s.name for s in SCENARIOS}) == len(SCENARIOS)
    assert TODAY == ago(0).date()


# --- a post the partner reads (Slack Connect): advice on their delays stays with our team
READ_BY_PARTNER = [
    Scenario("their item three days late, digest in a shared channel: point to the private view",
             [give(kept=20), get("admin access", due=3)], "in_private",
             says=("/partner list", "1 of theirs overdue"), never=("follow-up", "late")),
    Scenario("twelve days of their silence, check-in in a shared channel: no brave talk in front of them",
             [give(kept=20), get(due=12), get(due=12)], "in_private",
             says=("2 of theirs overdue",), never=("brave", "stopped running"), deal=deal(Stage.SIGNED, 15)),
    Scenario("walk-away time, in a shared channel: never 'walk away' where they read it",
             [give(kept=40), get(due=25)], "in_private", never=("walk away",),
             given={"brave_conversation": [ago(10)]}),
    Scenario("stage post in a shared channel during their stall: the stage's own question",
             [give(kept=20), get(due=12)], "stage_terms", never=("brave",),
             deal=deal(Stage.NEGOTIATION, 0), stage_changed=True),
    Scenario("our own slip in a shared channel: still owned, it's ours to say",
             [give("pricing sheet", due=3), get(due=3)], "our_late", says=("One of *our* promises",)),
    Scenario("nothing slipping in a shared channel: the usual quiet 'on track'",
             [give(due=-3), get(due=-3)], "on_track", benefit=ago(0)),
]


@pytest.mark.parametrize("scenario", READ_BY_PARTNER, ids=[s.name for s in READ_BY_PARTNER])
def test_a_post_the_partner_reads(scenario: Scenario) -> None:
    history = replace(scenario.history(), partner_reads=True)
    check_advice(assess(history), scenario)
    # The same history in our own reply keeps the advice.
    assert assess(scenario.history()).id != "in_private"
