"""Deal situations a sales team lives through, each with the advice a wise coach gives.

Every scenario is played through the real model (``assess``) and rendered with the real
templates (``prompts/_coaching.j2`` and the balance line of ``prompts/_macros.j2``), then read
as the salesperson would: the nudge chosen, words that must (or must not) appear, and a set of
checks run on every scenario so that no sentence contradicts the numbers shown beside it
("We give … · We get …", overdue counts, kept promises, singular and plural).

Times are relative to NOW (a Monday afternoon, UTC); ``ago(n)`` is n days before NOW.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from itertools import count
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings

from bot.domain.coaching import ChannelHistory, Nudge, assess
from bot.domain.ledger import Balance, Commitment, balance
from bot.domain.stages import Stage
from bot.domain.timezones import local_date
from bot.messages import environment
from tests.domain.test_coaching_properties import histories

NOW = datetime(2026, 12, 14, 15, 0, tzinfo=UTC)
TODAY = NOW.date()
_numbers = count(1)


def ago(days: float) -> datetime:
    return NOW - timedelta(days=days)


def _item(side: str, what: str, made: float, due: float | None, kept: float | None,
          dropped: float | None, private: bool, today: date) -> Commitment:
    status, closed = "open", None
    if kept is not None:
        status, closed = "done", ago(kept)
    if dropped is not None:
        status, closed = "dropped", ago(dropped)
    number = next(_numbers)
    return Commitment(
        number=number, side=side, what=what or f"{side} item {number}",  # type: ignore[arg-type]
        owner="U0ALICE", created_by="U0ALICE", created_at=ago(made),
        due_on=today - timedelta(days=due) if due is not None else None,
        status=status, closed_at=closed,  # type: ignore[arg-type]
        visibility="private" if private else "shared")


def give(what: str = "", *, made: float = 30, due: float | None = None, kept: float | None = None,
         dropped: float | None = None, private: bool = False, today: date = TODAY) -> Commitment:
    """One of our promises; ``due`` is days before ``today`` (negative: in the future)."""
    return _item("give", what, made, due, kept, dropped, private, today)


def get(what: str = "", *, made: float = 30, due: float | None = None, kept: float | None = None,
        dropped: float | None = None, private: bool = False, today: date = TODAY) -> Commitment:
    """One of theirs (what we expect back)."""
    return _item("get", what, made, due, kept, dropped, private, today)


def deal(stage: Stage, since: float) -> Any:
    from bot.domain.coaching import DealState
    return DealState("Acme", stage, ago(since), signed_at=ago(since) if stage is Stage.SIGNED else None)


@dataclass
class Scenario:
    """A situation, the nudge a wise coach picks, and what its words must and must not say."""

    name: str
    items: list[Commitment]
    expect: str
    says: tuple[str, ...] = ()
    never: tuple[str, ...] = ()
    deal: Any = None
    given: dict[str, list[datetime]] = field(default_factory=dict)
    benefit: datetime | None = None
    stage_changed: bool = False
    shared: float | None = None
    repeat: bool = False
    now: datetime = NOW
    today: date = TODAY

    def history(self) -> ChannelHistory:
        return ChannelHistory(
            items=self.items, now=self.now, today=self.today, deal=self.deal, given=self.given,
            benefit_noted_at=self.benefit, stage_changed=self.stage_changed,
            plan_shared_on=ago(self.shared).date() if self.shared is not None else None)


LA_EVENING = datetime(2026, 12, 14, 3, 30, tzinfo=UTC)  # 19:30 on Sun 13 Dec in Los Angeles
LA_TODAY = local_date(LA_EVENING, "America/Los_Angeles")
AUCKLAND_MORNING = datetime(2026, 12, 14, 13, 0, tzinfo=UTC)  # 02:00 on Tue 15 Dec in Auckland
AUCKLAND_TODAY = local_date(AUCKLAND_MORNING, "Pacific/Auckland")
BRAVE_10_AGO = {"brave_conversation": [ago(10)]}
FULL_OUR_LATE = "Tell them before they have to ask"

SCENARIOS = [
    # --- the very beginning
    Scenario("a brand-new channel with a single give: a generous start, now say what we hope for",
             [give("a pilot workspace")], "generous_opener",
             says=("A generous start", "We've offered 1 thing;")),
    Scenario("six things offered (three delivered) and nothing asked: generous so far, not a 'start'",
             [give(kept=5), give(kept=4), give(kept=3), give(), give(), give()], "generous_opener",
             says=("We've offered 6 things",), never=("start", "one-way"),
             deal=deal(Stage.PROSPECTING, 10), benefit=ago(0)),
    Scenario("at negotiation we delivered eight things and asked nothing: time to state expectations",
             [give(kept=n + 1) for n in range(8)], "generous_opener",
             says=("/partner get",), never=("start",), deal=deal(Stage.NEGOTIATION, 10),
             benefit=ago(0), given={"celebrate_kept": [ago(0.5)]}),
    Scenario("we only ask, one thing: what are we giving to receive?",
             [get("an intro to their CFO")], "asking_without_giving",
             says=("giving to receive", "asked for 1 thing and")),
    Scenario("three asks and our only give dropped: still asking without giving",
             [get(), get(), get(), give(dropped=2)], "asking_without_giving",
             says=("asked for 3 things",), never=("generous",)),
    Scenario("nothing on the ledger at all", [], "empty", says=("giving to receive",)),
    Scenario("only dropped items: still empty, and the drops are said not to count",
             [give(dropped=3), get(dropped=1)], "empty", says=("2 dropped",)),
    # --- our own slips
    Scenario("they kept every promise and three of ours are late: own all three",
             [give("the SSO setup", due=3), give("the pricing sheet", due=2), give("the demo", due=1),
              get(kept=4), get(kept=3)], "our_late",
             says=("3 of *our* promises have slipped", "and 2 more of ours late"), never=("One of",)),
    Scenario("one promise of ours a day late: own it today",
             [give("the security questionnaire", due=1), get()], "our_late",
             says=("One of *our* promises has slipped", "1 day overdue")),
    Scenario("our promise is due today: not late, but it needs us today",
             [give("the onboarding plan", due=0), get()], "on_track",
             says=("due today",), never=("Nothing needs you", "overdue", "slipped")),
    Scenario("'on track' said yesterday and ours falls due today: the due day is news",
             [give("the onboarding plan", due=0), get()], "on_track", says=("one of ours is due today",),
             given={"on_track": [ago(1)]}),
    Scenario("the due-today reminder said this morning: not again the same day",
             [give("the onboarding plan", due=0), get()], "quiet", given={"on_track": [ago(0.3)]}),
    Scenario("both sides overdue: our slip comes first, even after a brave conversation",
             [give("the deck", due=1), give(kept=30), get(due=15)], "our_late",
             given=BRAVE_10_AGO, never=("brave",)),
    Scenario("our slip already raised yesterday: said shorter, with the edit command",
             [give(due=3), get()], "our_late", repeat=True, says=("/partner edit",),
             given={"our_late": [ago(1)]}),
    Scenario("signing day with one of ours late: owning the slip still comes first",
             [give(due=2), get()], "our_late", deal=deal(Stage.SIGNED, 0), stage_changed=True),
    # --- their slips, from a nudge to the brave conversation
    Scenario("theirs a day late is a busy day: on track, just past due",
             [give(), get(due=1)], "on_track", says=("1 of theirs just past due",)),
    Scenario("theirs two days late: a friendly follow-up",
             [give(), get("a reference call", due=2)], "follow_up",
             says=("2 days overdue", "they kept 0 so far")),
    Scenario("four of theirs late: the follow-up speaks of all of them",
             [give(kept=3), get(due=3), get(due=3), get(due=2), get(due=5)], "follow_up",
             says=("4 of theirs late in all",), never=("Something they promised is late",)),
    Scenario("forty days of their silence but we delivered nothing: no standing for more than a nudge",
             [give(), get(due=40)], "follow_up"),
    Scenario("ten days of their silence after we delivered: the brave conversation",
             [give(kept=20), get(due=10)], "brave_conversation", says=("we kept 1",)),
    Scenario("three weeks of silence a week and more after the brave talk: walking away is fair",
             [give(kept=30), get(due=25)], "walk_away", given=BRAVE_10_AGO, says=("walk away",)),
    Scenario("the walk-away question already asked yesterday: said shorter, numbers still current",
             [give(kept=30), get(due=25)], "walk_away", repeat=True,
             given={"brave_conversation": [ago(10)], "walk_away": [ago(1)]},
             says=("25 days overdue",), never=("This has become a pattern",)),
    Scenario("a month of silence after the signature, two weeks after the brave talk: escalate",
             [give(kept=45), get(due=30)], "escalate", deal=deal(Stage.SIGNED, 40),
             given={"brave_conversation": [ago(14)]}, says=("sponsor",)),
    Scenario("escalation already suggested two days ago: said shorter",
             [give(kept=45), get(due=32)], "escalate", deal=deal(Stage.SIGNED, 40), repeat=True,
             given={"brave_conversation": [ago(16)], "escalate": [ago(2)]},
             never=("It's signed, but",)),
    # --- the signature
    Scenario("just signed with two of ours open: don't switch off",
             [give(due=-3), give(), get()], "stage_signed", deal=deal(Stage.SIGNED, 0),
             stage_changed=True, says=("switch off", "2 of our promises are still open")),
    Scenario("just signed with nothing recorded: no '0 of our promises'",
             [], "stage_signed", deal=deal(Stage.SIGNED, 0), stage_changed=True,
             never=("0 of our", "kept 0")),
    Scenario("they signed today after a long stall and an old brave talk: the signature is their move",
             [give(kept=40), get(due=35)], "stage_signed", deal=deal(Stage.SIGNED, 0),
             stage_changed=True, given={"brave_conversation": [ago(20)]},
             never=("sponsor", "walk away", "brave")),
    Scenario("they signed today with an item twelve days late: congratulate, no brave talk",
             [give(kept=40), get(due=12)], "stage_signed", deal=deal(Stage.SIGNED, 0),
             stage_changed=True),
    Scenario("two days after signing, an old late item of theirs is a follow-up, not an escalation",
             [give(kept=40), get(due=35)], "follow_up", deal=deal(Stage.SIGNED, 2),
             given={"brave_conversation": [ago(20)]}),
    Scenario("twelve days after signing with nothing of theirs moving: the brave conversation",
             [give(kept=40), get(due=35)], "brave_conversation", deal=deal(Stage.SIGNED, 12),
             says=("since the signature",)),
    Scenario("three days after signing, our open promise: follow through",
             [give(), give(kept=1), get()], "follow_through", deal=deal(Stage.SIGNED, 3),
             given={"celebrate_kept": [ago(0.5)]}, says=("1 of ours open",)),
    Scenario("signed, everything of ours delivered, nothing asked back: say what we hope for",
             [give(kept=9 + n) for n in range(5)], "generous_opener", deal=deal(Stage.SIGNED, 8),
             benefit=ago(0), says=("/partner get",), never=("start",)),
    Scenario("signed, our delivery was before the signature, theirs open: on track",
             [give(kept=5), get(due=-5)], "on_track", deal=deal(Stage.SIGNED, 3), benefit=ago(0)),
    # --- a lost deal
    Scenario("marked lost after a long stall and an old brave talk: reflect, don't say walk away",
             [give(kept=30), get(due=25)], "stage_lost", deal=deal(Stage.LOST, 0),
             stage_changed=True, given=BRAVE_10_AGO, never=("walk away", "brave conversation:")),
    Scenario("marked lost with twelve days of their silence: the reflection, not the brave talk",
             [give(kept=30), get(due=12)], "stage_lost", deal=deal(Stage.LOST, 0), stage_changed=True),
    Scenario("marked lost while a promise of ours is late: the reflection, naming our late one",
             [give("the pilot report", due=3), give(kept=20), get()], "stage_lost",
             deal=deal(Stage.LOST, 0), stage_changed=True,
             says=("still deliver", "We kept 1 of 2, 1 of ours overdue;")),
    Scenario("marked lost with nothing recorded: no 'kept 0 of 0'",
             [], "stage_lost", deal=deal(Stage.LOST, 0), stage_changed=True,
             says=("Nothing was recorded",), never=("0 of 0",)),
    Scenario("lost deal, their item late: nothing to chase; settle what's open instead",
             [give(kept=9), get("their logo", due=5)], "close_out", deal=deal(Stage.LOST, 5),
             says=("1 of theirs still open",), never=("follow-up", "deliver what we promised")),
    Scenario("lost deal with two of our gives still open: not a 'generous start'",
             [give(), give()], "close_out", deal=deal(Stage.LOST, 3), benefit=ago(0),
             says=("2 of ours", "deliver what we promised"), never=("generous", "expect from them")),
    Scenario("lost deal, nothing on the ledger: no 'start where good partners start'",
             [], "quiet", deal=deal(Stage.LOST, 3)),
    Scenario("lost deal, both sides open and nothing late: never 'on track'",
             [give(), get()], "close_out", deal=deal(Stage.LOST, 3), benefit=ago(0),
             never=("On track",)),
    Scenario("lost deal with a promise of ours late: keep our word anyway",
             [give("the pilot report", due=3), get()], "our_late", deal=deal(Stage.LOST, 5)),
    Scenario("lost deal, everything closed long ago: nothing to say",
             [give(kept=20), get(kept=20)], "quiet", deal=deal(Stage.LOST, 5)),
    Scenario("lost deal, settling advice given yesterday: quiet",
             [give(), get()], "quiet", deal=deal(Stage.LOST, 3), given={"close_out": [ago(1)]}),
    # --- gentle tips
    Scenario("two gives without a word on what they gain: what's in it for them?",
             [give(), give(), get()], "wiift", says=("2 of our gives are",)),
    Scenario("their benefit written down after the gives: no WIIFT question",
             [give(made=5), give(made=5), get()], "on_track", benefit=ago(1)),
    Scenario("an ask on the shared plan unconfirmed for four days: restate it",
             [give(), get("a case study", made=10)], "restate_expectation", shared=4,
             says=("4 days",)),
    Scenario("a private ask is never restated on the shared plan",
             [give(), get("a case study", made=10, private=True)], "on_track", shared=4),
    Scenario("they delivered yesterday, on time: thank them",
             [give(), get("the logo", due=-1, kept=1)], "celebrate_kept",
             says=("They delivered", "on time")),
    Scenario("we delivered a day late: still worth telling them, with the lateness shown",
             [give("the deck", due=3, kept=2), get()], "celebrate_kept",
             says=("1 day after it was due",)),
    Scenario("every tip said lately: quiet",
             [give(), get()], "quiet", given={"on_track": [ago(1)]}, benefit=ago(0)),
    # --- stage changes
    Scenario("a stage moving backwards, signed to negotiation: the terms question",
             [give(), get()], "stage_terms", deal=deal(Stage.NEGOTIATION, 0), stage_changed=True),
    Scenario("proposal with a follow-up pending: the stage's question wins",
             [give(), get(due=4)], "stage_terms", deal=deal(Stage.PROPOSAL, 0), stage_changed=True),
    Scenario("prospecting with nothing recorded: no '0 things'",
             [], "stage_opening", deal=deal(Stage.PROSPECTING, 0), stage_changed=True,
             never=("0 things",)),
    # --- time zones around midnight
    Scenario("19:30 in Los Angeles, our item due today there (tomorrow in UTC): not late",
             [give("the pilot kickoff", due=0, today=LA_TODAY), get()], "on_track",
             now=LA_EVENING, today=LA_TODAY, says=("due today",), never=("overdue",)),
    Scenario("02:00 in Auckland, our item due yesterday there (today in UTC): one day late",
             [give("the SOW", due=1, today=AUCKLAND_TODAY), get()], "our_late",
             now=AUCKLAND_MORNING, today=AUCKLAND_TODAY, says=("1 day overdue",)),
    # --- scale and privacy
    Scenario("500 items, half of each side late: the counts stay exact",
             [give(due=n % 30 - 10) for n in range(250)] + [get(due=n % 30 - 10) for n in range(250)],
             "our_late", says=("and 151 more of ours late",)),
    Scenario("only private items: advice as for shared ones",
             [give(private=True), get(private=True, due=5)], "follow_up"),
]


def render(nudge: Nudge, items: list[Commitment], today: date) -> tuple[str, str, str, Balance]:
    """The coaching paragraph, its small print and the balance line, as a message shows them."""
    env = environment()
    coaching = env.get_template("_coaching.j2").module
    ledger_balance = balance(items, today)
    line = str(env.get_template("_macros.j2").module.balance_text(ledger_balance))
    return str(coaching.text(nudge)), str(coaching.reason(nudge)), line, ledger_balance


def check_words_match_numbers(nudge: Nudge, text: str, reason: str, b: Balance, today: date,
                              items: list[Commitment]) -> None:
    """No sentence contradicts the numbers of the same message."""
    words = f"{text}\n{reason}"
    gives, gets = b.give.total, b.get.total
    assert not re.search(r"(?<![\d,])1 (days|things|promises|gives)\b", words), words
    assert not re.search(r"\b(0|1) of our promises are\b", words), words
    assert "0 of 0" not in words and "offered 0" not in words, words
    if "generous" in words.lower():
        assert gives > 0, words
    broken = sum(1 for c in items if c.side == "give" and c.is_broken)
    if "asked for" in words and "offered nothing" in words:
        assert gives == 0 and gets > 0 and not broken, words
    if "Every promise on both sides is kept" in words:
        assert b.give.open == 0 and b.get.open == 0 and not any(c.is_broken for c in items), words
    if "didn't keep" in words:
        assert broken, words
    if "dropped after" in words:
        assert any(c.is_broken for c in items), words
    if "One of *our* promises" in words:
        assert b.give.overdue == 1, words
    if "Nothing needs you" in words:
        assert b.give.overdue == 0 and not any(
            c.side == "give" and c.is_open and c.due_on == today for c in items), words
    for kept in re.findall(r"we kept (\d+)\b(?! of| before)", reason):
        assert int(kept) == b.give.kept, reason
    for late in re.findall(r"(\d+) of theirs (?:overdue|late in all)", reason):
        assert int(late) == b.get.overdue, reason
    for more in re.findall(r"and (\d+) more of ours late", reason):
        assert int(more) == b.give.overdue - 1, reason
    if "overdue" in words and nudge.id not in ("stage_lost",):
        assert b.give.overdue or b.get.overdue, words


def check_advice(nudge: Nudge, scenario: Scenario) -> str:
    """``nudge`` is the scenario's, says its words and none it must not, and its words don't
    contradict the numbers shown beside them; returns what was shown, for messages."""
    text, reason, line, b = render(nudge, scenario.items, scenario.today)
    shown = f"{line}\n{text}\n{reason}"
    assert nudge.id == scenario.expect, shown
    for words in scenario.says:
        assert words in text or words in reason, f"{words!r} missing from:\n{shown}"
    for words in scenario.never:
        assert words.lower() not in f"{text}\n{reason}".lower(), f"{words!r} in:\n{shown}"
    check_words_match_numbers(nudge, text, reason, b, scenario.today, scenario.items)
    return shown


@pytest.mark.parametrize("scenario", SCENARIOS, ids=[s.name for s in SCENARIOS])
def test_scenario(scenario: Scenario) -> None:
    nudge = assess(scenario.history())
    shown = check_advice(nudge, scenario)
    assert nudge.repeat is scenario.repeat, shown


def test_there_are_at_least_forty_scenarios_with_distinct_names() -> None:
    assert len(SCENARIOS) >= 40
    assert len({s.name for s in SCENARIOS}) == len(SCENARIOS)


@given(history=histories())
@settings(max_examples=300, suppress_health_check=[HealthCheck.too_slow])
def test_no_random_history_gets_words_that_contradict_its_numbers(history: ChannelHistory) -> None:
    """The checks above, over random histories: whatever the advice, its words fit the counts."""
    nudge = assess(history)
    text, reason, _, b = render(nudge, list(history.items), history.today)
    check_words_match_numbers(nudge, text, reason, b, history.today, list(history.items))
