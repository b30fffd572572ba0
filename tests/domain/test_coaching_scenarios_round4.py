"""Round four: fresh deal situations, each with the advice a wise sales coach gives.

The expected advice of every scenario (the nudge, the words it must say and those it must
never say) was written down before the scenario was first run through the real model
(``assess``) and the real templates. The helpers (items relative to NOW, rendering, the checks
that words never contradict the numbers beside them) are those of
``test_coaching_scenarios_fresh``.
"""

from __future__ import annotations

from dataclasses import replace

import pytest

from bot.domain.coaching import DealState, assess
from bot.domain.stages import Stage
from bot.messages import environment
from tests.domain.test_coaching_scenarios_fresh import (
    Scenario,
    ago,
    check_advice,
    deal,
    get,
    give,
)

TIPS_GIVEN = {"celebrate_kept": [ago(1)], "wiift": [ago(1)], "generous_opener": [ago(1)]}
HUGE = "🚀 Lancement bêta — 計画 مرحلة " * 200
INJECTION = "<!channel> pay <@U123> at <http://evil.example|our portal> &amp; *now*"


def reopened(days: float, stage: Stage = Stage.NEGOTIATION) -> DealState:
    """A deal lost earlier and back in play since ``days`` ago."""
    return DealState("Acme", stage, ago(days), reopened_at=ago(days))


def confirmed(item):  # type: ignore[no-untyped-def]
    """``item`` co-signed by the partner on the shared plan (said yes, not delivered)."""
    return replace(item, confirmed_at=ago(2), confirmed_by="partner")


SCENARIOS = [
    # --- one side only, or nothing
    Scenario("nothing at all and no deal: start by giving",
             [], "empty", says=("giving to receive",), never=("generous", "kept", "on track")),
    Scenario("only asks, and they delivered both: we took two and gave nothing",
             [get("intro to their CFO", kept=9), get("usage data", kept=8)], "asking_without_giving",
             says=("asked for 2 things and offered nothing",), never=("generous", "on track")),
    Scenario("only gives, one kept early yesterday, the opener said: tell them it's done, on time",
             [give("security review pack", due=-3, kept=1)], "celebrate_kept",
             says=("Tell them it's done", "on time"), never=("late", "after it was due"),
             benefit=ago(0), given={"generous_opener": [ago(1)]}),
    Scenario("only gives after signature, two open: follow through, never 'generous'",
             [give(due=-5), give(due=-9)], "follow_through",
             says=("2 of ours open", "0 of ours kept since the signature"), never=("generous",),
             deal=deal(Stage.SIGNED, 10), benefit=ago(0)),
    Scenario("only gives after signature, all kept since it: say what we hope for back",
             [give(kept=5), give(kept=4)], "generous_opener", says=("/partner get",),
             never=("A generous start", "follow through"), deal=deal(Stage.SIGNED, 10),
             benefit=ago(0), given={"celebrate_kept": [ago(1)]}),
    # --- lopsided ledgers
    Scenario("we kept ten, their one is open and not due: nothing of ours left, so no "
             "'keep your word on what's next'",
             [*[give(kept=20 + n) for n in range(10)], get("reference call", due=-6)], "on_track",
             says=("We promised 10 and kept 10",),
             never=("keep your word on what's next", "generous", "one-way"),
             benefit=ago(0), given=TIPS_GIVEN),
    Scenario("they kept eight and we have one open: we took more, never call us generous",
             [*[get(kept=20 + n) for n in range(8)], give("pilot workspace", due=-4)], "on_track",
             says=("they promised 8 and kept 8",), never=("generous", "giving a lot", "one-way"),
             benefit=ago(0), given=TIPS_GIVEN),
    Scenario("forty small gives kept and nobody noted their benefit: what's in it for them?",
             [*[give(kept=10 + n % 5) for n in range(40)], get("renewal intent", due=-20)], "wiift",
             says=("40 of our gives are logged",), given={"celebrate_kept": [ago(1)]}),
    Scenario("a hundred and twenty of ours kept, three of theirs open: counts exact, no 'your word'",
             [*[give(kept=10 + n % 9) for n in range(120)], *[get(due=-n - 3) for n in range(3)]],
             "on_track", says=("We promised 120 and kept 120; they promised 3 and kept 0",),
             never=("keep your word on what's next",), benefit=ago(0), given=TIPS_GIVEN),
    # --- our own slips
    Scenario("ours a day late while theirs is fifteen days late: own ours first",
             [give("pricing sheet", due=1), give(kept=20), give(kept=18), get("data export", due=15)],
             "our_late", says=("One of *our* promises has slipped", "1 day overdue"),
             never=("brave", "walk away", "follow-up")),
    Scenario("our late promise has a huge unicode text: named, cut short, never the whole text",
             [give(HUGE, due=3), get(due=-4)], "our_late", says=("…", "3 days overdue")),
    Scenario("our late promise's text tries to ping the channel and forge a link: shown escaped",
             [give(INJECTION, due=2), get(due=-4)], "our_late",
             says=("&lt;!channel&gt;", "&lt;@U123&gt;"), never=("<!channel>", "<@U123>", "<http")),
    Scenario("our slip owned yesterday and still late: the short reminder with the edit command",
             [give("onboarding plan", due=4), get(due=-2)], "our_late", says=("/partner edit",),
             given={"our_late": [ago(1)]}, repeat=True),
    Scenario("lost, and our promise is four days late: we keep our word anyway, no chasing",
             [give("migration guide", due=4), get("case study", due=10)], "our_late",
             says=("Tell them before they have to ask",), never=("follow-up", "brave"),
             deal=deal(Stage.LOST, 3)),
    # --- their promises overdue
    Scenario("theirs two days late after they kept three: a friendly follow-up, credit given",
             [give(kept=15), get(kept=20), get(kept=12), get(kept=9), get("logo approval", due=2)],
             "follow_up", says=("they kept 3 so far", "2 days overdue")),
    Scenario("theirs twelve days late but we delivered nothing yet: no standing for the brave talk",
             [give(due=-3), get("API keys", due=12)], "follow_up",
             never=("brave", "stopped running both ways")),
    Scenario("theirs twelve days late, we kept one, they kept nothing: the brave conversation",
             [give(kept=14), get("API keys", due=12)], "brave_conversation",
             says=("none kept yet", "we kept 1")),
    Scenario("theirs twelve days late but they delivered another three days ago: still a follow-up",
             [give(kept=14), get("API keys", due=12), get("sandbox access", kept=3)], "follow_up",
             never=("stopped running both ways", "brave")),
    Scenario("twenty-five days of their silence, brave talk suggested eight days ago: walk-away question",
             [give(kept=30), give(kept=28), get("signed pilot terms", due=25)], "walk_away",
             says=("8 days since I suggested", "we kept 2"),
             deal=deal(Stage.NEGOTIATION, 40), given={"brave_conversation": [ago(8)]}),
    # --- stage moves
    Scenario("qualified post with two asks logged and nothing offered: never 'before we ask'",
             [get("org chart"), get("budget range")], "stage_opening",
             says=("asked for 2",), never=("Before we ask them for anything",),
             deal=deal(Stage.QUALIFIED, 0), stage_changed=True),
    Scenario("negotiation post on an empty ledger: put both sides on the table",
             [], "stage_terms", says=("Nothing offered or asked yet.",),
             deal=deal(Stage.NEGOTIATION, 0), stage_changed=True),
    Scenario("signed post with nothing recorded: write down what we promised, not 'none open'",
             [], "stage_signed", says=("Nothing",), never=("None of our promises is open",),
             deal=deal(Stage.SIGNED, 0), stage_changed=True),
    Scenario("signed post while theirs is twelve days late: congratulate, no brave talk today",
             [give(kept=20), get("intro to IT", due=12)], "stage_signed",
             never=("brave", "walk away", "stopped running"),
             deal=deal(Stage.SIGNED, 0), stage_changed=True, given={"brave_conversation": [ago(2)]}),
    Scenario("lost post with one of ours overdue: reflection that names our slip",
             [give("training", due=3), give(kept=9), get(kept=5)], "stage_lost",
             says=("We kept 1 of 2, 1 of ours overdue", "they kept 1 of 1"),
             never=("follow-up", "brave"), deal=deal(Stage.LOST, 0), stage_changed=True),
    Scenario("reopened yesterday after a loss, their old item forty days late: a follow-up, not walk away",
             [give(kept=50), give(kept=45), get("security sign-off", due=40)], "follow_up",
             never=("walk away", "pattern", "brave"),
             deal=reopened(1), given={"brave_conversation": [ago(30)], "walk_away": [ago(20)]}),
    Scenario("the post announcing the reopen: the terms question, never walk away",
             [give(kept=50), give(kept=45), get("security sign-off", due=40)], "stage_terms",
             never=("walk away", "pattern"), deal=reopened(0), stage_changed=True,
             given={"brave_conversation": [ago(30)], "walk_away": [ago(20)]}),
    Scenario("reopened twelve days ago and still nothing from them: the brave talk is fair again",
             [give(kept=50), give(kept=45), get("security sign-off", due=40)], "brave_conversation",
             says=("12 days",), never=("walk away", "signature"),
             deal=reopened(12), given={"brave_conversation": [ago(30)], "walk_away": [ago(20)]}),
    Scenario("churned a week after signing, theirs twenty days late: settle, don't chase",
             [give(kept=30), get("quarterly review", due=20)], "close_out",
             never=("brave", "follow-up", "escalate", "sponsor"), deal=deal(Stage.LOST, 7),
             given={"stage_lost": [ago(7)]}),
    Scenario("lost two days ago with only their asks open: drop them, never push another ask",
             [get("referral", due=-5), get("logo use")], "close_out",
             says=("/partner drop",), never=("giving to receive", "follow-up", "confirm"),
             deal=deal(Stage.LOST, 2), given={"stage_lost": [ago(2)]}),
    Scenario("lost, ours all kept and they never promised: nothing more to say",
             [give(kept=40), give(kept=35)], "quiet", deal=deal(Stage.LOST, 10),
             given={"stage_lost": [ago(10)]}),
    # --- signatures and renewals
    Scenario("renewal signed two days ago after a long stall: the clock restarts, no escalation",
             [give(kept=100), get("usage review", due=50)], "follow_up",
             never=("escalate", "sponsor", "brave"), deal=deal(Stage.SIGNED, 2),
             given={"brave_conversation": [ago(40)], "escalate": [ago(20)]}),
    Scenario("renewal five days ago, our old promise still open: follow through, counted from it",
             [give(kept=60), give(kept=50), give(kept=40), give("admin training", due=-10), get(kept=45)],
             "follow_through", says=("1 of ours open", "0 of ours kept since the signature"),
             deal=deal(Stage.SIGNED, 5), benefit=ago(0)),
    Scenario("signed 45 days ago, their stall 35 days, brave talk 20 days ago: escalate",
             [give(kept=50), get("rollout plan", due=35)], "escalate",
             says=("20 days since I suggested", "35 days overdue"),
             deal=deal(Stage.SIGNED, 45), given={"brave_conversation": [ago(20)]}),
    Scenario("won back: lost, then signed yesterday, their item thirty days late: a follow-up",
             [give(kept=40), get("pilot feedback", due=30)], "follow_up",
             never=("walk away", "escalate", "brave"), deal=deal(Stage.SIGNED, 1),
             given={"brave_conversation": [ago(25)]}),
    Scenario("signed ten days ago and ours kept yesterday: celebrate it, after the signature",
             [give("SSO setup", due=-2, kept=1), get(due=-10)], "celebrate_kept",
             says=("after the signature", "Tell them it's done"), deal=deal(Stage.SIGNED, 10),
             benefit=ago(0)),
    # --- kept early, kept late, confirmed but not kept
    Scenario("ours kept four days late, yesterday: tell them, and own that it was late",
             [give("data migration", due=5, kept=1), get(due=-7)], "celebrate_kept",
             says=("4 days after it was due", "late"), never=("on time",), benefit=ago(0)),
    Scenario("theirs kept five days early: thank them, never 'late'",
             [give(kept=20), get("signed NDA", due=-5, kept=1)], "celebrate_kept",
             says=("They delivered", "on time"), never=("late",), benefit=ago(0)),
    Scenario("ours kept a day early: the small print says how early, in the singular",
             [give("kickoff agenda", due=-1, kept=0.2), get(due=-9)], "celebrate_kept",
             says=("on time (1 day early)",), never=("late",), benefit=ago(0)),
    Scenario("their item confirmed on the plan but not delivered: never thank them for it yet",
             [give(kept=20), confirmed(get("pilot success criteria", due=-6))], "on_track",
             never=("They delivered", "thank"), shared=10, benefit=ago(0), given=TIPS_GIVEN),
    # --- silence
    Scenario("two months of silence with nothing dated and nothing kept: agree dates, not 'on track'",
             [give("joint webinar", made=60), get("customer story", made=60)], "set_dates",
             says=("date",), never=("On track", "Nothing needs you"), benefit=ago(0)),
    Scenario("long silence but both sides dated ahead: nothing needs us",
             [give(made=50, due=-20), get(made=50, due=-25)], "on_track",
             says=("Nothing needs you",), benefit=ago(0)),
]


# A second batch, written (expectations first) after the first was fixed.
SCENARIOS += [
    Scenario("undated promises, forty-one days without movement: still on track",
             [give("joint webinar", made=41), get("customer story", made=41)], "on_track",
             benefit=ago(0)),
    Scenario("only our promise is undated, fifty days still: agree its date",
             [give("joint webinar", made=50), get("customer story", made=50, due=-20)], "set_dates",
             says=("1 of ours open with no date",), never=("of theirs open",),
             benefit=ago(0)),
    Scenario("'agree dates' said yesterday: not again, and no 'on track' in its place",
             [give(made=60), get(made=60)], "quiet", benefit=ago(0), given={"set_dates": [ago(1)]}),
    Scenario("signed, our undated promise untouched for seven weeks: follow through comes first",
             [give("admin training", made=49), get(made=49)], "follow_through",
             deal=deal(Stage.SIGNED, 49), benefit=ago(0)),
    Scenario("lost, undated promises untouched for two months: settle them, no 'agree dates'",
             [give(made=60), get(made=60)], "close_out", never=("date",),
             deal=deal(Stage.LOST, 50), given={"stage_lost": [ago(50)]}),
    Scenario("reopened into prospecting with only asks on the ledger: give before asking more",
             [get("org chart"), get("budget")], "stage_opening",
             says=("Before we ask them for more", "asked for 2"), deal=reopened(0, Stage.PROSPECTING),
             stage_changed=True),
    Scenario("theirs kept three days late, yesterday: thank them, and the small print says late",
             [give(kept=20), get("usage data", due=4, kept=1)], "celebrate_kept",
             says=("They delivered", "3 days after it was due"), never=("on time",), benefit=ago(0)),
    Scenario("ours kept on its due day: on time, never late",
             [give("pricing sheet", due=1, kept=1), get(due=-9)], "celebrate_kept",
             says=("on time",), never=("late", "patience"), benefit=ago(0)),
    Scenario("brave conversation suggested two days ago, still stalled: the short reminder",
             [give(kept=20), get("API keys", due=14)], "brave_conversation",
             says=("Has the brave conversation happened yet?", "14 days"),
             given={"brave_conversation": [ago(2)]}, repeat=True),
    Scenario("escalation said yesterday: the short question about their sponsor",
             [give(kept=50), get("rollout plan", due=36)], "escalate", says=("sponsor",),
             deal=deal(Stage.SIGNED, 46), given={"brave_conversation": [ago(21)], "escalate": [ago(1)]},
             repeat=True),
    Scenario("three of ours late, two on the same day: all three owned",
             [give(due=5), give(due=3), give(due=3), get(kept=2)], "our_late",
             says=("3 of *our* promises have slipped", "and 2 more of ours late")),
    Scenario("lost post on an empty ledger: the reflection, nothing recorded",
             [], "stage_lost", says=("Nothing was recorded on either side.",),
             deal=deal(Stage.LOST, 0), stage_changed=True),
    Scenario("their late item's text tries to forge a link: the follow-up shows it escaped",
             [give(kept=9), get(INJECTION, due=3)], "follow_up",
             says=("&lt;http://evil.example|our portal&gt;",), never=("<http", "<!channel>")),
    Scenario("ours due today and theirs a day past due: name ours, theirs is just past due",
             [give("demo environment", due=0), get(due=1)], "on_track",
             says=("one of ours is due today", "1 of theirs just past due"),
             never=("Nothing needs you",), benefit=ago(0)),
    Scenario("we keep delivering while their undated ask sits for seven weeks: agree its date",
             [give(kept=20), give(kept=1), get("referral intro", made=49)], "set_dates",
             says=("1 of theirs open with no date",), never=("On track", "of ours open"),
             benefit=ago(0), given={"celebrate_kept": [ago(0.5)]}),
    # fourth batch
    Scenario("churn: lost months after the signature: reflect on what came after it",
             [give(kept=100), give(kept=60), get(kept=90)], "stage_lost",
             says=("after the signature",), never=("Not every deal should close",),
             deal=DealState("Acme", Stage.LOST, ago(0), was_signed=True), stage_changed=True),
    Scenario("lost before it was ever signed: the usual reflection, no talk of a signature",
             [give(kept=10), get(due=3)], "stage_lost", never=("signature",),
             deal=deal(Stage.LOST, 0), stage_changed=True),
    # sixth batch
    Scenario("reopened, and their old item delivered the next day: thank them",
             [give(kept=50), get("security sign-off", due=40, kept=0.5)], "celebrate_kept",
             says=("They delivered", "40 days after it was due"), deal=reopened(2), benefit=ago(0)),
    Scenario("reopened four weeks ago, brave talk ten days ago, still nothing: walk-away is fair again",
             [give(kept=50), get("security sign-off", due=40)], "walk_away",
             says=("10 days since I suggested",), deal=reopened(28),
             given={"brave_conversation": [ago(35), ago(10)]}),
    Scenario("reopened, and our own old promise is late: own it first",
             [give("migration guide", due=20), get("security sign-off", due=40)], "our_late",
             says=("One of *our* promises has slipped",), never=("walk away",), deal=reopened(1)),
    Scenario("five hundred undated promises, two months old: counted exactly",
             [*[give(made=60) for _ in range(250)], *[get(made=60) for _ in range(250)]], "set_dates",
             says=("500 promises have gone weeks without a date",
                   "250 of ours and 250 of theirs open with no date, the oldest made 60 days ago."),
             benefit=ago(0)),
    Scenario("a benefit noted, then three gives: what's in it for them, since the last note",
             [give(made=2), give(made=1), give(made=0.5), get(due=-9)], "wiift",
             says=("3 of our gives are logged", "since the last one"), benefit=ago(3)),
]


@pytest.mark.parametrize("scenario", SCENARIOS, ids=[s.name for s in SCENARIOS])
def test_round4_scenario(scenario: Scenario) -> None:
    nudge = assess(scenario.history())
    shown = check_advice(nudge, scenario)
    assert nudge.repeat is scenario.repeat, shown


def test_round4_has_thirty_five_distinct_scenarios() -> None:
    assert len(SCENARIOS) + len(PARTNER_READS) >= 35
    assert len({s.name for s in SCENARIOS + PARTNER_READS}) == len(SCENARIOS) + len(PARTNER_READS)


# Posts the partner's people read (a Slack Connect channel: digest, check-in, stage post).
PARTNER_READS = [
    Scenario("escalation time in a shared channel's check-in: never 'sponsor' in front of them",
             [give(kept=50), get("rollout plan", due=35)], "in_private",
             says=("1 of theirs overdue",), never=("sponsor", "escalate", "stalled"),
             deal=deal(Stage.SIGNED, 45), given={"brave_conversation": [ago(20)]}),
    Scenario("their item kept in a shared channel's digest: thank them openly",
             # Round 6: thanked in the second person ("Delivered from your side: thank you!").
             [give(kept=20), get("case study quote", kept=1)], "celebrate_kept",
             says=("thank you",), never=("They delivered",), benefit=ago(0)),
    Scenario("lost post in a shared channel while they are late: the reflection, no blame",
             [give(kept=20), get("pilot data", due=15)], "stage_lost",
             never=("follow-up", "brave", "overdue"), deal=deal(Stage.LOST, 0), stage_changed=True),
    # second batch
    Scenario("a shared channel's digest when we only ask: give first, without coaching tactics aloud",
             [get("intro to their CFO"), get("usage data")], "asking_without_giving",
             says=("giving to receive",), never=("every ask gets easier",)),
    Scenario("a shared channel's digest asking what's in it for them: no talk of 'their boss'",
             [give(kept=20), give(kept=19), get(due=-9)], "wiift",
             never=("their boss", "lands better"), given={"celebrate_kept": [ago(1)]}),
    Scenario("a shared channel's stage post while ours is late: our slip owned in the open",
             [give("security pack", due=2), get(due=-5)], "our_late",
             says=("One of *our* promises has slipped",), deal=deal(Stage.SIGNED, 0), stage_changed=True),
    # third batch, found by reading random histories' advice
    Scenario("a shared channel's digest with our slip: owned to them, not 'tell them' behind their back",
             [give("security pack", due=3), get(due=-5)], "our_late",
             says=("One of *our* promises has slipped", "new date"),
             never=("Tell them before they have to ask", "Have we told them")),
    Scenario("a shared channel's signing post, our slip owned yesterday: still no 'have we told them'",
             [give("security pack", due=3), get(due=-5)], "our_late", says=("new date",),
             never=("Have we told them", "Tell them before"), deal=deal(Stage.SIGNED, 0),
             stage_changed=True, given={"our_late": [ago(1)]}),
    Scenario("a shared channel's check-in with three of ours late: owned, the owners asked for dates",
             [give(due=4), give(due=3), give(due=2), get(kept=3)], "our_late",
             says=("3 of *our* promises have slipped", "Whoever owns them"),
             never=("Tell them before",), deal=deal(Stage.SIGNED, 30)),
    Scenario("a shared channel after a loss, theirs open: settle it, no chasing in front of them",
             [give(kept=20), get("pilot data", due=15)], "close_out",
             never=("follow-up", "brave", "walk"), deal=deal(Stage.LOST, 5), given={"stage_lost": [ago(5)]}),
]


@pytest.mark.parametrize("scenario", PARTNER_READS, ids=[s.name for s in PARTNER_READS])
def test_round4_post_the_partner_reads(scenario: Scenario) -> None:
    history = replace(scenario.history(), partner_reads=True)
    check_advice(assess(history), scenario)


@pytest.mark.parametrize("variant", range(3))
def test_every_opening_question_escapes_a_deal_name_that_tries_to_ping(variant: int) -> None:
    history = SCENARIOS[0].history()
    nudge = assess(replace(history, deal=DealState(INJECTION, Stage.QUALIFIED, ago(0)), stage_changed=True))
    text = str(environment().get_template("_coaching.j2").module.text(nudge, variant))
    assert "<!channel>" not in text and "<@U123>" not in text and "<http" not in text, text


@pytest.mark.parametrize("variant", range(3))
def test_every_opening_question_fits_asks_already_logged(variant: int) -> None:
    """Whichever of the opening questions a stage post shows, it never says 'before we ask them for anything'
    when the ledger already holds asks."""
    scenario = SCENARIOS[[s.name for s in SCENARIOS].index(
        "qualified post with two asks logged and nothing offered: never 'before we ask'")]
    nudge = assess(scenario.history())
    text = str(environment().get_template("_coaching.j2").module.text(nudge, variant))
    assert "before we ask them for anything" not in text.lower(), text
