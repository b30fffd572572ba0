"""Due-date reminders: a DM to a commitment's owner, once when it is due and once when overdue.

Every sweep looks at each channel's open, dated items. An item gets at most one job per
due date and state — ``reminder:<number>:<due date>:due`` (09:00 the owner's time the day
before) and ``…:overdue`` (09:00 the day after; only started within a week of the due
date, so a first start on an old database doesn't DM about long-forgotten items) — so each
state is reminded once, and a new due date (``/partner edit 3 by …``) starts afresh.
The DM (``chat.postMessage`` to the user id: the app's Messages tab) has Done and Snooze
buttons. Reminders of one person due at the same moment (any channel) go out as one DM
listing them (:meth:`ReminderService.combine`, sent by the dispatcher's batches). Snooze
re-arms that job two days later and holds back the item's other reminder until then.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta

from bot.clock import Clock
from bot.domain.reminder_batch import fit, group_by
from bot.domain.schedule_rules import (
    OVERDUE_REMINDER_DAYS,
    SNOOZE_DAYS,
    describe_local,
    local_date,
    reminder_state,
    reminder_time,
    snooze_until,
)
from bot.domain.stages import Stage
from bot.schedule.jobs import DONE, FAILED, PENDING, SKIPPED, JobStore, iso, new_job, parse
from bot.schedule.zones import People
from bot.services.coach import deal_state
from bot.services.deals import Deals
from bot.services.ledger import COMMITMENT, Ledger
from bot.services.outcome import Message, Outcome, error
from bot.store import Doc, Scope, Store

REMINDER = "reminder"
SNOOZE = "reminder_snooze"


def _in_batch(context: dict) -> dict:
    """A reminder's context with its buttons marked as sitting in a combined DM (answering one
    must not replace the whole message, which holds the others' buttons)."""
    return {**context, "value": {**context["value"], "many": True}}


def reminder_id(number: int, due_on: date, state: str) -> str:
    return f"reminder:{number}:{due_on.isoformat()}:{state}"


class ReminderService:
    """Plans, renders and snoozes due-date reminders."""

    def __init__(self, store: Store, clock: Clock, ledger: Ledger, jobs: JobStore,
                 zones: People) -> None:
        self.store = store
        self.clock = clock
        self.ledger = ledger
        self.jobs = jobs
        self.zones = zones

    def plan(self, scope: Scope, now: datetime) -> list[str]:
        """Create the reminder jobs that have come into their window; returns new ids."""
        horizon = (now + timedelta(days=2)).date().isoformat()  # cheap pre-filter, any zone

        def candidate(doc: Doc) -> bool:
            due = doc.get("due_on")
            owner = str(doc.get("owner") or "")
            return (doc.get("status") == "open" and isinstance(due, str) and due <= horizon
                    and owner[:1] in ("U", "W"))

        created: list[str] = []
        for doc in self.store.find(scope, COMMITMENT, candidate):
            number, due_on, owner = int(doc["number"]), date.fromisoformat(doc["due_on"]), doc["owner"]
            if self.jobs.get(scope, reminder_id(number, due_on, "overdue")) is not None:
                continue  # overdue is the last state: nothing more to plan for this date
            tz = self.zones.user_tz(scope.workspace, owner)
            state = reminder_state(due_on, local_date(now, tz), OVERDUE_REMINDER_DAYS)
            if state is None:
                continue
            job_id = reminder_id(number, due_on, state)
            if self.jobs.get(scope, job_id) is not None:
                continue
            when = reminder_time(due_on, state, tz)
            if state == "due" and doc.get("created_by") == owner and parse(doc["created_at"]) >= when:
                continue  # they set this date themselves inside the window: no need to remind
            held = self.store.get(scope, SNOOZE, f"{number}:{due_on.isoformat()}")
            if held:
                when = max(when, parse(held["until"]))
            payload = {"number": number, "due_on": due_on.isoformat(), "state": state, "owner": owner}
            if self.jobs.create(scope, new_job(job_id, REMINDER, when, payload, now, target=owner)):
                created.append(job_id)
        return created

    def render(self, scope: Scope, job: Doc, now: datetime) -> Message | None:
        """The DM, or None when there is nothing to remind any more."""
        payload = job["payload"]
        item = self.ledger.get(scope, int(payload["number"]))
        if item is None or not item.is_open or item.due_on is None:
            return None
        if item.due_on.isoformat() != payload["due_on"]:
            return None  # re-dated: the new date gets its own reminders
        if not self.zones.is_member(scope.workspace, scope.channel_id, payload["owner"]):
            return None  # a DM would show this channel's ledger to someone outside it
        if self.zones.is_partner(scope.workspace, scope.channel_id, payload["owner"]):
            # A Slack Connect partner named as owner: the DM coaches our team and may name a
            # private item. They see their side on the shared plan instead.
            return None
        if item.side == "get" and self._not_chasing(scope):
            # After a lost deal, or while the partner has paused it, the coach stops chasing
            # their side; ours still count.
            return None
        tz = self.zones.user_tz(scope.workspace, payload["owner"])
        today = local_date(now, tz)
        state = reminder_state(item.due_on, today)
        if state is None or (payload["state"] == "due" and state == "overdue"):
            return None  # the overdue reminder speaks for it now
        return Message("reminder", {
            "item": item,
            "channel": scope.channel_id,
            "state": state,
            "days_left": (item.due_on - today).days,
            "today": today,
            "value": {"channel": scope.channel_id, "number": item.number, "job": job["id"]},
            "snooze_days": SNOOZE_DAYS,
        })

    @staticmethod
    def combine(parts: list[tuple[Scope, Message]]) -> Message:
        """One DM for several reminders of a person due at the same moment: grouped by
        channel, each with its own Done / Snooze buttons, cut to Slack's block limit."""
        by_channel = group_by(parts, lambda part: part[0].channel_id)
        channels = [(group[0][0].channel_id,
                     sorted((_in_batch(message.context) for _, message in group),
                            key=lambda ctx: ctx["item"].number))
                    for group in sorted(by_channel, key=lambda group: group[0][0].channel_id)]
        shown, hidden = fit(channels)
        return Message("reminders", {
            "channels": shown,
            "hidden": hidden,
            "total": len(parts),
            "overdue": sum(1 for _, message in parts if message.context["state"] == "overdue"),
        })

    def _not_chasing(self, scope: Scope) -> bool:
        """The channel's deal, as the coach reads it, is closed as lost or on hold."""
        deal = deal_state(Deals(self.store, self.clock), scope)
        return deal is not None and deal.stage in (Stage.LOST, Stage.ON_HOLD)

    def snooze(self, scope: Scope, job_id: str, user: str) -> Outcome:
        """Re-arm a reminder ``SNOOZE_DAYS`` later (09:00 the owner's time)."""
        job = self.jobs.get(scope, job_id) if job_id else None
        if job is None or job.get("type") != REMINDER:
            return error("reminder_gone")
        payload = job["payload"]
        item = self.ledger.get(scope, int(payload["number"]))
        if item is None or not item.is_open:
            return error("snooze_closed", number=payload["number"])
        now = self.clock.now()
        tz = self.zones.user_tz(scope.workspace, payload["owner"])
        until = snooze_until(now, tz)
        self.store.put(scope, SNOOZE, f"{payload['number']}:{payload['due_on']}",
                       {"until": iso(until), "by": user})

        def rearm(d: Doc) -> Doc | None:
            if d["status"] not in (PENDING, DONE, SKIPPED, FAILED):  # not while it is being sent
                return None
            return {**d, "status": PENDING, "due_at": iso(until), "arm": int(d.get("arm", 0)) + 1,
                    "attempts": 0, "retry_at": None, "uncertain": False, "error": None,
                    "posted_ts": None, "batch": None, "snoozed_by": user}

        self.jobs.change(scope, job_id, rearm, now)
        # The item's other pending reminder (if any) waits too.
        for other in self.jobs.find(scope, lambda d: d.get("type") == REMINDER and d["id"] != job_id
                                    and d.get("status") == PENDING
                                    and d.get("payload", {}).get("number") == payload["number"]):
            self.jobs.change(scope, other["id"], lambda d: {**d, "due_at": max(d["due_at"], iso(until))}
                             if d["status"] == PENDING else None, now)
        return Outcome(reply=Message("reminder_snoozed", {
            "item": item, "channel": scope.channel_id, "until": describe_local(until, tz),
        }))
