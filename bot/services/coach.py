"""The coach of a channel: gathers its history, asks the coaching model, remembers what it said.

Every message that coaches calls :meth:`Coach.context` once and shows the one nudge it
returns. What was shown is logged per channel (kind ``coaching``), because the model's
judgement depends on it: a gentle tip isn't repeated within a few days, and walking
away is only suggested after the brave conversation was suggested earlier.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any

from bot.clock import Clock
from bot.domain.coaching import IN_PRIVATE, QUIET, ChannelHistory, DealState, Nudge, SideRecord, assess
from bot.domain.ledger import Balance, Commitment
from bot.domain.stages import Stage
from bot.services.deals import Deals
from bot.services.plan_links import shared_on
from bot.store import Scope, Store

COACHING = "coaching"
GIVEN_KEY = "given"
BENEFIT_KEY = "benefit"
# Times a nudge was shown are kept at least a day apart (the latest is always exact), and
# the last 30 of them: enough to see a brave conversation a month back.
LOG_MIN_GAP = timedelta(days=1)
LOG_KEEP = 30


def deal_state(deals: Deals, scope: Scope, moved_last: bool = False) -> DealState | None:
    """The channel's deal as the coach reads it: its stage, since when, and its signature.

    That is the most recently signed deal of the channel, else its most recently moved deal
    still in play, else its most recently paused one, else its last lost one: a side deal (an
    expansion opening, paused or lost) beside a signed partnership doesn't make the coach forget
    the promises that follow a signature, and a second partner company pausing its deal doesn't
    silence the coaching of the one still moving in the same channel.
    ``moved_last``: the deal that moved last whatever its stage, for the post about that move.
    """
    channel_deals = deals.all(scope)
    signed = [d for d in channel_deals if d.stage.after_signature]
    in_play = [d for d in channel_deals if d.stage not in (Stage.LOST, Stage.ON_HOLD)]
    held = [d for d in channel_deals if d.stage is Stage.ON_HOLD]
    current = next(iter(channel_deals if moved_last else signed or in_play or held or channel_deals), None)
    if current is None:
        return None
    since = current.updated_at
    if current.history:
        since = datetime.fromisoformat(current.history[-1][1])
    previous = current.history[-2][0] if len(current.history) >= 2 else None
    return DealState(name=current.name, stage=current.stage, stage_since=since,
                     signed_at=_signed_at(current.stage, since, current.history),
                     reopened_at=_reopened_at(current.history),
                     resumed_at=_resumed_at(current.history),
                     was_signed=Stage.SIGNED.value in (stage for stage, _ in current.history[:-1]),
                     previous=Stage(previous) if previous in Stage._value2member_map_ else None)


def _signed_at(stage: Stage, since: datetime, history: tuple[tuple[str, str], ...]) -> datetime | None:
    """When a deal that is signed, or up for renewal, was last signed; None otherwise (or unknown:
    a deal first seen at its renewal). A signed partnership paused and resumed keeps its
    signature: coming back from a hold is not signing again."""
    if not stage.after_signature:
        return None
    stages = [name for name, _ in history]
    signed = Stage.SIGNED.value
    if signed not in stages:
        return since if stage is Stage.SIGNED else None
    at = len(stages) - 1 - stages[::-1].index(signed)
    while at >= 2 and stages[at - 1] == Stage.ON_HOLD.value and stages[at - 2] == signed:
        at -= 2
    return datetime.fromisoformat(history[at][1])


def _reopened_at(history: tuple[tuple[str, str], ...]) -> datetime | None:
    """When a deal left its last "lost" for a stage in play; None if never lost, or lost now."""
    stages = [stage for stage, _ in history]
    if Stage.LOST.value not in stages or stages[-1] == Stage.LOST.value:
        return None
    last_lost = len(stages) - 1 - stages[::-1].index(Stage.LOST.value)
    return datetime.fromisoformat(history[last_lost + 1][1])


def _resumed_at(history: tuple[tuple[str, str], ...]) -> datetime | None:
    """When a deal left its last hold for a stage in play; None if never on hold, or paused or
    lost now."""
    stages = [stage for stage, _ in history]
    held = Stage.ON_HOLD.value
    if held not in stages or stages[-1] in (held, Stage.LOST.value):
        return None
    last_held = len(stages) - 1 - stages[::-1].index(held)
    return datetime.fromisoformat(history[last_held + 1][1])


def logged_times(times: list[str], now: datetime) -> list[str]:
    """``times`` with ``now`` added: entries a day apart, the last one exact, at most LOG_KEEP."""
    stamp = now.isoformat()
    if len(times) >= 2 and (datetime.fromisoformat(times[-1]) - datetime.fromisoformat(times[-2])
                            < LOG_MIN_GAP):
        times = [*times[:-1], stamp]
    else:
        times = [*times, stamp]
    return times[-LOG_KEEP:]


class Coach:
    """Coaching for one channel at a time, on top of the store."""

    def __init__(self, store: Store, clock: Clock) -> None:
        self._store = store
        self._clock = clock
        self._deals = Deals(store, clock)

    def given(self, scope: Scope) -> dict[str, list[datetime]]:
        """Nudge id -> the times it was shown in this channel."""
        doc = self._store.get(scope, COACHING, GIVEN_KEY) or {}
        return {nudge_id: [datetime.fromisoformat(t) for t in times]
                for nudge_id, times in (doc.get("ids") or {}).items()}

    def history(self, scope: Scope, items: list[Commitment], today: date,
                stage_changed: bool = False, partner_reads: bool = False) -> ChannelHistory:
        """What the model reads about this channel now.

        ``partner_reads``: the message goes where the partner's people read it (a post to a
        Slack Connect channel); advice about their delays then stays out of it.
        """
        benefit = self._store.get(scope, COACHING, BENEFIT_KEY)
        return ChannelHistory(
            items=items, now=self._clock.now(), today=today,
            deal=deal_state(self._deals, scope, moved_last=stage_changed),
            given=self.given(scope), stage_changed=stage_changed,
            benefit_noted_at=datetime.fromisoformat(benefit["at"]) if benefit else None,
            plan_shared_on=shared_on(self._store, scope, self._clock.now()), partner_reads=partner_reads,
        )

    def judge(self, scope: Scope, items: list[Commitment], today: date,
              stage_changed: bool = False, partner_reads: bool = False) -> Nudge:
        """The one nudge for this channel now, without logging it (see :meth:`remember`)."""
        return assess(self.history(scope, items, today, stage_changed, partner_reads))

    def advise(self, scope: Scope, items: list[Commitment], today: date,
               stage_changed: bool = False) -> Nudge:
        """The one nudge for this channel now, logged as shown."""
        nudge = self.judge(scope, items, today, stage_changed)
        self.remember(scope, nudge)
        return nudge

    def remember(self, scope: Scope, nudge: Nudge) -> None:
        """Log that ``nudge`` was shown in this channel now.

        Quiet isn't advice, and the pointer to the private view didn't give any: neither is
        logged (a brave conversation kept out of a shared post was never suggested).
        """
        if nudge.id in (QUIET, IN_PRIVATE):
            return
        now = self._clock.now()

        def change(doc: dict[str, Any] | None) -> dict[str, Any]:
            ids = dict((doc or {}).get("ids") or {})
            ids[nudge.id] = logged_times(list(ids.get(nudge.id) or []), now)
            return {"ids": ids}

        self._store.update(scope, COACHING, GIVEN_KEY, change)

    def context(self, scope: Scope, items: list[Commitment], today: date,
                stage_changed: bool = False, remember: bool = True,
                records: tuple[SideRecord, SideRecord] | None = None,
                partner_reads: bool = False) -> dict[str, Any]:
        """Template context of a coaching message: the balance and the one nudge.

        ``remember=False`` for a message that won't show the nudge: it isn't logged as given.
        ``records``: both sides' records of ``items`` today, when the caller has them
        (:meth:`bot.services.ledger.Ledger.snapshot`). ``partner_reads``: see :meth:`history`.
        """
        history = self.history(scope, items, today, stage_changed, partner_reads)
        ours, theirs = records or history.records
        nudge = assess(history, (ours, theirs))
        if remember:
            self.remember(scope, nudge)
        return {"balance": Balance(give=ours.tally, get=theirs.tally), "nudge": nudge}

    def note_benefit(self, scope: Scope, text: str) -> None:
        """Someone wrote down what's in it for them (the record or debrief form's WIIFT line)."""
        self._store.put(scope, COACHING, BENEFIT_KEY, {"at": self._clock.now().isoformat(), "text": text})
