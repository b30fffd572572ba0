"""The coaching model: which one piece of partnership advice fits a channel right now.

Advice is about behaviour over time, not about the sizes of the two columns. The
model reads a channel's history (what each side promised, kept, kept late, dropped
and lets slip, for how long; the deal's stage and signature; the advice already
given here) and returns exactly one :class:`Nudge` with the evidence behind it.
Texts live in ``prompts/_coaching.j2``; this module only decides.

The thresholds below are the product's opinion; each has a one-line reason and
a test that fails when it moves by one unit (see docs/coaching.md).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from functools import cached_property
from typing import Any

from bot.domain.ledger import Commitment, SideRecord, side_records
from bot.domain.mutual_plan import days_unconfirmed
from bot.domain.stages import Stage

# --- the product's opinion -------------------------------------------------------------
# Our own promise is worth owning from its first late day: tell them before they ask.
OUR_LATE_AFTER_DAYS = 1
# One late day of theirs is often a busy day; from the second a friendly follow-up helps.
FOLLOW_UP_AFTER_DAYS = 2
# Ten days with nothing of theirs moving is a pattern worth naming: the brave conversation.
BRAVE_AFTER_DAYS = 10
# We only have standing to raise it once we have delivered something ourselves (and while they
# haven't delivered far more than we have: see THEIR_WAY_AFTER_KEPT and GAVE_MORE_RATIO).
BRAVE_MIN_OURS_KEPT = 1
# Before signature, three weeks of their silence is long enough to question the deal ...
WALK_AWAY_AFTER_DAYS = 21
# ... but only once the brave conversation was suggested at least a week earlier.
BRAVE_BEFORE_WALK_DAYS = 7
# After signature the bar is higher: a month of their silence ...
ESCALATE_AFTER_DAYS = 30
# ... and the brave conversation suggested at least two weeks earlier; then escalate, not leave.
BRAVE_BEFORE_ESCALATE_DAYS = 14
# A gentle tip is not repeated within three days: saying little is part of the advice.
NO_REPEAT_DAYS = 3
# Two gives logged without a word about what's in it for them earns the WIIFT question ...
WIIFT_AFTER_GIVES = 2
# ... at most once a week, so it stays a prompt and not a nag.
WIIFT_REPEAT_DAYS = 7
# ... and asked three times about the same gives with no answer, it rests until a new give is
# logged: a weekly digest repeating it for a year would be nagging.
WIIFT_MAX_ASKS = 3
# A kept promise is worth celebrating for a week after it was kept.
CELEBRATE_WITHIN_DAYS = 7
# A promise we broke (dropped after its due date) is owned within a week of dropping it, once.
BROKEN_NEWS_DAYS = 7
# A promise of theirs we stopped waiting for (dropped after its due date, not by agreement) still
# counts in their silence for a month after the drop: giving up on it doesn't make the stall go away.
THEIR_BROKEN_COUNTS_DAYS = 30
# Before an opening question asks what more we'll give: having promised at least twice what we
# asked (two things or more), the question is what we hope for back.
GAVE_MORE_RATIO = 2
# Three of theirs kept while we have delivered nothing: "on track" says the exchange runs their way;
# three or more and at least GAVE_MORE_RATIO times what we kept: the next move is ours, not an ask.
THEIR_WAY_AFTER_KEPT = 3
# On the day one of ours falls due, "on track" names it, at most once a day.
DUE_TODAY_REPEAT_DAYS = 1
# Three days on the shared plan without their yes: the expectation deserves saying out loud again.
UNCONFIRMED_AFTER_DAYS = 3
# A promise open six weeks without a date is turning into empty words: agree a date, or drop
# it (a live deal would have dated it sooner).
STALE_AFTER_DAYS = 42
# A deal on hold hears the note about the pause at most once a week: a light touch, not a nag.
ON_HOLD_REPEAT_DAYS = 7
# A reopened promise (marked done by mistake, or delivered and not accepted) is news for a week,
# said once; dates a hold overtook are re-agreed in the week after the deal resumes, said once.
REOPENED_NEWS_DAYS = 7
RESUMED_NEWS_DAYS = 7

# --- nudge ids (stable: templates, tests and the coaching log use them) -----------------
EMPTY = "empty"
ASKING_WITHOUT_GIVING = "asking_without_giving"
GENEROUS_OPENER = "generous_opener"
WIIFT = "wiift"
CELEBRATE_KEPT = "celebrate_kept"
FOLLOW_THROUGH = "follow_through"
ON_TRACK = "on_track"
QUIET = "quiet"
OUR_LATE = "our_late"
FOLLOW_UP = "follow_up"
BRAVE_CONVERSATION = "brave_conversation"
WALK_AWAY = "walk_away"
ESCALATE = "escalate"
STAGE_OPENING = "stage_opening"
STAGE_TERMS = "stage_terms"
STAGE_SIGNED = "stage_signed"
STAGE_LOST = "stage_lost"
RESTATE_EXPECTATION = "restate_expectation"
CLOSE_OUT = "close_out"
SET_DATES = "set_dates"
OWN_BROKEN = "own_broken"
THEIR_BROKEN = "their_broken"
STAGE_RENEWAL = "stage_renewal"
IN_PRIVATE = "in_private"
ON_HOLD = "on_hold"
STAGE_ON_HOLD = "stage_on_hold"
RESUMED = "resumed"
REOPENED = "reopened"

# Advice about the partner's own delays: said to our team, never in a post the partner reads.
ABOUT_THEIR_SIDE = frozenset({"follow_up", "brave_conversation", "walk_away", "escalate"})

# How strongly a nudge speaks, for "never harsher" checks and for which advice wins.
# Owning our slip outranks everything: it is the one thing fully in our hands.
SEVERITY: Mapping[str, int] = {
    OUR_LATE: 5,
    # A promise we broke is owned before anything else is said about the exchange; said once.
    OWN_BROKEN: 3,
    WALK_AWAY: 4,
    ESCALATE: 4,
    BRAVE_CONVERSATION: 3,
    FOLLOW_UP: 2,
}
# At a stage change, the stage's own question wins over anything milder than this.
STAGE_YIELDS_FROM = SEVERITY[BRAVE_CONVERSATION]


def severity(nudge_id: str) -> int:
    """0 for tips and questions; higher for advice about a slipping exchange."""
    return SEVERITY.get(nudge_id, 0)


# --- what the model reads --------------------------------------------------------------


@dataclass(frozen=True)
class DealState:
    """The channel's current deal as the model sees it."""

    name: str
    stage: Stage
    stage_since: datetime  # when it entered its current stage
    # When it was last signed, while the signature stands (signed, or up for renewal).
    signed_at: datetime | None = None
    # When it came back into play after being lost (None: never lost, or lost now): the
    # partner returning to the table is their side moving, like a signature.
    reopened_at: datetime | None = None
    # It was signed at some point before its current stage: a loss now ends a partnership.
    was_signed: bool = False
    # The stage it left for this one (None: a new deal, or unknown).
    previous: Stage | None = None
    # When it came back from its last hold (None: never on hold, or paused or lost now): like a
    # reopening, their side's silence counts from there, not through the pause.
    resumed_at: datetime | None = None


@dataclass(frozen=True)
class ChannelHistory:
    """Everything the model reads about one channel, at one moment."""

    items: Sequence[Commitment]
    now: datetime
    today: date  # the local date of the person or channel the advice is for
    deal: DealState | None = None
    # Advice already given here: nudge id -> the times it was shown (any order).
    given: Mapping[str, Sequence[datetime]] = field(default_factory=dict)
    benefit_noted_at: datetime | None = None  # when someone last wrote down what's in it for them
    stage_changed: bool = False  # the message is the post about a stage change
    # The day the channel's live share link was made (None: the plan isn't shared with them).
    plan_shared_on: date | None = None
    # The message is posted where the partner's people read it (a Slack Connect channel).
    partner_reads: bool = False

    @cached_property
    def records(self) -> tuple[SideRecord, SideRecord]:
        """Both sides' records (ours, theirs) today, computed once."""
        return side_records(self.items, self.today)


@dataclass(frozen=True)
class Nudge:
    """One piece of advice: a stable id, the evidence behind it, and whether it repeats."""

    id: str
    evidence: Mapping[str, Any] = field(default_factory=dict)
    repeat: bool = False  # shown in the last few days already: the template says it shorter

    @property
    def severity(self) -> int:
        return severity(self.id)


# --- the model -------------------------------------------------------------------------


def _days(since: datetime, now: datetime) -> int:
    """Whole days from ``since`` to ``now`` (callers only pass times up to now)."""
    return (now - since).days


def _last_given(history: ChannelHistory, nudge_id: str) -> datetime | None:
    return max((t for t in history.given.get(nudge_id, ()) if t <= history.now), default=None)


def _given_within(history: ChannelHistory, nudge_id: str, days: int) -> bool:
    last = _last_given(history, nudge_id)
    return last is not None and _days(last, history.now) < days


def _stall_days(theirs: SideRecord, today: date, started_at: datetime | None = None,
                broken_due: date | None = None) -> int:
    """How long their side has been stuck: overdue, and nothing of theirs kept meanwhile.

    Signing (or reopening a lost deal) is their side moving too: the clock starts again from it.
    ``broken_due``: the earliest due date of their promises we stopped waiting for lately (see
    :func:`_their_recent_broken`): dropping one doesn't end the stall it was part of.
    """
    stall = _oldest_slip_days(theirs, today, broken_due)
    if stall is None:
        return 0
    kept_on = theirs.last_kept.closed_day if theirs.last_kept is not None else None
    if kept_on is not None:
        stall = min(stall, (today - kept_on).days)
    reopened = theirs.last_reopened
    if reopened is not None and reopened.reopened_at is not None:
        # They delivered it, though not all of it: their side moved then, it didn't stall.
        stall = min(stall, (today - reopened.reopened_at.date()).days)
    if started_at is not None:
        stall = min(stall, (today - started_at.date()).days)
    return stall


def _oldest_slip_days(theirs: SideRecord, today: date, broken_due: date | None) -> int | None:
    """Days past due of their oldest slip, open or dropped lately after its due date (an open one
    not yet due: negative); None when they have neither."""
    slips = [(today - broken_due).days] if broken_due is not None else []
    if theirs.oldest_due is not None:
        slips.append(theirs.oldest_due_days)
    return max(slips, default=None)


def _their_recent_broken(history: ChannelHistory, theirs: SideRecord) -> tuple[int, date | None]:
    """Their promises dropped after the due date, not by agreement, within the last
    THEIR_BROKEN_COUNTS_DAYS: how many, and the earliest due date among them."""
    dues = [c.due_on for c in _dropped_within(history, theirs, THEIR_BROKEN_COUNTS_DAYS)]
    return len(dues), min(dues, default=None)  # type: ignore[type-var]


def _dropped_within(history: ChannelHistory, record: SideRecord, days: int) -> list[Commitment]:
    """``record``'s broken promises dropped less than ``days`` days ago (up to now).

    Read from the record's broken promises, dropped last first, and only as far back as the
    window: a busy channel's whole history isn't walked again on each decision.
    """
    found = []
    for c in record.broken_items:
        if c.closed_at is None or c.closed_at > history.now:
            continue  # not dropped yet at this moment (a clock moved back)
        if _days(c.closed_at, history.now) >= days:
            break  # the rest were dropped earlier still
        found.append(c)
    return found


def _after_signature(history: ChannelHistory) -> bool:
    """The channel's deal is signed, or signed and up for renewal."""
    return history.deal is not None and history.deal.stage.after_signature


def _signed_at(history: ChannelHistory) -> datetime | None:
    """When the channel's deal was signed, if the signature still stands (signed, renewal)."""
    return history.deal.signed_at if _after_signature(history) else None  # type: ignore[union-attr]


def _reopened_at(history: ChannelHistory) -> datetime | None:
    """When the channel's deal came back into play after a loss, if it is in play now."""
    deal = history.deal
    return deal.reopened_at if deal is not None and deal.stage is not Stage.LOST else None


def _resumed_at(history: ChannelHistory) -> datetime | None:
    """When the channel's deal came back from a hold, if it is in play now."""
    deal = history.deal
    return deal.resumed_at if deal is not None and deal.stage not in (Stage.LOST, Stage.ON_HOLD) else None


def _fresh_start(history: ChannelHistory) -> datetime | None:
    """The last time the deal itself showed their side moving: signed, reopened after a loss, or
    resumed after a hold."""
    return max((t for t in (_signed_at(history), _reopened_at(history), _resumed_at(history))
                if t is not None), default=None)


def _on_hold(history: ChannelHistory) -> bool:
    """The channel's deal is paused by the partner: nothing of theirs is chased while it lasts."""
    return history.deal is not None and history.deal.stage is Stage.ON_HOLD


def _lost(history: ChannelHistory) -> bool:
    """The channel's deal is closed as lost: nothing of theirs is worth chasing any more."""
    return history.deal is not None and history.deal.stage is Stage.LOST


def _item_facts(prefix: str, item: Commitment | None) -> dict[str, Any]:
    if item is None:
        return {}
    return {f"{prefix}_number": item.number, f"{prefix}_what": item.what}


def assess(history: ChannelHistory, records: tuple[SideRecord, SideRecord] | None = None) -> Nudge:
    """The one nudge that fits the channel now; the order of checks is the order of urgency.

    ``records``: both sides' records if the caller has them already (they must be
    :func:`side_records` of the history's items and day), so the items aren't read again.
    """
    ours, theirs = records or history.records
    signed = _after_signature(history)
    base = {
        "ours_promised": ours.promised, "ours_kept": ours.kept, "ours_open": ours.open,
        "ours_overdue": ours.overdue, "ours_kept_late": ours.kept_late,
        "theirs_promised": theirs.promised, "theirs_kept": theirs.kept,
        "theirs_kept_late": theirs.kept_late, "theirs_overdue": theirs.overdue, "theirs_open": theirs.open,
        "ours_broken": ours.broken, "theirs_broken": theirs.broken,
        # They delivered far more than we did: the next move is ours (recognition, reciprocity),
        # not another ask.
        "they_gave_more": theirs.kept >= THEIR_WAY_AFTER_KEPT and theirs.kept >= GAVE_MORE_RATIO * ours.kept,
        # Read by the partner too: the words speak to our owner, never about "them" behind their back.
        "partner_reads": history.partner_reads,
    }
    urgent = _urgent(history, ours, theirs, signed, base)
    # The post marking a deal lost always asks for the reflection: it names our own late
    # promises in its evidence and asks what we should still deliver.
    lost_post = history.stage_changed and _lost(history)
    if urgent is not None and history.partner_reads and urgent.id in ABOUT_THEIR_SIDE:
        # Coaching on their delays, read by them, is talking about them in front of them: a
        # stage post asks its own question instead; any other post points to the private view.
        if not history.stage_changed:
            return Nudge(IN_PRIVATE, {**base, "about": urgent.id})
        urgent = None
    if urgent is not None and not lost_post and (
            not history.stage_changed or urgent.severity >= STAGE_YIELDS_FROM):
        return urgent
    if history.stage_changed and history.deal is not None:
        return _stage_nudge(history, ours, theirs, base)
    return _gentle(history, ours, theirs, signed, base)


def _urgent(history: ChannelHistory, ours: SideRecord, theirs: SideRecord, signed: bool,
            base: dict[str, Any]) -> Nudge | None:
    """Advice about a slipping exchange, most urgent first; None when nothing slips."""
    today = history.today
    if ours.oldest_due is not None and ours.oldest_due_days >= OUR_LATE_AFTER_DAYS:
        return _with_repeat(history, Nudge(OUR_LATE, {
            **base, "days": ours.oldest_due_days, "due_on": ours.oldest_due.due_on,
            **_item_facts("item", ours.oldest_due)}), ours.latest_overdue_due)
    broken = _broken_news(history, ours, OWN_BROKEN, base)
    if broken is not None:
        return broken
    if _lost(history) or _on_hold(history):
        # Keeping our own word still matters after a lost deal, and while the partner has paused
        # it; chasing theirs doesn't (a pause is not a slip).
        return None
    signed_at, started_at, resumed_at = _signed_at(history), _fresh_start(history), _resumed_at(history)
    broken_counted, broken_due = _their_recent_broken(history, theirs)
    stall = _stall_days(theirs, today, started_at, broken_due)
    # The signature or the reopening, not an overdue or kept item, is where their silence
    # started counting.
    restarted = stall < _stall_days(theirs, today, None, broken_due)
    slip_days = _oldest_slip_days(theirs, today, broken_due)
    facts = {**base, "days": theirs.oldest_due_days, "stall_days": stall,
             # Their promises we stopped waiting for this month, and the oldest slip's days past due.
             "theirs_broken_counted": broken_counted, "slip_days": slip_days,
             "theirs_last_kept_on": theirs.last_kept.closed_day  # type: ignore[union-attr]
             if theirs.last_kept else None,
             "stall_since_signature": restarted and started_at == signed_at,
             "stall_since_reopen": restarted and started_at not in (signed_at, resumed_at),
             "stall_since_resume": restarted and started_at != signed_at and started_at == resumed_at,
             "reopened_on": started_at.date() if started_at and started_at != signed_at else None,
             "signed_on": signed_at.date() if signed_at else None,
             **_item_facts("item", theirs.oldest_due)}
    leave_after, brave_before, leave_id = (
        (ESCALATE_AFTER_DAYS, BRAVE_BEFORE_ESCALATE_DAYS, ESCALATE) if signed
        else (WALK_AWAY_AFTER_DAYS, BRAVE_BEFORE_WALK_DAYS, WALK_AWAY))
    # Standing for the brave conversation (and what follows it): we delivered something, and they
    # haven't delivered far more than we have; otherwise a friendly follow-up is all that's fair.
    standing = ours.kept >= BRAVE_MIN_OURS_KEPT and not base["they_gave_more"]
    if stall >= leave_after and standing:
        brave_at = _brave_since_their_last_kept(history, theirs)
        if brave_at is not None and _days(brave_at, history.now) >= brave_before:
            return _with_repeat(history, Nudge(leave_id, {
                **facts, "brave_on": brave_at.date(), "brave_days": _days(brave_at, history.now)}))
    if stall >= BRAVE_AFTER_DAYS and standing:
        return _with_repeat(history, Nudge(BRAVE_CONVERSATION, facts))
    if theirs.oldest_due is not None and _follow_up_days(history, theirs) >= FOLLOW_UP_AFTER_DAYS:
        return _with_repeat(history, Nudge(FOLLOW_UP, facts), theirs.latest_overdue_due)
    return None


def _follow_up_days(history: ChannelHistory, theirs: SideRecord) -> int:
    """Days their oldest open promise has been waiting for a follow-up: past its due date, but
    counted from the deal's resumption when a hold overtook the date, and from its reopening
    when what they delivered wasn't accepted (that asks for a word on what's missing first)."""
    days = theirs.oldest_due_days
    oldest = theirs.oldest_due
    since = [t for t in (_resumed_at(history), oldest.reopened_at if oldest is not None else None)
             if t is not None and t <= history.now]
    for moment in since:
        days = min(days, _days(moment, history.now))
    return days


def _broken_news(history: ChannelHistory, record: SideRecord, tip: str, base: dict[str, Any]) -> Nudge | None:
    """Promises of one side (``record``'s) dropped after their due date this week and not yet
    answered with ``tip``: one nudge naming the latest, once (a broken promise is news, not a
    state that lasts). Ours are owned (:data:`OWN_BROKEN`); theirs get one polite follow-up
    (:data:`THEIR_BROKEN`: does it still matter, what would work instead) while their
    silence keeps counting (see :func:`_stall_days`)."""
    latest = record.last_broken
    if latest is None or latest.closed_at is None or latest.closed_at > history.now:
        return None
    if _days(latest.closed_at, history.now) >= BROKEN_NEWS_DAYS:
        return None
    answered = _last_given(history, tip)
    if answered is not None and answered >= latest.closed_at:
        return None
    unanswered = sum(1 for c in _dropped_within(history, record, BROKEN_NEWS_DAYS)
                     if answered is None or c.closed_at > answered)  # type: ignore[operator]
    return Nudge(tip, {**base, **_item_facts("item", latest), "due_on": latest.due_on,
                       "dropped_on": latest.closed_day, "broken_now": unanswered,
                       "late_days": (latest.closed_day - latest.due_on).days})  # type: ignore[operator]


def _brave_since_their_last_kept(history: ChannelHistory, theirs: SideRecord) -> datetime | None:
    """When the brave conversation was first suggested after they last delivered (or signed, or
    came back to a lost deal)."""
    moved = [t for t in (theirs.last_kept.closed_at if theirs.last_kept else None, _fresh_start(history))
             if t is not None]
    last_moved = max(moved, default=None)
    times = [t for t in history.given.get(BRAVE_CONVERSATION, ())
             if t <= history.now and (last_moved is None or t > last_moved)]
    return min(times, default=None)


def _with_repeat(history: ChannelHistory, nudge: Nudge, latest_slip: date | None = None) -> Nudge:
    """``nudge`` in its short form when it was given in the last few days about the same slips.

    ``latest_slip``: the latest due date among the open items it is about. One that wasn't yet
    past due when the nudge was last given is news (another owner's promise, a second one of
    theirs): "still late" would suggest it had been raised already, so it is said in full.
    """
    last = _last_given(history, nudge.id)
    if last is None or _days(last, history.now) >= NO_REPEAT_DAYS:
        return nudge
    seen_on = history.today - timedelta(days=_days(last, history.now))  # that day, where the reader is
    if latest_slip is not None and latest_slip >= seen_on:
        return nudge
    return Nudge(nudge.id, nudge.evidence, repeat=True)


def _stage_nudge(history: ChannelHistory, ours: SideRecord, theirs: SideRecord,
                 base: dict[str, Any]) -> Nudge:
    deal = history.deal
    assert deal is not None
    facts = {**base, "deal": deal.name, "next_due": ours.next_due, "was_signed": deal.was_signed,
             # This very change brought it back from lost: the partner returned to the table.
             "reopened": deal.reopened_at is not None and deal.reopened_at == deal.stage_since,
             # This very change brought it back from a hold: pick up where it paused (a signature
             # straight from a hold is a signature, congratulated as one).
             "resumed": deal.resumed_at is not None and deal.resumed_at == deal.stage_since
             and not (deal.stage is Stage.SIGNED and deal.signed_at == deal.stage_since),
             # A step back in the pipeline (negotiation to discovery): ask what changed.
             "stepped_back": deal.previous is not None and deal.stage.is_behind(deal.previous),
             "previous_label": deal.previous.label if deal.previous is not None else None,
             # We already offered far more than we asked: the question is what we hope for back.
             "gave_more": ours.promised >= GAVE_MORE_RATIO
             and ours.promised >= GAVE_MORE_RATIO * theirs.promised}
    if deal.stage is Stage.ON_HOLD:
        return Nudge(STAGE_ON_HOLD, facts)
    if deal.stage.is_early:
        return Nudge(STAGE_OPENING, facts)
    if deal.stage.is_closing:
        return Nudge(STAGE_TERMS, facts)
    if deal.stage is Stage.SIGNED:
        return Nudge(STAGE_SIGNED, {**facts, "renewed": deal.previous is Stage.RENEWAL})
    if deal.stage is Stage.RENEWAL:
        return Nudge(STAGE_RENEWAL, {**facts, **_since_signature(history, ours, theirs, deal.signed_at)})
    return Nudge(STAGE_LOST, facts)


def _since_signature(history: ChannelHistory, ours: SideRecord, theirs: SideRecord,
                     signed_at: datetime | None) -> dict[str, Any]:
    """What each side kept since the signature (everything kept, when it isn't known)."""
    return {"signed_on": signed_at.date() if signed_at else None,
            "ours_kept_since": _kept_since(history, ours, "give", signed_at),
            "theirs_kept_since": _kept_since(history, theirs, "get", signed_at)}


def _kept_since(history: ChannelHistory, record: SideRecord, side: str, moment: datetime | None) -> int:
    """How many of ``side``'s promises were kept at or after ``moment`` (None: all kept); walked
    once per record (see :meth:`SideRecord.remember`)."""
    return record.remember(("kept_since", side, moment), lambda: sum(
        1 for c in history.items if c.side == side and c.status == "done" and c.closed_at is not None
        and (moment is None or c.closed_at >= moment)))


def _first_undated(history: ChannelHistory, record: SideRecord, side: str) -> Commitment | None:
    """``side``'s open promise without a due date numbered first; walked once per record."""
    return record.remember(("first_undated", side), lambda: min(
        (c for c in history.items if c.side == side and c.is_open and c.due_on is None),
        key=lambda c: c.number, default=None))


def _made_after(history: ChannelHistory, record: SideRecord, side: str, moment: datetime) -> int:
    """How many of ``side``'s promises, not dropped, were made after ``moment``; walked once per
    record."""
    return record.remember(("made_after", side, moment), lambda: sum(
        1 for c in history.items if c.side == side and c.status != "dropped" and c.created_at > moment))


def _gentle(history: ChannelHistory, ours: SideRecord, theirs: SideRecord, signed: bool,
            base: dict[str, Any]) -> Nudge:
    """Tips for an exchange that isn't slipping; the first one not given lately, else quiet."""
    if _lost(history):
        candidates = _lost_candidates(history, ours, theirs, base)
    elif _on_hold(history):
        candidates = _hold_candidates(history, ours, theirs, base)
    else:
        candidates = _gentle_candidates(history, ours, theirs, signed, base)
    for candidate in candidates:
        if candidate.id in (THEIR_BROKEN, REOPENED, RESUMED):
            return candidate  # news, already checked against the advice given since
        if candidate.id == CELEBRATE_KEPT:
            # Each newly kept promise is news of its own; one already celebrated is not.
            last = _last_given(history, CELEBRATE_KEPT)
            if last is None or last < candidate.evidence["kept_at"]:
                return candidate
            continue
        window = {WIIFT: WIIFT_REPEAT_DAYS, ON_HOLD: ON_HOLD_REPEAT_DAYS}.get(candidate.id, NO_REPEAT_DAYS)
        if candidate.id == ON_TRACK and candidate.evidence["ours_due_today"]:
            window = DUE_TODAY_REPEAT_DAYS  # a due day is news, even after a recent "on track"
        if not _given_within(history, candidate.id, window):
            return candidate
    last = max((t for times in history.given.values() for t in times if t <= history.now), default=None)
    return Nudge(QUIET, {**base, "last_on": last.date() if last else None})


def _unconfirmed(history: ChannelHistory, base: dict[str, Any]) -> Nudge | None:
    """An expectation on the shared plan they haven't said yes to for days, the longest-waiting one.

    Days count from when they could first see it: the item's creation or the link's, the later.
    """
    if history.plan_shared_on is None:
        return None
    shared_days = max(0, (history.today - history.plan_shared_on).days)
    waiting: list[tuple[int, Commitment]] = []
    for c in history.items:
        days = days_unconfirmed(c, history.today)
        if days is not None and min(days, shared_days) >= UNCONFIRMED_AFTER_DAYS:
            waiting.append((min(days, shared_days), c))
    if not waiting:
        return None
    days, oldest = min(waiting, key=lambda w: (-w[0], w[1].number))
    return Nudge(RESTATE_EXPECTATION, {**base, **_item_facts("item", oldest), "days": days,
                                       "unconfirmed": len(waiting)})


def _latest_celebrated(history: ChannelHistory, ours: SideRecord, theirs: SideRecord,
                       signed_at: datetime | None) -> Commitment | None:
    """The latest promise kept recently enough to celebrate, and at or after ``signed_at``.

    ``signed_at``: the signature of a signed deal, or the moment a lost deal was lost (what
    was kept before either belongs to the post about that stage).

    The latest kept of all is the answer, or there is none: every other was kept earlier,
    so it is older still and before the signature too. Only one kept after ``now`` (a clock
    moved back) needs the items looked at one by one.
    """
    kept = [r.last_kept for r in (ours, theirs) if r.last_kept is not None]
    latest = max(kept, key=lambda c: (c.closed_at, c.number), default=None)
    if latest is not None and latest.closed_at is not None and latest.closed_at > history.now:
        candidates = [c for c in history.items if c.status == "done" and c.closed_at is not None
                      and c.closed_at <= history.now]
        latest = max(candidates, key=lambda c: (c.closed_at, c.number), default=None)
    if latest is None or latest.closed_at is None:
        return None
    if _days(latest.closed_at, history.now) >= CELEBRATE_WITHIN_DAYS:
        return None
    if signed_at is not None and latest.closed_at < signed_at:
        return None
    return latest


def _celebration(history: ChannelHistory, ours: SideRecord, theirs: SideRecord,
                 signed_at: datetime | None, base: dict[str, Any],
                 lost_at: datetime | None = None) -> Nudge | None:
    """The latest promise kept recently enough to be news, as a nudge; None when there is none.

    ``lost_at``: after a lost deal only what was kept since the loss is news; the post marking
    it lost already reflected on what each side kept before.
    """
    latest = _latest_celebrated(history, ours, theirs, signed_at or lost_at)
    if latest is None:
        return None
    assert latest.closed_at is not None
    # Days after (late) or before (early) its due date; a kept promise's timing is part of the news.
    ahead = (latest.due_on - latest.closed_day).days if latest.due_on and latest.closed_day else 0  # type: ignore[operator]
    late_days, early_days = max(0, -ahead), max(0, ahead)
    return Nudge(CELEBRATE_KEPT, {
        **base, **_item_facts("item", latest), "side": latest.side, "late_days": late_days,
        "early_days": early_days,
        "due_on": latest.due_on,
        "kept_on": latest.closed_day, "kept_at": latest.closed_at,
        "since_signature": signed_at is not None})


def _lost_candidates(history: ChannelHistory, ours: SideRecord, theirs: SideRecord,
                     base: dict[str, Any]) -> list[Nudge]:
    """After a lost deal: thank them for what they still delivered, and settle what's open.

    Opening questions, "on track" and what's-in-it-for-them would all speak of a deal that
    is over; the stage post has already asked for the reflection.
    """
    found: list[Nudge] = []
    lost_at = history.deal.stage_since if history.deal is not None else None
    celebration = _celebration(history, ours, theirs, None, base, lost_at)
    if celebration is not None:
        found.append(celebration)
    if ours.open or theirs.open:
        # Name the promise of ours to settle first: the one due first, else the oldest undated one.
        first = ours.oldest_due or _first_undated(history, ours, "give")
        found.append(Nudge(CLOSE_OUT, {**base, **_item_facts("item", first)}))
    return found


def _hold_candidates(history: ChannelHistory, ours: SideRecord, theirs: SideRecord,
                     base: dict[str, Any]) -> list[Nudge]:
    """While the partner has paused the deal: a reopened promise and a kept one are still news;
    otherwise one light note a week (the pause acknowledged, our own promises still owed)."""
    found = [n for n in (_reopened_news(history, ours, theirs, base),
                         _celebration(history, ours, theirs, None, base)) if n is not None]
    deal = history.deal
    assert deal is not None
    next_item = ours.oldest_due or _first_undated(history, ours, "give")
    found.append(Nudge(ON_HOLD, {**base, **_item_facts("item", next_item), "deal": deal.name,
                                 "held_on": deal.stage_since.date(),
                                 "held_days": max(0, _days(deal.stage_since, history.now)),
                                 "next_due": ours.next_due}))
    return found


def _reopened_news(history: ChannelHistory, ours: SideRecord, theirs: SideRecord,
                   base: dict[str, Any]) -> Nudge | None:
    """The promise opened again most recently, within REOPENED_NEWS_DAYS and not yet answered
    with :data:`REOPENED`: ours is corrected with them (they may have heard it was done); theirs
    gets a specific, kind word on what is missing. None when there is no such news."""
    reopened = [r.last_reopened for r in (ours, theirs) if r.last_reopened is not None]
    latest = max(reopened, key=lambda c: (c.reopened_at, c.number), default=None)
    if latest is None or latest.reopened_at is None or latest.reopened_at > history.now:
        return None
    if _days(latest.reopened_at, history.now) >= REOPENED_NEWS_DAYS:
        return None
    answered = _last_given(history, REOPENED)
    if answered is not None and answered >= latest.reopened_at:
        return None
    return Nudge(REOPENED, {**base, **_item_facts("item", latest), "side": latest.side,
                            "due_on": latest.due_on, "reopened_on": latest.reopened_at.date()})


def _resumed_news(history: ChannelHistory, theirs: SideRecord, base: dict[str, Any]) -> Nudge | None:
    """In the week after the deal came back from a hold: their open promises whose dates passed
    before it resumed (the pause overtook them), to re-agree before anything is followed up;
    said once. None when there are none."""
    resumed = _resumed_at(history)
    if resumed is None or resumed > history.now or _days(resumed, history.now) >= RESUMED_NEWS_DAYS:
        return None
    answered = _last_given(history, RESUMED)
    if answered is not None and answered >= resumed:
        return None
    if theirs.oldest_due is None or theirs.oldest_due.due_on >= resumed.date():  # type: ignore[operator]
        return None  # the usual case: spares the walk below
    overtaken = [c for c in history.items if c.side == "get" and c.is_open and c.due_on is not None
                 and c.due_on < resumed.date()]
    return Nudge(RESUMED, {**base, **_item_facts("item", theirs.oldest_due), "overtaken": len(overtaken),
                           "deal": history.deal.name if history.deal is not None else None,
                           "resumed_on": resumed.date()})


def _gentle_candidates(history: ChannelHistory, ours: SideRecord, theirs: SideRecord, signed: bool,
                       base: dict[str, Any]) -> list[Nudge]:
    found: list[Nudge] = []
    # News first: a promise of theirs we stopped waiting for deserves a word with them, once.
    their_broken = _broken_news(history, theirs, THEIR_BROKEN, base)
    if their_broken is not None:
        found.append(their_broken)
    # A promise opened again after it was marked done, and dates a hold overtook: news, once.
    for news in (_reopened_news(history, ours, theirs, base), _resumed_news(history, theirs, base)):
        if news is not None:
            found.append(news)
    # Above the other tips: an expectation they haven't agreed to is one they may not meet.
    restate = _unconfirmed(history, base)
    if restate is not None:
        found.append(restate)
    if ours.promised == 0 and theirs.promised == 0:
        found.append(Nudge(EMPTY, {**base, "dropped": ours.dropped + theirs.dropped, "signed": signed}))
    if ours.promised == 0 and theirs.promised > 0:
        found.append(Nudge(ASKING_WITHOUT_GIVING, base))
    # After the signature our open promises come first (follow-through); once none is open,
    # a partnership where we only give still needs our expectations said out loud.
    if ours.promised > 0 and theirs.promised == 0 and not (signed and ours.open):
        found.append(Nudge(GENEROUS_OPENER, {**base, "signed": signed}))
    signed_at = history.deal.signed_at if signed and history.deal else None
    celebration = _celebration(history, ours, theirs, signed_at, base)
    if celebration is not None:
        found.append(celebration)
    # "Nothing needs you" would be false on the day one of ours falls due, and on that day the due
    # date is the news, even after the signature.
    due_today = ours.due_next if ours.next_due == history.today else 0
    their_way = theirs.kept >= THEIR_WAY_AFTER_KEPT and ours.kept == 0 and ours.open > 0
    on_track = Nudge(ON_TRACK, {**base, "ours_due_today": due_today, "their_way": their_way})
    if signed and signed_at is not None and ours.open and due_today:
        found.append(on_track)
    if signed and signed_at is not None and ours.open:
        kept_since = _kept_since(history, ours, "give", signed_at)
        # Name the promise to close next: the one due first, else the oldest undated one.
        next_item = ours.oldest_due or _first_undated(history, ours, "give")
        found.append(Nudge(FOLLOW_THROUGH, {
            **base, **_item_facts("item", next_item),
            "next_due": ours.next_due, "kept_since_signature": kept_since,
            "signed_on": signed_at.date()}))
    unexplained = ours.promised if history.benefit_noted_at is None else _made_after(
        history, ours, "give", history.benefit_noted_at)
    if unexplained >= WIIFT_AFTER_GIVES and not _wiift_asked_enough(history):
        found.append(Nudge(WIIFT, {**base, "gives_without_benefit": unexplained,
                                   "benefit_noted": history.benefit_noted_at is not None}))
    stale = _stale(history, ours, theirs, base)
    if stale is not None:
        # Promises left undated for weeks: "on track" would be the wrong comfort.
        found.append(stale)
    elif ours.promised > 0 and theirs.promised > 0:
        found.append(on_track)
    return found


def _wiift_asked_enough(history: ChannelHistory) -> bool:
    """The WIIFT question was asked WIIFT_MAX_ASKS times since our latest give was logged."""
    asked = [t for t in history.given.get(WIIFT, ()) if t <= history.now]
    if len(asked) < WIIFT_MAX_ASKS:
        return False  # the usual case: spares the walk below
    newest = max((c.created_at for c in history.items if c.side == "give" and c.status != "dropped"),
                 default=None)
    return newest is not None and sum(1 for t in asked if t >= newest) >= WIIFT_MAX_ASKS


def _stale(history: ChannelHistory, ours: SideRecord, theirs: SideRecord,
           base: dict[str, Any]) -> Nudge | None:
    """Open promises without a date, the oldest made STALE_AFTER_DAYS or more ago: a nudge to
    agree dates (or drop them), else None. Activity elsewhere doesn't help them: while we keep
    delivering, an undated ask of theirs can sit unnoticed for months."""
    oldest = min((t for t in (ours.undated_since, theirs.undated_since) if t is not None), default=None)
    if oldest is None or _days(oldest, history.now) < STALE_AFTER_DAYS:
        return None
    return Nudge(SET_DATES, {**base, "undated": ours.undated + theirs.undated,
                             "oldest_days": _days(oldest, history.now),
                             "ours_undated": ours.undated, "theirs_undated": theirs.undated})


def stage_prompt(stage: Stage) -> str:
    """The template that coaches a deal entering ``stage``."""
    if stage.is_early:
        return "stage_early"
    if stage.is_closing:
        return "stage_closing"
    if stage is Stage.RENEWAL:
        return "stage_renewal"
    if stage is Stage.ON_HOLD:
        return "stage_on_hold"
    return "stage_signed" if stage is Stage.SIGNED else "stage_lost"
