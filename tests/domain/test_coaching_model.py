"""The coaching model, situation by situation: which one nudge, and the reason shown under it.

Each case is a channel's history told in plain words. Times are relative to NOW (a Monday
afternoon); ``d(n)`` is n days before NOW. The thresholds sit exactly on their edges, so
moving any constant in bot/domain/coaching.py by one unit fails a case here.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from bot.domain import coaching as model
from bot.domain.coaching import ChannelHistory, DealState, assess, severity
from bot.domain.ledger import Commitment, side_record
from bot.domain.stages import Stage
from bot.messages import environment

NOW = datetime(2026, 12, 14, 15, 0, tzinfo=UTC)
TODAY = NOW.date()


def d(days: float) -> datetime:
    """``days`` days before NOW."""
    return NOW - timedelta(days=days)


_numbers = iter(range(1, 10**6))


def item(side: str, what: str = "", *, made: float = 30, due: float | None = None,
         kept: float | None = None, dropped: float | None = None, confirmed: float | None = None,
         private: bool = False) -> Commitment:
    """One commitment; ``due``/``kept``/``dropped`` are days before NOW (negative: in the future)."""
    status, closed = "open", None
    if kept is not None:
        status, closed = "done", d(kept)
    if dropped is not None:
        status, closed = "dropped", d(dropped)
    number = next(_numbers) % 1000
    return Commitment(
        number=number, side=side, what=what or f"{side} {number}", owner="U0ALICE",
        created_by="U0ALICE", created_at=d(made),
        due_on=(NOW - timedelta(days=due)).date() if due is not None else None,
        status=status, closed_at=closed, visibility="private" if private else "shared",
        confirmed_at=d(confirmed) if confirmed is not None else None,
        confirmed_by="partner" if confirmed is not None else None)


def give(what: str = "", **kw: Any) -> Commitment:
    return item("give", what, **kw)


def get(what: str = "", **kw: Any) -> Commitment:
    return item("get", what, **kw)


def deal(stage: Stage, since: float = 5) -> DealState:
    return DealState("Acme", stage, d(since), signed_at=d(since) if stage is Stage.SIGNED else None)


@dataclass
class Case:
    """A situation in plain words, the nudge it should get, and the reason shown under it."""

    name: str
    items: list[Commitment]
    expect: str
    reason: str
    deal: DealState | None = None
    given: dict[str, list[datetime]] = field(default_factory=dict)
    benefit: datetime | None = None
    stage_changed: bool = False
    repeat: bool = False
    shared: float | None = None  # days before NOW the plan's live share link was made (None: no link)

    def history(self) -> ChannelHistory:
        return ChannelHistory(items=self.items, now=NOW, today=TODAY, deal=self.deal, given=self.given,
                              benefit_noted_at=self.benefit, stage_changed=self.stage_changed,
                              plan_shared_on=d(self.shared).date() if self.shared is not None else None)


def reason_text(nudge: model.Nudge) -> str:
    """The small print under a nudge, as the templates render it."""
    return str(environment().get_template("_coaching.j2").module.reason(nudge))


SIGNED_12 = deal(Stage.SIGNED, since=12)
SIGNED_40 = deal(Stage.SIGNED, since=40)

CASES = [
    # --- openings: what we give, what we ask
    Case("a new channel with nothing on the ledger asks what we give to receive",
         [], "empty", "Nothing is recorded on either side yet."),
    Case("a ledger holding only dropped items is still empty: dropped items never count",
         [give(dropped=2), get(dropped=1)], "empty",
         "Nothing is recorded on either side yet (2 dropped, which don't count)."),
    Case("asking for an intro while offering nothing asks what we are giving",
         [get("an intro to their CFO")], "asking_without_giving",
         "We've asked for 1 thing and offered nothing yet."),
    Case("four things offered and nothing asked is a generous opener, not a one-way exchange",
         [give(), give(), give(), give()], "generous_opener",
         "We've offered 4 things; nothing is recorded yet of what we expect back."),
    Case("a dropped give is not counted in the opener's evidence",
         [give(), give(dropped=1)], "generous_opener",
         "We've offered 1 thing; nothing is recorded yet of what we expect back."),
    # --- our own slips come first
    Case("our promise due yesterday: own the slip",
         [give("the security questionnaire", due=1), get()], "our_late",
         "*#{n}* the security questionnaire (ours) was due Sun 13 Dec 2026: 1 day overdue."),
    Case("our promise due today is not late yet",
         [give(due=0), get()], "on_track", "We promised 1 and kept 0; they promised 1 and kept 0."),
    Case("our slip outranks even a long stall of theirs after the brave conversation",
         [give("the deck", due=2), give(kept=40), get(due=30)], "our_late",
         "*#{n}* the deck (ours) was due Sat 12 Dec 2026: 2 days overdue.",
         given={"brave_conversation": [d(10)]}),
    # --- their slips: follow up, then the brave conversation
    Case("their promise a day late is a busy day, not a problem",
         [give(), get(due=1)], "on_track",
         "We promised 1 and kept 0; they promised 1 and kept 0; 1 of theirs just past due."),
    Case("their promise two days late earns a friendly follow-up",
         [give(), get("a reference call", due=2)], "follow_up",
         "*#{n}* a reference call (theirs) is 2 days overdue; they kept 0 so far."),
    Case("nine days of their silence is still a follow-up",
         [give(kept=20), get("the budget numbers", due=9)], "follow_up",
         "*#{n}* the budget numbers (theirs) is 9 days overdue; they kept 0 so far."),
    Case("ten days of their silence after we delivered is time for the brave conversation",
         [give(kept=20), get(due=10), get(due=4)], "brave_conversation",
         "Nothing of theirs kept in 10 days (none kept yet); 2 of theirs overdue, the oldest by 10 days; "
         "we kept 1."),
    Case("ten days of their silence when we have delivered nothing ourselves stays a follow-up",
         [give(), get("the intro", due=10)], "follow_up",
         "*#{n}* the intro (theirs) is 10 days overdue; they kept 0 so far."),
    Case("an old late item while they delivered something else three days ago is a follow-up",
         [give(kept=20), get("the case study", due=15), get(kept=3)], "follow_up",
         "*#{n}* the case study (theirs) is 15 days overdue; they kept 1 so far."),
    Case("many open asks and many gives, nothing late: counts alone never alarm",
         [give(), give(), give(), give(), give(), give(), get(due=-5)], "on_track",
         "We promised 6 and kept 0; they promised 1 and kept 0.", benefit=d(1)),
    # --- walking away needs a pattern and an earlier brave conversation
    Case("three weeks of their silence, brave conversation suggested a week ago: walk-away is fair",
         [give(kept=30), get(due=21)], "walk_away",
         "Nothing of theirs kept in the 7 days since I suggested the brave conversation (Mon 7 Dec 2026); "
         "the oldest of theirs is 21 days overdue; we kept 1.",
         given={"brave_conversation": [d(7)]}),
    Case("brave conversation suggested only six days ago: not yet walk-away",
         [give(kept=30), get(due=21)], "brave_conversation",
         "Nothing of theirs kept in 21 days (none kept yet); 1 of theirs overdue, the oldest by 21 days; "
         "we kept 1.",
         given={"brave_conversation": [d(6)]}),
    Case("twenty days of silence is short of the walk-away pattern, however long ago the talk",
         [give(kept=30), get(due=20)], "brave_conversation",
         "Nothing of theirs kept in 20 days (none kept yet); 1 of theirs overdue, the oldest by 20 days; "
         "we kept 1.",
         given={"brave_conversation": [d(10)]}),
    Case("a long stall without any brave conversation yet gets the brave conversation first",
         [give(kept=50), get(due=40)], "brave_conversation",
         "Nothing of theirs kept in 40 days (none kept yet); 1 of theirs overdue, the oldest by 40 days; "
         "we kept 1."),
    Case("something of theirs kept after the brave conversation resets the walk-away clock",
         [give(kept=40), get("the logo", due=30), get(kept=5)], "follow_up",
         "*#{n}* the logo (theirs) is 30 days overdue; they kept 1 so far.",
         given={"brave_conversation": [d(12)]}),
    # --- after the signature: delivery, and escalation instead of walking away
    Case("after signature, three weeks of silence and an old brave talk is not yet escalation",
         [give(kept=30), get(due=21)], "brave_conversation",
         "Nothing of theirs kept in 21 days (none kept yet); 1 of theirs overdue, the oldest by 21 days; "
         "we kept 1.",
         deal=SIGNED_40, given={"brave_conversation": [d(10)]}),
    Case("after signature, a month of silence two weeks after the brave talk: escalate to their sponsor",
         [give(kept=45), get(due=30)], "escalate",
         "Nothing of theirs kept in the 14 days since I suggested the brave conversation (Mon 30 Nov 2026); "
         "the oldest of theirs is 30 days overdue; we kept 1.",
         deal=SIGNED_40, given={"brave_conversation": [d(14)]}),
    Case("after signature, the brave talk thirteen days ago is too recent to escalate",
         [give(kept=45), get(due=30)], "brave_conversation",
         "Nothing of theirs kept in 30 days (none kept yet); 1 of theirs overdue, the oldest by 30 days; "
         "we kept 1.",
         deal=SIGNED_40, given={"brave_conversation": [d(13)]}),
    Case("after signature, twenty-nine days of silence is short of escalation",
         [give(kept=45), get(due=29)], "brave_conversation",
         "Nothing of theirs kept in 29 days (none kept yet); 1 of theirs overdue, the oldest by 29 days; "
         "we kept 1.",
         deal=SIGNED_40, given={"brave_conversation": [d(20)]}),
    Case("after signature, our open promises are the focus",
         [give(kept=13), give(due=-3), give(kept=2), get(kept=1), get(kept=3), get()], "follow_through",
         "1 of ours open, the next due Thu 17 Dec 2026; "
         "1 of ours kept since the signature on Wed 2 Dec 2026.",
         deal=SIGNED_12, given={"celebrate_kept": [d(0.5)]}),
    Case("a promise kept before the signature is not celebrated as kept since it",
         [give(kept=13), give()], "follow_through",
         "1 of ours open; 0 of ours kept since the signature on Wed 2 Dec 2026.",
         deal=deal(Stage.SIGNED, since=12)),
    Case("their delivery yesterday is celebrated",
         [give(), get("the intro", due=3, kept=1)], "celebrate_kept",
         "*#{n}* the intro (theirs) kept Sun 13 Dec 2026, 2 days after it was due."),
    Case("our delivery on time six days ago is still worth celebrating",
         [give("the pilot", due=5, kept=6), get()], "celebrate_kept",
         "*#{n}* the pilot (ours) kept Tue 8 Dec 2026, on time (1 day early)."),
    Case("a delivery seven days ago is old news",
         [give(kept=7), get()], "on_track", "We promised 1 and kept 1; they promised 1 and kept 0."),
    Case("a delivery celebrated the moment it was marked done is not celebrated again",
         [give(kept=2), get()], "on_track", "We promised 1 and kept 1; they promised 1 and kept 0.",
         given={"celebrate_kept": [d(2)]}),
    Case("late deliveries on both sides are counted as late in the quiet on-track note",
         [give(due=9, kept=8), get(due=12, kept=9), get(due=12, kept=12)], "on_track",
         "We promised 1 and kept 1 (1 late); they promised 2 and kept 2 (1 late)."),
    Case("a brave conversation suggested before their last delivery doesn't count toward walking away",
         [give(kept=50), get(due=40), get(kept=25)], "brave_conversation",
         "Nothing of theirs kept in 25 days (the last on Thu 19 Nov 2026); 1 of theirs overdue, "
         "the oldest by 40 days; we kept 1.",
         given={"brave_conversation": [d(30)]}),
    Case("a brave conversation suggested the very moment they delivered doesn't count toward walking away",
         [give(kept=50), get(due=40), get(kept=25)], "brave_conversation",
         "Nothing of theirs kept in 25 days (the last on Thu 19 Nov 2026); 1 of theirs overdue, "
         "the oldest by 40 days; we kept 1.",
         given={"brave_conversation": [d(25)]}),
    Case("an empty ledger already prompted yesterday: say nothing new",
         [], "quiet", "Nothing new from me since my last tip (Sun 13 Dec 2026).", given={"empty": [d(1)]}),
    Case("asking without giving already said yesterday: say nothing new",
         [get()], "quiet", "Nothing new from me since my last tip (Sun 13 Dec 2026).",
         given={"asking_without_giving": [d(1)]}),
    Case("a generous opener already said yesterday: say nothing new",
         [give()], "quiet", "Nothing new from me since my last tip (Sun 13 Dec 2026).",
         given={"generous_opener": [d(1)]}),
    Case("a promise marked done this very moment is celebrated",
         [give("the deck", kept=0), get()], "celebrate_kept", "*#{n}* the deck (ours) kept Mon 14 Dec 2026."),
    Case("a promise kept at the very second of the signature counts as kept since it",
         [give("the agenda", kept=5), give()], "celebrate_kept",
         "*#{n}* the agenda (ours) kept Wed 9 Dec 2026, after the signature.",
         deal=deal(Stage.SIGNED, since=5)),
    Case("our promise kept at the very second of the signature counts toward follow-through",
         [give(kept=12), give()], "follow_through",
         "1 of ours open; 1 of ours kept since the signature on Wed 2 Dec 2026.",
         deal=deal(Stage.SIGNED, since=12)),
    Case("after signature with nothing of ours open, there is nothing to follow through",
         [give(kept=20), get()], "on_track", "We promised 1 and kept 1; they promised 1 and kept 0.",
         deal=deal(Stage.SIGNED, since=12)),
    Case("a dropped give doesn't count toward the WIIFT question",
         [give(), give(dropped=1), get()], "on_track",
         "We promised 1 and kept 0; they promised 1 and kept 0."),
    Case("gives logged in the same debrief that states the benefit don't need the WIIFT question",
         [give(made=3), give(made=3), get()], "on_track",
         "We promised 2 and kept 0; they promised 1 and kept 0.", benefit=d(3)),
    Case("on track said this very moment: nothing new to say",
         [give(), get()], "quiet", "Nothing new from me since my last tip (Mon 14 Dec 2026).",
         given={"on_track": [NOW]}),
    Case("a delivery already celebrated is not celebrated again",
         [give(kept=2), get()], "on_track", "We promised 1 and kept 1; they promised 1 and kept 0.",
         given={"celebrate_kept": [d(1)]}),
    # --- stage changes ask the stage's own question
    Case("a deal qualifying asks what we give to receive",
         [], "stage_opening", "Nothing offered or asked yet.",
         deal=deal(Stage.QUALIFIED, 0), stage_changed=True),
    Case("a deal in negotiation with their item three days late still gets the stage question",
         [give(), get(due=3)], "stage_terms", "So far we've offered 1 thing and asked for 1.",
         deal=deal(Stage.NEGOTIATION, 0), stage_changed=True),
    Case("on signing day, with nothing late, the coach asks not to switch off",
         [give(kept=3), give(due=-4), get(kept=1)], "stage_signed",
         "1 of our promises is still open, the next due Fri 18 Dec 2026; we kept 1 before signing.",
         deal=deal(Stage.SIGNED, 0), stage_changed=True),
    Case("on signing day, our own late promise comes before the congratulations",
         [give("the SOC2 report", due=1), get()], "our_late",
         "*#{n}* the SOC2 report (ours) was due Sun 13 Dec 2026: 1 day overdue.",
         deal=deal(Stage.SIGNED, 0), stage_changed=True),
    Case("a stage change during a brave-conversation stall keeps the brave conversation",
         [give(kept=20), get(due=12)], "brave_conversation",
         "Nothing of theirs kept in 12 days (none kept yet); 1 of theirs overdue, the oldest by 12 days; "
         "we kept 1.",
         deal=deal(Stage.NEGOTIATION, 0), stage_changed=True),
    Case("a lost deal asks for a short reflection",
         [give(kept=9), get()], "stage_lost", "We kept 1 of 1; they kept 0 of 1.",
         deal=deal(Stage.LOST, 0), stage_changed=True),
    # --- saying little, and the WIIFT question now and then
    Case("balanced and flowing, on track was said two days ago: say nothing new",
         [give(), get()], "quiet", "Nothing new from me since my last tip (Sat 12 Dec 2026).",
         given={"on_track": [d(2)]}),
    Case("balanced and flowing, on track was said three days ago: a quiet on track again",
         [give(), get()], "on_track", "We promised 1 and kept 0; they promised 1 and kept 0.",
         given={"on_track": [d(3)]}),
    Case("two gives with no word on what's in it for them get the WIIFT question",
         [give(), give(), get()], "wiift", "2 of our gives are logged with no note of what they gain."),
    Case("one give without a stated benefit is not enough for the WIIFT question",
         [give(), get()], "on_track", "We promised 1 and kept 0; they promised 1 and kept 0."),
    Case("gives logged before the benefit was written down don't need the WIIFT question",
         [give(made=5), give(made=4), get()], "on_track",
         "We promised 2 and kept 0; they promised 1 and kept 0.", benefit=d(3)),
    Case("the WIIFT question asked six days ago is not asked again",
         [give(), give(), get()], "on_track", "We promised 2 and kept 0; they promised 1 and kept 0.",
         given={"wiift": [d(6)]}),
    Case("the WIIFT question comes back after a week",
         [give(), give(), get()], "wiift", "2 of our gives are logged with no note of what they gain.",
         given={"wiift": [d(7)]}),
    # --- the shared plan: expectations they haven't said yes to
    Case("an expectation on the shared plan three days without their yes is stated again",
         [give(), get("the reference call", made=3)], "restate_expectation",
         "*#{n}* the reference call (theirs) has waited 3 days on the shared plan "
         "without their confirmation.", shared=10),
    Case("an expectation two days without their yes is left alone",
         [give(), get(made=2)], "on_track", "We promised 1 and kept 0; they promised 1 and kept 0.",
         shared=10),
    Case("without a share link an unconfirmed expectation is not raised: they can't confirm it",
         [give(), get(made=20)], "on_track", "We promised 1 and kept 0; they promised 1 and kept 0."),
    Case("an expectation they confirmed needs no restating",
         [give(), get(made=20, confirmed=15)], "on_track",
         "We promised 1 and kept 0; they promised 1 and kept 0.", shared=20),
    Case("a private expectation is not on their plan, so it is never restated",
         [give(), get(made=20, private=True)], "on_track",
         "We promised 1 and kept 0; they promised 1 and kept 0.", shared=20),
    Case("days count from when they could see it: a link made two days ago is too recent",
         [give(), get(made=20)], "on_track", "We promised 1 and kept 0; they promised 1 and kept 0.",
         shared=2),
    Case("a link made three days ago on an old expectation: three days waiting",
         [give(), get("the logo", made=20)], "restate_expectation",
         "*#{n}* the logo (theirs) has waited 3 days on the shared plan without their confirmation.",
         shared=3),
    Case("of several unconfirmed, the longest-waiting is named and all are counted",
         [give(), get("a quote", made=4), get("the intro", made=9), get(made=1)], "restate_expectation",
         "*#{n}* the intro (theirs) has waited 9 days on the shared plan without their confirmation; "
         "2 of theirs have waited that long.", shared=30),
    Case("restating said two days ago is not repeated: the next tip instead",
         [give(), get(made=9)], "on_track", "We promised 1 and kept 0; they promised 1 and kept 0.",
         shared=30, given={"restate_expectation": [d(2)]}),
    Case("an unconfirmed expectation that is also two days late gets the follow-up",
         [give(), get("the logo", made=9, due=2)], "follow_up",
         "*#{n}* the logo (theirs) is 2 days overdue; they kept 0 so far.", shared=30),
    Case("our own slip outranks restating their expectation",
         [give("the deck", due=1), get(made=9)], "our_late",
         "*#{n}* the deck (ours) was due Sun 13 Dec 2026: 1 day overdue.", shared=30),
    Case("a follow-up said yesterday is said again, shorter",
         [give(), get("the logo", due=4)], "follow_up",
         "*#{n}* the logo (theirs) is 4 days overdue; they kept 0 so far.",
         given={"follow_up": [d(1)]}, repeat=True),
    # --- promises left without a date (STALE_AFTER_DAYS on both sides of its edge)
    Case("a promise open exactly six weeks without a date: agree one",
         [give("joint webinar", made=42), get(due=-5)], "set_dates",
         "1 of ours open with no date, the oldest made 42 days ago."),
    Case("a promise open a day short of six weeks without a date: still on track",
         [give("joint webinar", made=41.9), get(due=-5)], "on_track",
         "We promised 1 and kept 0; they promised 1 and kept 0.", benefit=d(0)),
    # --- a lost deal reopened: the reopening restarts their clock, like a signature
    Case("reopened ten days ago, theirs long late and nothing kept since: the brave conversation",
         [give(kept=40), get("the data export", due=30)], "brave_conversation",
         "Nothing of theirs kept in 10 days since the deal was reopened (Fri 4 Dec 2026); "
         "1 of theirs overdue, the oldest by 30 days; we kept 1.",
         deal=DealState("Acme", Stage.NEGOTIATION, d(10), reopened_at=d(10))),
    Case("reopened nine days ago, theirs long late: a follow-up, not yet the brave conversation",
         [give(kept=40), get("the data export", due=30)], "follow_up",
         "*#{n}* the data export (theirs) is 30 days overdue; they kept 0 so far.",
         deal=DealState("Acme", Stage.NEGOTIATION, d(9), reopened_at=d(9))),
]


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_situation(case: Case) -> None:
    nudge = assess(case.history())
    assert nudge.id == case.expect
    assert nudge.repeat is case.repeat
    number = nudge.evidence.get("item_number")
    assert reason_text(nudge) == case.reason.replace("{n}", str(number))


def test_there_are_at_least_25_named_situations() -> None:
    assert len({c.name for c in CASES}) == len(CASES) >= 25


def test_the_severity_ladder() -> None:
    ladder = [model.FOLLOW_UP, model.BRAVE_CONVERSATION, model.WALK_AWAY, model.OUR_LATE]
    assert [severity(i) for i in ladder] == sorted({severity(i) for i in ladder})
    assert severity(model.ESCALATE) == severity(model.WALK_AWAY)
    for gentle in (model.EMPTY, model.ON_TRACK, model.QUIET, model.WIIFT, model.STAGE_SIGNED):
        assert severity(gentle) == 0


def test_each_stage_has_its_template() -> None:
    assert [model.stage_prompt(stage) for stage in Stage] == [
        "stage_early", "stage_early", "stage_closing", "stage_closing", "stage_signed", "stage_renewal",
        "stage_lost", "stage_on_hold"]


def test_the_stage_question_names_the_deal_in_its_other_phrasings() -> None:
    nudge = assess(Case("", [], "", "", deal=deal(Stage.QUALIFIED, 0), stage_changed=True).history())
    text = environment().get_template("_coaching.j2").module.text
    assert "*Acme*" in str(text(nudge, 1)) and "*Acme*" in str(text(nudge, 2))


def test_a_history_needs_only_the_ledger_and_the_time() -> None:
    """No deal, no advice given yet, no benefit written down, not a stage post: the defaults."""
    nudge = assess(ChannelHistory(items=[give(), give(), get()], now=NOW, today=TODAY))
    assert nudge.id == "wiift" and not nudge.repeat
    assert model.Nudge("quiet").evidence == {}


def test_nudges_and_histories_are_values_that_cannot_change() -> None:
    history = Case("", [give()], "", "", deal=deal(Stage.SIGNED)).history()
    nudge = assess(history)
    record = side_record(history.items, "give", TODAY)
    for value, name in [(history, "now"), (history.deal, "stage"), (nudge, "id"), (record, "kept")]:
        with pytest.raises(AttributeError):
            setattr(value, name, None)


def test_restating_an_expectation_quotes_their_item_inert() -> None:
    hostile = "<!channel> call <@U0BOB> at <http://x|y>"
    nudge = assess(Case("", [give(), get(hostile, made=5)], "", "", shared=9).history())
    assert nudge.id == model.RESTATE_EXPECTATION and nudge.evidence["days"] == 5
    reason = reason_text(nudge)
    assert "&lt;!channel&gt; call &lt;@U0BOB&gt; at &lt;http://x|y&gt;" in reason
    assert "<" not in reason.replace("&lt;", "")


def numbered(c: Commitment, number: int) -> Commitment:
    """The same commitment under a chosen number (tie-breaks go by number)."""
    from dataclasses import replace

    return replace(c, number=number)


def test_side_record_counts_every_kept_late_and_dropped_item_not_just_one():
    items = [give(due=10, kept=5), give(due=9, kept=4), give(due=20, kept=25),
             give(dropped=3), give(dropped=2), get(dropped=1)]
    record = side_record(items, "give", TODAY)
    assert (record.kept, record.kept_late, record.dropped, record.promised) == (3, 2, 2, 3)


def test_side_record_an_item_due_today_is_not_overdue_yet():
    record = side_record([give(due=0), give(due=1)], "give", TODAY)
    assert (record.open, record.overdue, record.oldest_due_days) == (2, 1, 1)


def test_side_record_ties_go_to_the_lowest_number_when_due_and_the_highest_when_kept():
    due_same = [numbered(give(due=4), 7), numbered(give(due=4), 3), numbered(give(due=4), 5)]
    assert side_record(due_same, "give", TODAY).oldest_due.number == 3
    kept_same = [numbered(give(kept=2), 4), numbered(give(kept=2), 9), numbered(give(kept=2), 6)]
    assert side_record(kept_same, "give", TODAY).last_kept.number == 9
