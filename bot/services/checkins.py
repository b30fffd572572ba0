"""Post-signature check-ins: planned when a deal is signed, posted by the dispatcher.

Each check-in is a job ``checkin:<deal key>:<days>`` due at 10:00 in the channel's time
zone, ``days`` after the local signature date (weekends move to Monday). Changing the
cadence re-plans every signed deal of the channel from its stored signature: pending
check-ins move or are cancelled, cancelled ones come back, past and posted ones stay. A
check-in comes due only while its deal is signed; signing again re-plans the skipped ones.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from bot.clock import Clock
from bot.domain import commands as cmd
from bot.domain.schedule_rules import (
    DEFAULT_CHECKIN_DAYS,
    RuleError,
    checkin_times,
    describe_local,
    local_date,
    parse_cadence,
)
from bot.domain.sections import Window, assign
from bot.domain.stages import Stage
from bot.schedule.jobs import CANCELLED, PENDING, SKIPPED, JobStore, iso, new_job, parse
from bot.schedule.zones import ChannelZones
from bot.services.channel_settings import ChannelSettings
from bot.services.coach import Coach
from bot.services.deals import DEAL, deal_key
from bot.services.ledger import Ledger
from bot.services.outcome import Message, Outcome, refuse
from bot.services.partner_command import Actor
from bot.store import Doc, Scope, Store

SIGNATURE = "signature"
CHECKIN = "checkin"
LIST_LIMIT = 8


def checkin_id(key: str, days: int) -> str:
    return f"checkin:{key}:{days}"


class CheckinService:
    """`/partner checkins` and the check-in posts."""

    def __init__(
        self,
        store: Store,
        clock: Clock,
        ledger: Ledger,
        settings: ChannelSettings,
        jobs: JobStore,
        zones: ChannelZones,
    ) -> None:
        self.store = store
        self.clock = clock
        self.ledger = ledger
        self.settings = settings
        self.jobs = jobs
        self.zones = zones
        self.coach = Coach(store, clock)

    # ------------------------------------------------------------------ planning

    def on_signed(self, actor: Actor, deal_name: str) -> list[str]:
        """A deal reached signed: remember when, and plan its check-ins. Returns new job ids."""
        scope = actor.scope
        self.zones.learn(scope, actor.user, actor.tz())
        now = self.clock.now()
        key = deal_key(deal_name)
        self.store.put(scope, SIGNATURE, key,
                       {"deal": deal_name, "signed_at": iso(now), "signed_by": actor.user})
        return self._plan(scope, key, deal_name, now, now)

    def _plan(self, scope: Scope, key: str, deal: str, signed_at: datetime, now: datetime) -> list[str]:
        days = list(self.settings.get(scope).get("checkin_days") or [])
        tz = self.zones.channel(scope)
        wanted = {n: when for n, when in checkin_times(signed_at, days, tz)}
        created: list[str] = []
        # Pending check-ins of this deal that the cadence no longer has are cancelled.
        for doc in self._deal_jobs(scope, key):
            if doc["status"] == PENDING and int(doc["payload"]["days"]) not in wanted:
                self.jobs.change(scope, doc["id"], _set_status(CANCELLED), now)
        for n, when in wanted.items():
            if when <= now:
                continue  # a new cadence doesn't post check-ins that are already in the past
            job_id = checkin_id(key, n)
            payload = {"deal": deal, "deal_key": key, "days": n, "signed_at": iso(signed_at)}
            if self.jobs.create(scope, new_job(job_id, CHECKIN, when, payload, now)):
                created.append(job_id)
                continue

            def replan(d: Doc, when: datetime = when, payload: dict[str, Any] = payload) -> Doc | None:
                # Posted (or failing) check-ins are history; one skipped because the deal was
                # no longer signed comes back for a new signature, counted from it.
                if d["status"] not in (PENDING, CANCELLED, SKIPPED):
                    return None
                return {**d, "status": PENDING, "due_at": iso(when), "payload": payload,
                        "retry_at": None, "error": None}

            self.jobs.change(scope, job_id, replan, now)
        return created

    def _deal_jobs(self, scope: Scope, key: str) -> list[Doc]:
        return self.jobs.find(scope, lambda d: d.get("type") == CHECKIN
                              and d.get("payload", {}).get("deal_key") == key)

    def reschedule(self, scope: Scope) -> None:
        """Re-plan every signed deal of the channel with the current cadence."""
        now = self.clock.now()
        for doc in self.store.find(scope, SIGNATURE):
            key = deal_key(doc["deal"])
            self._plan(scope, key, doc["deal"], parse(doc["signed_at"]), now)

    def pending(self, scope: Scope) -> list[Doc]:
        """The channel's pending check-ins, soonest first."""
        docs = self.jobs.find(scope, lambda d: d.get("type") == CHECKIN and d.get("status") == PENDING)
        return sorted(docs, key=lambda d: d["due_at"])

    # ------------------------------------------------------------------ command

    def command(self, actor: Actor, command: cmd.Command) -> Outcome:
        """`/partner checkins [list | off | 7d 30d 90d]`."""
        assert isinstance(command, cmd.Checkins)
        args = [a for a in command.args if a]
        scope = actor.scope
        if not args or args == ["list"]:
            self.zones.adopt(scope, actor.user, actor.tz())
            return Outcome(reply=self._status(scope, "list"))
        if args == ["off"]:
            now = self.clock.now()
            self.settings.set(scope, checkin_days=[])
            for doc in self.pending(scope):
                self.jobs.change(scope, doc["id"], _set_status(CANCELLED), now)
            return Outcome(reply=self._status(scope, "off"))
        if args in (["on"], ["default"]):
            args = [f"{n}d" for n in DEFAULT_CHECKIN_DAYS]
        try:
            days = parse_cadence(args)
        except RuleError as exc:
            return refuse(exc.refusal, "checkins")
        self.zones.learn(scope, actor.user, actor.tz())
        self.settings.set(scope, checkin_days=days)
        self.reschedule(scope)
        return Outcome(reply=self._status(scope, "set"))

    def _status(self, scope: Scope, change: str) -> Message:
        tz = self.zones.channel(scope)
        pending = of_signed_deals(self.store, scope, self.pending(scope))
        upcoming = [
            {"deal": d["payload"]["deal"], "days": d["payload"]["days"],
             "when": describe_local(parse(d["due_at"]), tz)}
            for d in pending[:LIST_LIMIT]
        ]
        return Message("checkin_settings", {
            "change": change,
            "days": list(self.settings.get(scope).get("checkin_days") or []),
            "tz": tz,
            "upcoming": upcoming,
            "more": max(0, len(pending) - LIST_LIMIT),
        })

    # ------------------------------------------------------------------ posting

    def render(self, scope: Scope, job: Doc, now: datetime) -> Message | None:
        """The check-in as it stands now; None (skip) when the deal is no longer signed.

        Lost, or moved back to an earlier stage: a check-in counting days "since it was
        signed" would speak of a signature the deal no longer has. Signing it again plans
        fresh check-ins from the new signature.
        """
        payload = job["payload"]
        deal = self.store.get(scope, DEAL, payload["deal_key"])
        if not _still_signed(deal):
            return None
        tz = self.zones.channel(scope)
        today = local_date(now, tz)
        signed_at = parse(payload["signed_at"])
        # Posted to the channel: no private items when the partner is in it (Slack Connect).
        items = self.ledger.channel_items(scope)
        # Each item once: overdue, else kept since the signature (closed at or after it), else open.
        shown = assign(items, today, kept=Window(signed_at))
        # Promises dropped after their due date since the signature: the coaching may name one,
        # so the check-in lists them too (never open, so in no other section).
        broken = [c for c in items if c.is_broken and c.closed_at is not None and c.closed_at >= signed_at]
        return Message("checkin", {
            "deal": deal.get("name") if deal else payload["deal"],
            "days": int(payload["days"]),
            "since": (today - local_date(signed_at, tz)).days,
            "signed_on": local_date(signed_at, tz),
            "gives": [c for c in shown.open if c.side == "give"],
            "gets": [c for c in shown.open if c.side == "get"],
            "kept": shown.kept,
            "overdue": shown.overdue,
            "broken": broken,
            "today": today,
            **self.coach.context(scope, items, today,
                                 partner_reads=self.ledger.externally_shared(scope)),
        })


def of_signed_deals(store: Store, scope: Scope, docs: list[Doc]) -> list[Doc]:
    """The check-ins among ``docs`` whose deal is still signed: the others won't be posted.

    A deal lost or moved back keeps its planned check-ins (signing again brings them back),
    but announcing them as upcoming would promise posts that are going to be skipped.
    """
    return [d for d in docs if _still_signed(store.get(scope, DEAL, d["payload"]["deal_key"]))]


def _still_signed(deal: Doc | None) -> bool:
    """A check-in's deal is signed, or signed and up for renewal (or gone from the store:
    nothing says otherwise)."""
    return deal is None or deal.get("stage") in (Stage.SIGNED.value, Stage.RENEWAL.value)


def _set_status(status: str):  # noqa: ANN202 - a small change function for JobStore.change
    """Change a pending job's status (anything else is left alone)."""

    def change(d: Doc) -> Doc | None:
        return {**d, "status": status} if d["status"] == PENDING else None

    return change
