"""The weekly channel digest: what was promised, kept and missed this week, both ways.

:func:`compute_digest` is pure (items and deals in, numbers out) so it can be measured
on its own (``bench/digest_compute.py``). :class:`DigestService` plans one digest job a
week per channel (``digest:<ISO week>``, default Monday 09:00 in the channel's time zone),
renders it when due — skipping quiet weeks — and handles `/partner digest`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

from bot.clock import Clock
from bot.domain import commands as cmd
from bot.domain.coaching import Nudge
from bot.domain.ledger import Balance, Commitment, balance
from bot.domain.mutual_plan import plan_view
from bot.domain.schedule_rules import (
    WEEKDAYS,
    RuleError,
    describe_local,
    local_date,
    next_weekly,
    parse_clock,
    parse_weekday,
    resolve_tz,
    week_key,
    week_window,
)
from bot.domain.sections import Window, assign
from bot.schedule.jobs import CANCELLED, PENDING, JobStore, iso, new_job, parse
from bot.schedule.zones import ChannelZones
from bot.services.channel_settings import DEFAULTS, ChannelSettings
from bot.services.checkins import CHECKIN, of_signed_deals
from bot.services.coach import Coach
from bot.services.deals import DEAL, Deal, Deals
from bot.services.ledger import COMMITMENT, COUNTER, Ledger
from bot.services.outcome import Message, Outcome, error, refuse
from bot.services.partner_command import Actor
from bot.services.plan_links import step_order
from bot.store import Doc, Scope, Store

DIGEST = "digest"
SNAPSHOT = "digest_snapshot"
SNAPSHOTS_KEPT = 8
LIST_LIMIT = 5
DEALS_LIMIT = 6
UPCOMING_LIMIT = 3


@dataclass(frozen=True)
class SideWeek:
    """One column of the ledger over one week.

    ``made`` counts promises made this week (dropped ones don't count); the lists shown
    are ``overdue``, ``kept`` and ``new``, each item in one of them at most, and ``broken``:
    dropped this week after the due date, not by agreement (never open, so in no other list).
    """

    made: list[Commitment] = field(default_factory=list)
    kept: list[Commitment] = field(default_factory=list)
    overdue: list[Commitment] = field(default_factory=list)
    new: list[Commitment] = field(default_factory=list)
    # Dropped this week after the due date, not by agreement: broken promises are the week's news
    # too, and the digest's coaching may name one, so its numbers must show them.
    broken: list[Commitment] = field(default_factory=list)


@dataclass(frozen=True)
class DigestData:
    """Everything a digest shows, computed without Slack or the store."""

    start: datetime
    end: datetime
    today: date
    active: bool
    give: SideWeek
    get: SideWeek
    balance: Balance
    trend: dict[str, Any]
    deals: list[Deal]
    snapshot: dict[str, Any]

    @property
    def made(self) -> int:
        return len(self.give.made) + len(self.get.made)

    @property
    def kept(self) -> int:
        return len(self.give.kept) + len(self.get.kept)

    @property
    def overdue(self) -> int:
        return len(self.give.overdue) + len(self.get.overdue)

    @property
    def broken(self) -> int:
        return len(self.give.broken) + len(self.get.broken)


def _side(items: list[Commitment], start: datetime, end: datetime, today: date) -> SideWeek:
    week = Window(start, end)
    made = [c for c in items if c.created_at in week and c.status != "dropped"]
    shown = assign(items, today, kept=week, new=week, show_open=False)
    broken = [c for c in items if c.is_broken and c.closed_at is not None and c.closed_at in week]
    return SideWeek(made=made, kept=shown.kept, overdue=shown.overdue, new=shown.new, broken=broken)


def snapshot_of(current: Balance, at: datetime) -> dict[str, Any]:
    """What next week's digest compares against."""
    return {
        "give_total": current.give.total, "get_total": current.get.total,
        "give_kept": current.give.kept, "get_kept": current.get.kept,
        "give_overdue": current.give.overdue, "get_overdue": current.get.overdue,
        "at": iso(at),
    }


def trend_of(current: Balance, previous: dict[str, Any] | None) -> dict[str, Any]:
    """How the balance moved since the last weekly snapshot.

    The "lean" is gives minus gets; a smaller lean (in size) is a more even exchange.
    """
    lean = current.give.total - current.get.total
    if not previous:
        return {"kind": "first", "lean": lean, "give_delta": 0, "get_delta": 0}
    before = int(previous.get("give_total", 0)) - int(previous.get("get_total", 0))
    if abs(lean) < abs(before):
        kind = "more_even"
    elif abs(lean) > abs(before):
        kind = "more_one_sided"
    else:
        kind = "steady"
    return {
        "kind": kind,
        "lean": lean,
        "give_delta": current.give.total - int(previous.get("give_total", 0)),
        "get_delta": current.get.total - int(previous.get("get_total", 0)),
    }


def compute_digest(
    items: list[Commitment],
    deals: list[Deal],
    start: datetime,
    end: datetime,
    today: date,
    previous: dict[str, Any] | None,
) -> DigestData:
    """The digest of ``[start, end)``; ``today`` is the local date for "overdue"."""
    gives = [c for c in items if c.side == "give"]
    gets = [c for c in items if c.side == "get"]
    give, get = _side(gives, start, end, today), _side(gets, start, end, today)
    current = balance(items, today)
    first_day, last_day = today - timedelta(days=7), today
    active = (
        bool(give.made or get.made or give.kept or get.kept)
        or any(c.closed_at is not None and start <= c.closed_at < end for c in items)
        # an item falling due during the week is news too
        or any(c.is_open and c.due_on is not None and first_day <= c.due_on < last_day for c in items)
        or any(start <= d.updated_at < end for d in deals)
    )
    return DigestData(
        start=start, end=end, today=today, active=active, give=give, get=get, balance=current,
        trend=trend_of(current, previous), deals=deals,
        snapshot=snapshot_of(current, end),
    )


class DigestService:
    """Weekly digests: planning, rendering, and `/partner digest`."""

    def __init__(
        self,
        store: Store,
        clock: Clock,
        ledger: Ledger,
        deals: Deals,
        settings: ChannelSettings,
        jobs: JobStore,
        zones: ChannelZones,
    ) -> None:
        self.store = store
        self.clock = clock
        self.ledger = ledger
        self.deals = deals
        self.settings = settings
        self.jobs = jobs
        self.zones = zones
        self.coach = Coach(store, clock)
        # Where the partner's share link stands (set by the mutual plan feature): its ``state``
        # ("none", "on", "expired") and ``day`` (until, or since); None without the feature.
        self.plan_link: Callable[[Scope], Any] = lambda scope: None

    # ------------------------------------------------------------------ settings

    def _config(self, scope: Scope) -> dict[str, Any]:
        return {**DEFAULTS["digest"], **(self.settings.get(scope).get("digest") or {})}

    def _has_ledger(self, scope: Scope) -> bool:
        return (self.store.get(scope, COUNTER, COMMITMENT) is not None
                or bool(self.store.find(scope, DEAL)))

    def next_time(self, scope: Scope, now: datetime) -> tuple[datetime, str]:
        config = self._config(scope)
        tz = self.zones.digest(scope)
        when = next_weekly(now, int(config["weekday"]), parse_clock(str(config["time"])), tz)
        return when, tz

    # ------------------------------------------------------------------ planning

    def plan(self, scope: Scope, now: datetime) -> str | None:
        """Make sure the channel's next weekly digest is a job; returns its id."""
        if not self._config(scope)["enabled"] or not self._has_ledger(scope):
            return None
        when, tz = self.next_time(scope, now)
        job_id = f"digest:{week_key(when, tz)}"
        existing = self.jobs.get(scope, job_id)
        if existing is None:
            self.jobs.create(scope, new_job(job_id, DIGEST, when, {"week": week_key(when, tz)}, now))
        elif existing["status"] in (PENDING, CANCELLED) and (
            existing["due_at"] != iso(when) or existing["status"] == CANCELLED
        ):
            self.jobs.change(scope, job_id, lambda d: {**d, "status": PENDING, "due_at": iso(when),
                                                      "retry_at": None}
                             if d["status"] in (PENDING, CANCELLED) else None, now)
        return job_id

    def _cancel_pending(self, scope: Scope, now: datetime) -> None:
        for doc in self.jobs.find(scope, lambda d: d.get("type") == DIGEST and d.get("status") == PENDING):
            self.jobs.change(scope, doc["id"], lambda d: {**d, "status": CANCELLED}
                             if d["status"] == PENDING else None, now)

    # ------------------------------------------------------------------ computing

    def _previous_snapshot(self, scope: Scope, before_week: str | None) -> dict[str, Any] | None:
        docs = self.store.find(scope, SNAPSHOT)
        keys = sorted(d["week"] for d in docs if before_week is None or d["week"] < before_week)
        if not keys:
            return None
        return next(d for d in docs if d["week"] == keys[-1])

    def compute(self, scope: Scope, start: datetime, end: datetime, now: datetime,
                before_week: str | None) -> tuple[DigestData, str]:
        tz = self.zones.digest(scope)
        today = local_date(now, tz)
        # Posted to the channel: no private items when the partner is in it (Slack Connect).
        data = compute_digest(self.ledger.channel_items(scope), self.deals.all(scope), start, end, today,
                              self._previous_snapshot(scope, before_week))
        return data, tz

    def _upcoming(self, scope: Scope, tz: str) -> tuple[list[dict[str, Any]], int]:
        docs = sorted(
            of_signed_deals(self.store, scope, self.jobs.find(
                scope, lambda d: d.get("type") == CHECKIN and d.get("status") == PENDING)),
            key=lambda d: d["due_at"],
        )
        shown = [{"deal": d["payload"]["deal"], "days": d["payload"]["days"],
                  "when": describe_local(parse(d["due_at"]), tz)} for d in docs[:UPCOMING_LIMIT]]
        return shown, max(0, len(docs) - UPCOMING_LIMIT)

    def message(self, scope: Scope, data: DigestData, tz: str, next_digest: str | None) -> Message:
        """The digest message; its one nudge is judged on the whole ledger, not just the week."""
        upcoming, more_upcoming = self._upcoming(scope, tz)
        first, last = local_date(data.start, tz), local_date(data.end - timedelta(seconds=1), tz)
        items = self.ledger.channel_items(scope)
        partner_reads = self.ledger.externally_shared(scope)
        nudge = self.coach.judge(scope, items, data.today, partner_reads=partner_reads)
        # The plan's numbers as its page counts them: the same items, on the channel's date.
        link = self.plan_link(scope)
        plan = {"view": plan_view(items, local_date(self.clock.now(), self.zones.channel(scope)),
                                  step_order(self.store, scope)),
                "linked": link is not None and link.state == "on", "link": link,
                "partner_reads": partner_reads}
        return Message("digest", digest_context(
            data, tz, first, last, upcoming, more_upcoming, next_digest, nudge, plan))

    def _post(self, scope: Scope, message: Message) -> Message:
        """A digest about to be posted: its nudge now counts as given in the channel."""
        self.coach.remember(scope, message.context["nudge"])
        return message

    # ------------------------------------------------------------------ posting

    def render(self, scope: Scope, job: Doc, now: datetime) -> Message | None:
        """The weekly digest for a due job; None for a quiet week (its snapshot is kept anyway)."""
        week = job["payload"]["week"]
        start, end = week_window(parse(job["due_at"]))
        data, tz = self.compute(scope, start, end, now, before_week=week)
        self.store.put(scope, SNAPSHOT, week, {"week": week, **data.snapshot})
        self._prune_snapshots(scope)
        if not data.active:
            return None
        config = self._config(scope)
        next_digest = None
        if config["enabled"]:
            when, _ = self.next_time(scope, max(now, parse(job["due_at"])))
            next_digest = describe_local(when, tz)
        return self._post(scope, self.message(scope, data, tz, next_digest))

    def _prune_snapshots(self, scope: Scope) -> None:
        docs = sorted(self.store.find(scope, SNAPSHOT), key=lambda d: d["week"])
        for doc in docs[:-SNAPSHOTS_KEPT]:
            self.store.delete(scope, SNAPSHOT, doc["week"])

    # ------------------------------------------------------------------ command

    def command(self, actor: Actor, command: cmd.Command) -> Outcome:
        """`/partner digest [now | off | on | weekly <day> <HH:MM> [time zone]]`."""
        assert isinstance(command, cmd.Digest)
        args = [a for a in command.args if a]
        scope = actor.scope
        words = [a.lower() for a in args]
        now = self.clock.now()
        if not words:
            if self.zones.adopt(scope, actor.user, actor.tz()):
                self.plan(scope, now)  # a digest already planned moves to the adopted zone's 09:00
            return Outcome(reply=self._status(scope, "show"))
        if words == ["now"]:
            return self._now(actor)
        if words == ["off"]:
            self.settings.set(scope, digest={**self._config(scope), "enabled": False})
            self._cancel_pending(scope, now)
            return Outcome(reply=self._status(scope, "off"))
        if words == ["on"]:
            self.settings.set(scope, digest={**self._config(scope), "enabled": True})
            self.zones.learn(scope, actor.user, actor.tz())
            self.plan(scope, now)
            return Outcome(reply=self._status(scope, "on"))
        if words[0] == "weekly" or (words and _looks_like_day(words[0])):
            rest = args[1:] if words[0] == "weekly" else args
            return self._set_weekly(actor, rest)
        return error(
            "digest_unknown_verb", usage_of="digest", word=args[0][:20],
        )

    def _set_weekly(self, actor: Actor, args: list[str]) -> Outcome:
        if len(args) < 2 or len(args) > 3:
            return error("digest_needs_time", usage_of="digest")
        try:
            weekday = parse_weekday(args[0])
            wall = parse_clock(args[1])
        except RuleError as exc:
            return refuse(exc.refusal, "digest")
        tz: str | None = None
        if len(args) == 3:
            tz = resolve_tz(args[2])
            if tz is None:
                return error("unknown_time_zone", usage_of="digest", zone=args[2][:40])
        scope = actor.scope
        now = self.clock.now()
        if tz is None:
            self.zones.learn(scope, actor.user, actor.tz())
        self.settings.set(scope, digest={"enabled": True, "weekday": weekday,
                                         "time": wall.strftime("%H:%M"), "tz": tz})
        self._cancel_pending(scope, now)
        self.plan(scope, now)
        return Outcome(reply=self._status(scope, "set"))

    def _now(self, actor: Actor) -> Outcome:
        scope = actor.scope
        if not self._has_ledger(scope):
            return error("digest_empty")
        now = self.clock.now()
        tz = self.zones.digest(scope)
        end = now + timedelta(seconds=1)  # what happened this very second counts too
        # The trend compares with the latest weekly snapshot: "since the last digest".
        data, tz = self.compute(scope, end - timedelta(days=7), end, now, before_week=None)
        config = self._config(scope)
        next_digest = describe_local(self.next_time(scope, now)[0], tz) if config["enabled"] else None
        return Outcome(reply=Message("digest_settings", {**self._settings_context(scope), "change": "now"}),
                       posts=[self._post(scope, self.message(scope, data, tz, next_digest))])

    def _settings_context(self, scope: Scope) -> dict[str, Any]:
        config = self._config(scope)
        when, tz = self.next_time(scope, self.clock.now())
        return {
            "enabled": bool(config["enabled"]),
            "weekday": WEEKDAYS[int(config["weekday"])].capitalize(),
            "time": str(config["time"]),
            "tz": tz,
            "next": describe_local(when, tz),
        }

    def _status(self, scope: Scope, change: str) -> Message:
        return Message("digest_settings", {**self._settings_context(scope), "change": change})


def _looks_like_day(word: str) -> bool:
    try:
        parse_weekday(word)
        return True
    except RuleError:
        return False


def digest_context(
    data: DigestData, tz: str, first: date, last: date, upcoming: list[dict[str, Any]],
    more_upcoming: int, next_digest: str | None, nudge: Nudge, plan: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """The template context of a digest (also used by the benchmark)."""
    return {
        "data": data,
        "tz": tz,
        "first": first,
        "last": last,
        "today": data.today,
        "deals": data.deals[:DEALS_LIMIT],
        "more_deals": max(0, len(data.deals) - DEALS_LIMIT),
        "sides": [("give", data.give), ("get", data.get)],
        "limit": LIST_LIMIT,
        "upcoming": upcoming,
        "more_upcoming": more_upcoming,
        "next_digest": next_digest,
        "balance": data.balance,
        "nudge": nudge,
        "trend": data.trend,
        "plan": plan,
    }
