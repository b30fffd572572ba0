"""Posting due jobs exactly once: record the intent, post with a recognisable mark, record the ts.

The exactly-once scheme
-----------------------
1. Before posting, the job is stored as ``sending`` with its attempt number and intent time
   (an fsync'd write: it survives ``kill -9``).
2. The post carries Slack message metadata
   ``{"event_type": "partner_coach_post", "event_payload": {"job_id", "channel", "arm"}}``.
3. After Slack answers, the job is stored as ``done`` with the message ts.

A crash between 2 and 3 leaves the job in ``sending``. Whenever the dispatcher meets such a
job (at start-up, or on any later run when the record step itself failed), it first reads
the conversation's recent history (``include_all_metadata``) for a message carrying that
job id: found → ``done`` without posting again; not found → post. The same check runs
before re-trying an attempt whose outcome Slack left unclear (a timeout, a 5xx: the message
may have gone out). A 429 is a clear "not posted", so that retry posts straight away.

Failures never drop a job: 429 after slack-sdk's own Retry-After retries, 5xx and network
errors put it back to ``pending`` with ``retry_at`` (Retry-After or exponential backoff).
Only errors a retry can't fix (channel_not_found, is_archived, not_in_channel, …) end in
``failed``, logged once with the job, channel and error.

Batches: jobs of a type registered with :meth:`Dispatcher.register_batch` that are due at
the same planned time for the same person (reminders) go out as one message. Every member
is stored as ``sending`` with the batch's mark (its ``batch`` field) before the one post,
which carries that mark; recovery looks for it and records every member that carries it.
Any other job is a batch of one whose mark is its own: every group of due jobs goes
through the same steps (:meth:`Dispatcher._send`), so the guarantees above hold alike for
a check-in, a digest, a debrief prompt and a DM listing thirty reminders.

The dispatcher takes an injectable :class:`~bot.clock.Clock`; tests move a FakeClock and call
:meth:`Dispatcher.run_due` / :meth:`Dispatcher.sweep` directly.
"""

from __future__ import annotations

import logging
import threading
import zlib
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot import metrics
from bot.clock import Clock
from bot.domain.reminder_batch import group_by
from bot.domain.schedule_rules import backoff
from bot.messages import Message
from bot.schedule.jobs import (
    ACTIVE,
    CANCELLED,
    DONE,
    FAILED,
    FINISHED,
    PENDING,
    SENDING,
    SKIPPED,
    JobStore,
    is_ready,
    iso,
    parse,
    ready_at,
)
from bot.schedule.limiter import PostLimiter
from bot.slack.poster import rendered
from bot.store import Doc, Scope

log = logging.getLogger(__name__)

EVENT_TYPE = "partner_coach_post"
# Slack error codes worth retrying; anything else from Slack is final for that job.
TRANSIENT_ERRORS = frozenset(
    {"ratelimited", "rate_limited", "internal_error", "fatal_error", "service_unavailable",
     "request_timeout"}
)
HISTORY_PAGE = 200
HISTORY_SCAN_LIMIT = 1000
# Finished digests, reminders and one-off posts are forgotten after this long: their ids are
# never planned again by then (digests are per week, reminders only start near the due date).
PRUNE_AFTER = timedelta(days=60)
PRUNABLE_TYPES = ("digest", "post", "reminder")
TEAM_SCOPE = "_team"
# With several processes on one database (PostgreSQL), a job another process marked
# ``sending`` less than this long ago is left alone: it may be posting it right now.
SENDING_LEASE = timedelta(minutes=2)
DM_CHANNEL = "dm_channel"
UNINSTALLED = "uninstalled"  # the error recorded on jobs cancelled because the workspace left
# A channel whose data hasn't changed is planned again once in this period anyway (planning
# also depends on the time: a reminder's window opens at the owner's midnight, 9 hours before
# it is due; the next week's digest is planned once this week's has gone out, itself a change).
REPLAN_PERIOD = timedelta(hours=1)
# Slack's answers once a workspace has removed the app or revoked its token.
TOKEN_GONE = frozenset({"token_revoked", "account_inactive", "invalid_auth", "app_uninstalled"})

# A long run (a wave of posts paced at Slack's rate) looks again for due jobs this often, so
# one that fell due meanwhile is posted in its turn by urgency, not after the whole wave.
RESCAN_AFTER = timedelta(seconds=30)
# Which due jobs go first: those with a window that closes (a debrief prompt is noise hours
# late, a reminder over an hour late is dropped, a due-date DM is about today), then
# check-ins (days apart), then weekly digests (a summary: minutes late cost nothing).
URGENCY = {"post": 0, "reminder": 0, "checkin": 1, "digest": 2}

Renderer = Callable[[Scope, Doc, datetime], Message | None]
# Builds one message out of the rendered messages of jobs sent together (see ``register_batch``).
Combiner = Callable[[list[tuple[Scope, Message]]], Message]
Planner = Callable[[Scope, datetime], None]


@dataclass
class RunReport:
    """What one run did, by job id (tests and the demo read it)."""

    posted: list[str] = field(default_factory=list)
    recovered: list[str] = field(default_factory=list)  # found already posted: not re-sent
    skipped: list[str] = field(default_factory=list)
    retrying: list[str] = field(default_factory=list)
    failed: list[str] = field(default_factory=list)
    busy: bool = False  # another run was in progress; it picks up what is due


@dataclass(frozen=True)
class _Part:
    """A due job of a group being sent, with its rendered message."""

    scope: Scope
    doc: Doc
    message: Message


@dataclass(frozen=True)
class _Failure:
    kind: str  # "retry" (not posted), "unclear" (may have posted) or "final"
    code: str
    retry_after: float | None = None


def classify(exc: BaseException) -> _Failure:
    """Sort a Web API failure into retry / unclear / final."""
    if isinstance(exc, SlackApiError):
        response = exc.response
        status = int(getattr(response, "status_code", 200) or 200)
        code = str(response.get("error", "") if hasattr(response, "get") else "") or f"http_{status}"
        headers = {str(k).lower(): v for k, v in (getattr(response, "headers", None) or {}).items()}
        if status == 429 or code in ("ratelimited", "rate_limited"):
            raw = headers.get("retry-after")
            raw = raw[0] if isinstance(raw, list) and raw else raw
            try:
                retry_after = float(raw) if raw is not None else None
            except (TypeError, ValueError):
                retry_after = None
            return _Failure("retry", "ratelimited", retry_after)
        if status >= 500:
            return _Failure("unclear", f"http_{status}")
        if code in TRANSIENT_ERRORS:
            return _Failure("unclear", code)
        return _Failure("final", code)
    # Timeouts, refused or dropped connections after slack-sdk's retries: Slack may or may not
    # have posted. Retry, but look before posting again.
    return _Failure("unclear", type(exc).__name__)


class Dispatcher:
    """Runs due jobs; one run at a time per process (see :class:`~bot.schedule.scheduler.Scheduler`
    for why only one process may run it per database)."""

    def __init__(
        self,
        jobs: JobStore,
        clock: Clock,
        client: WebClient,
        *,
        limiter: PostLimiter | None = None,
        history_scan_limit: int = HISTORY_SCAN_LIMIT,
        sending_lease: timedelta | None = None,
        client_for: Callable[[str], WebClient] | None = None,
    ) -> None:
        self.jobs = jobs
        self.clock = clock
        self.client = client
        # Multi-workspace (OAuth) mode: the client holding a workspace's own token.
        self.client_for = client_for
        self._stopping = threading.Event()
        self.limiter = limiter or PostLimiter(sleep=self._stopping.wait)
        self.history_scan_limit = history_scan_limit
        # None (TinyDB, one process): a job left in ``sending`` is recovered at once.
        self.sending_lease = sending_lease
        self.renderers: dict[str, Renderer] = {}
        self.combiners: dict[str, Combiner] = {}
        self.planners: list[Planner] = []
        # Run once per sweep, before planning: read outside sources (calendar feeds).
        self.pollers: list[Callable[[datetime], None]] = []
        # Workspaces that removed the app: nothing is planned or posted for them.
        self.is_uninstalled: Callable[[str], bool] = lambda workspace: False
        # Last touch on a rendered payload before it is posted (the seal on reminder buttons).
        self.finish: Callable[[dict[str, Any]], dict[str, Any]] = lambda payload: payload
        # Told when a job fails for good, with Slack's error (someone may need to know).
        self.failure_hooks: list[Callable[[Scope, Doc, str], Any]] = []
        self._run_lock = threading.Lock()
        self._again = threading.Event()
        # scope -> (store revision, replan period) when it was last planned: a sweep skips a
        # channel whose data and period are both unchanged (see :meth:`sweep`).
        self._planned: dict[Scope, tuple[int, int]] = {}

    # ------------------------------------------------------------------ wiring

    def register(self, job_type: str, renderer: Renderer) -> None:
        """``renderer(scope, job, now)`` builds the message when the job is due (None: skip it)."""
        self.renderers[job_type] = renderer

    def register_batch(self, job_type: str, combine: Combiner) -> None:
        """Jobs of ``job_type`` due at the same planned time for the same person (workspace,
        target, ``due_at`` and thread; any channel) go out as one message: each is rendered as
        usual, then ``combine`` turns the messages into one. A lone job is posted as rendered."""
        self.combiners[job_type] = combine

    def add_planner(self, planner: Planner) -> None:
        """``planner(scope, now)`` derives jobs from stored data; run by every sweep."""
        self.planners.append(planner)

    def add_poller(self, poller: Callable[[datetime], None]) -> None:
        """``poller(now)`` runs once at the start of every sweep (it may create jobs)."""
        self.pollers.append(poller)

    def stop(self) -> None:
        """Finish the job in hand, start no other, cut any rate-limit wait short."""
        self._stopping.set()

    def resume(self) -> None:
        """Undo :meth:`stop` (a scheduler started again); its first sweep plans every channel."""
        self._stopping.clear()
        self._planned.clear()

    def _leased(self, doc: Doc, now: datetime) -> bool:
        """Another process may be posting this job right now (``sending``, intent too recent)."""
        if self.sending_lease is None or doc.get("status") != SENDING or not doc.get("intent_at"):
            return False
        return now - parse(doc["intent_at"]) < self.sending_lease

    # ------------------------------------------------------------------ running

    def sweep(self, now: datetime | None = None) -> RunReport:
        """Plan jobs from stored data, prune old ones, then run what is due.

        Planning every channel every minute cost seconds of CPU with thousands of channels,
        so a channel is planned when its data changed since it was last planned (the
        store's revision), and otherwise once per :data:`REPLAN_PERIOD` at an offset of its
        own, which spreads those re-plans over the period instead of one burst. The first
        sweep of a process, a channel whose revision the store can't tell (on PostgreSQL, one
        not written since revisions were added) and a clock that jumped plan every channel,
        as before.
        """
        at = now or self.clock.now()
        for poller in self.pollers:
            try:
                poller(at)
            except Exception:
                log.exception("poller %s failed", getattr(poller, "__name__", poller))
        gone = _Memo(self.is_uninstalled)
        planned: dict[Scope, tuple[int, int]] = {}
        for scope in list(self.jobs.store.scopes()):
            if scope.channel_id.startswith("_"):
                continue
            if gone(scope.workspace):
                self.cancel_active(scope, UNINSTALLED)  # finishes a clean-up a crash interrupted
                continue
            # Read before planning: a write made while planning only causes one more plan.
            revision = self.jobs.store.revision(scope)
            period = _period(scope, at)
            last = self._planned.get(scope)
            if revision is not None and last == (revision, period):
                planned[scope] = last
                continue
            failed = False
            for planner in self.planners:
                try:
                    planner(scope, at)
                except Exception:
                    failed = True  # not remembered as planned: the next sweep tries again
                    log.exception("planning %s for %s/%s failed", getattr(planner, "__name__", planner),
                                  scope.workspace, scope.channel_id)
            self._prune(scope, at)
            if revision is not None and not failed:
                planned[scope] = (revision, period)
        self._planned = planned  # channels that left (or whose workspace did) are forgotten
        return self.run_due(now)

    def run_due(self, now: datetime | None = None) -> RunReport:
        """Post every job that is due (and recover any left in ``sending``)."""
        if not self._run_lock.acquire(blocking=False):
            self._again.set()  # the run in progress looks again before it ends
            return RunReport(busy=True)
        report = RunReport()
        try:
            rounds = 0
            while rounds < 10:
                self._again.clear()
                at = now or self.clock.now()
                due = [(s, d) for s, d in self.jobs.all_active() if is_ready(d, at)]
                # Posts with a window first (a debrief prompt, a reminder), then check-ins,
                # then digests: in a big workspace's Monday wave, paced at Slack's rate, a
                # prompt due meanwhile would otherwise wait for every digest due before it.
                due.sort(key=lambda pair: (_urgency(pair[1]), ready_at(pair[1])))
                gone = _Memo(self.is_uninstalled)
                rescan = False
                for index, group in enumerate(group_by(due, self._batch_key)):
                    scope, doc = group[0]
                    if self._stopping.is_set():
                        return report
                    # After one group at least, so a slow scan can't make the run loop forever.
                    if index and now is None and self.clock.now() - at >= RESCAN_AFTER:
                        rescan = True  # jobs that fell due while this run posted go first
                        break
                    if gone(scope.workspace):
                        for member_scope in dict.fromkeys(s for s, _ in group):
                            self.cancel_active(member_scope, UNINSTALLED)
                        continue
                    try:
                        self._send(group, now or self.clock.now(), report)
                    except Exception:
                        # The jobs keep their state: pending is retried, sending is recovered.
                        log.exception("scheduled job %s in %s/%s crashed; it will be retried",
                                      doc.get("id"), scope.workspace, scope.channel_id)
                if rescan:
                    continue  # the run goes on: not one of the rounds asked for by others
                rounds += 1
                if not self._again.is_set():
                    break
            recorder = metrics.current()
            if recorder.enabled:  # a scan of every job: only when someone watches
                recorder.jobs_pending(sum(1 for _ in self.jobs.all_active()))
            return report
        finally:
            self._run_lock.release()

    def _batch_key(self, pair: tuple[Scope, Doc]) -> tuple[str | None, ...]:
        """Jobs sent together share this key; every other job has one of its own."""
        scope, doc = pair
        if doc.get("type") not in self.combiners:
            return ("one", scope.workspace, scope.channel_id, doc["id"])
        return ("batch", doc["type"], scope.workspace, doc.get("target") or scope.channel_id,
                doc["due_at"], doc.get("thread_ts"))

    def _send(self, group: list[tuple[Scope, Doc]], now: datetime, report: RunReport) -> None:
        """Post a group of due jobs (one job, or a batch) as one message, exactly once.

        The steps, for any group: settle what an earlier attempt may have posted, render,
        wait for the pace, store the intent of every member, post with the mark, record the
        ts for every member. A crash between two steps leaves each member pending or
        ``sending``; the next run starts again from the first step.
        """
        if any(self._leased(doc, self.clock.now()) for _, doc in group):
            return  # in another process's hands; recovered once its lease runs out
        group = self._settle_earlier_attempts(group, report)
        parts = self._render(group, now, report)
        payload = self._compose(parts, report)
        if payload is None:
            return
        lead = parts[0]
        target = lead.doc.get("target") or lead.scope.channel_id
        # Wait for our turn first, so the intent below is as close to the post as it can be.
        self.limiter.wait(lead.scope.workspace, target)
        if self._stopping.is_set():
            return  # shutting down: the jobs stay as they are for the next start
        conversation = self._conversation(lead.scope.workspace, target)

        intent_at = self.clock.now()
        leased = self._lease(parts, now, intent_at)
        if not leased:
            return
        if len(leased) < len(parts):  # some were cancelled or taken meanwhile: not in the message
            payload = self._compose(leased, report)
            if payload is None:
                return
        response = self._post(leased, conversation, payload, report)
        if response is not None:
            self._record(leased, response, intent_at, report)

    def _settle_earlier_attempts(self, group: list[tuple[Scope, Doc]], report: RunReport,
                                 ) -> list[tuple[Scope, Doc]]:
        """Members a crash or an unclear failure left unsure (``sending``, ``uncertain``) may
        have gone out: look in the conversation for each mark they carry, record those found
        as posted, and return the jobs still to post (none while the history can't be read)."""
        lead_scope, lead = group[0]
        unsure = [(s, d) for s, d in group if d["status"] == SENDING or d.get("uncertain")]
        for mark in _unique(self._mark_of(s, d) for s, d in unsure):
            verdict, ts, channel = self._look_for_post(lead_scope, lead, mark)
            if verdict == "unknown":
                for scope, doc in group:
                    self._retry_later(scope, doc, _Failure("unclear", "history_unavailable"), report,
                                      unchecked=True)
                return []
            if verdict == "found":
                carried = [(s, d) for s, d in group if self._mark_of(s, d) == mark]
                for scope, doc in carried:
                    self.record_posted(scope, doc["id"], ts, channel)
                    report.recovered.append(doc["id"])
                log.info("%s %s already posted (ts %s); not posting again", _describe(carried),
                         "was" if len(carried) == 1 else "were", ts)
                group = [pair for pair in group if pair not in carried]
        return group

    def _render(self, group: list[tuple[Scope, Doc]], now: datetime, report: RunReport) -> list[_Part]:
        """Each member's message; a member with nothing to say is skipped, one that can't be
        rendered fails (alone: the others still go)."""
        parts: list[_Part] = []
        for scope, doc in group:
            renderer = self.renderers.get(doc["type"])
            if renderer is None:
                self._fail(scope, doc, "unknown_job_type", report)
                continue
            try:
                message = renderer(scope, doc, now)
            except Exception:
                log.exception("job %s in %s/%s could not be rendered", doc["id"], scope.workspace,
                              scope.channel_id)
                self._fail(scope, doc, "render_failed", report)
                continue
            if message is None:
                self.jobs.change(scope, doc["id"], lambda d: {**d, "status": SKIPPED}
                                 if d["status"] in ACTIVE else None, self.clock.now())
                report.skipped.append(doc["id"])
            else:
                parts.append(_Part(scope, doc, message))
        return parts

    def _compose(self, parts: list[_Part], report: RunReport) -> dict[str, Any] | None:
        """The one message for ``parts``, as posted (None: nothing to post, or it can't be
        built, which fails every part). A lone job is posted as rendered; several are
        combined by their type's combiner."""
        if not parts:
            return None
        try:
            message = parts[0].message if len(parts) == 1 else self.combiners[parts[0].doc["type"]](
                [(part.scope, part.message) for part in parts])
            return self.finish(rendered(message))
        except Exception:
            log.exception("%s could not be rendered", _describe([(p.scope, p.doc) for p in parts]))
            for part in parts:
                self._fail(part.scope, part.doc, "render_failed", report)
            return None

    def _lease(self, parts: list[_Part], now: datetime, intent_at: datetime) -> list[_Part]:
        """Store every part as ``sending`` (durably, before anything reaches Slack); the parts
        now ours, as stored. A job of a batch type also stores the mark of the message it
        goes out in (its first member's): the mark recovery looks for. Any other job's mark
        is its own, derived from the job, so its record keeps the release's format."""
        mark = self._mark(parts[0].scope, parts[0].doc)

        def mark_sending(d: Doc) -> Doc | None:
            if d["status"] not in ACTIVE or not is_ready(d, now) or self._leased(d, intent_at):
                return None  # cancelled, finished, moved to later or taken meanwhile
            new = {**d, "status": SENDING, "attempts": int(d.get("attempts", 0)) + 1,
                   "intent_at": iso(intent_at), "retry_at": None, "uncertain": False}
            if d["type"] in self.combiners:
                new["batch"] = mark
            return new

        leased = []
        for part in parts:
            stored = self.jobs.change(part.scope, part.doc["id"], mark_sending, intent_at)
            if stored is not None and stored["status"] == SENDING and stored["intent_at"] == iso(intent_at):
                leased.append(_Part(part.scope, stored, part.message))
        return leased

    def _post(self, leased: list[_Part], conversation: str, payload: dict[str, Any],
              report: RunReport) -> Any:
        """Post the message with the mark the leased jobs carry; Slack's answer, or None after a
        failure, which every leased job takes (retry later, fail, or cancel: never lost)."""
        lead = leased[0]
        args: dict[str, Any] = {
            "channel": conversation, "unfurl_links": False, "unfurl_media": False,
            "metadata": {"event_type": EVENT_TYPE, "event_payload": self._mark_of(lead.scope, lead.doc)},
            **payload,
        }
        if lead.doc.get("thread_ts"):
            args["thread_ts"] = lead.doc["thread_ts"]
        try:
            if lead.doc.get("update_ts"):
                # An edit of a message the bot posted (bot.services.prompt_edits): the same
                # exactly-once steps; chat.update is idempotent, so a repeat shows the same.
                return self._client(lead.scope.workspace).chat_update(
                    channel=conversation, ts=lead.doc["update_ts"], **payload)
            return self._client(lead.scope.workspace).chat_postMessage(**args)
        except Exception as exc:  # noqa: BLE001 - every failure is classified, none is lost
            failure = classify(exc)
            if failure.code == "ratelimited":
                self.limiter.penalize(lead.scope.workspace, failure.retry_after or 1.0)
            for part in leased:
                if failure.code in TOKEN_GONE:
                    # The workspace removed the app (its event may still be on the way): cancel
                    # as the uninstall would, so a reinstall brings the job back.
                    self.cancel_active(part.scope, UNINSTALLED, only=part.doc["id"])
                elif failure.kind == "final":
                    self._fail(part.scope, part.doc, failure.code, report)
                else:
                    self._retry_later(part.scope, part.doc, failure, report)
            return None

    def _record(self, leased: list[_Part], response: Any, intent_at: datetime, report: RunReport) -> None:
        """Every leased job done, with the message Slack answered with."""
        for part in leased:
            self.record_posted(part.scope, part.doc["id"], str(response.get("ts")), response.get("channel"))
            report.posted.append(part.doc["id"])
        metrics.current().post_sent((intent_at - parse(leased[0].doc["due_at"])).total_seconds())

    # ------------------------------------------------------------------ steps

    def record_posted(self, scope: Scope, job_id: str, ts: str | None, channel: str | None) -> None:
        """Mark a job done with its message (the step a crash can separate from the post)."""
        now = self.clock.now()
        self.jobs.change(
            scope, job_id,
            lambda d: {**d, "status": DONE, "posted_ts": ts, "posted_channel": channel,
                       "error": None, "uncertain": False, "retry_at": None, "done_at": iso(now)},
            now,
        )
        target = ""
        doc = self.jobs.get(scope, job_id)
        if doc is not None:
            target = doc.get("target") or ""
        if channel and target[:1] in ("U", "W"):
            self._remember_dm(scope.workspace, target, channel)

    def _retry_later(self, scope: Scope, doc: Doc, failure: _Failure, report: RunReport,
                     *, unchecked: bool = False) -> None:
        """Try again later. ``unchecked``: history couldn't be read, so leave the job as it was
        (still to be checked before posting); otherwise it goes back to pending, flagged
        ``uncertain`` when Slack may have posted it after all."""
        now = self.clock.now()
        wait = backoff(max(1, int(doc.get("attempts", 0))), failure.retry_after)

        def later(d: Doc) -> Doc | None:
            if d["status"] not in ACTIVE:
                return None
            new = {**d, "retry_at": iso(now + wait), "error": failure.code}
            if not unchecked:
                new.update(status=PENDING, uncertain=failure.kind == "unclear")
            return new

        self.jobs.change(scope, doc["id"], later, now)
        report.retrying.append(doc["id"])
        log.warning("job %s in %s/%s not posted (%s); retrying in %ds (attempt %s)",
                    doc["id"], scope.workspace, scope.channel_id, failure.code,
                    wait.total_seconds(), doc.get("attempts", 0))

    def _fail(self, scope: Scope, doc: Doc, code: str, report: RunReport) -> None:
        now = self.clock.now()
        changed = self.jobs.change(
            scope, doc["id"],
            lambda d: {**d, "status": FAILED, "error": code} if d["status"] in ACTIVE else None, now,
        )
        report.failed.append(doc["id"])
        if changed is not None and changed.get("status") == FAILED:
            metrics.current().post_failed()
            log.error("job %s (%s) for %s/%s target %s failed for good: %s",
                      doc["id"], doc.get("type"), scope.workspace, scope.channel_id,
                      doc.get("target") or scope.channel_id, code)
            for hook in self.failure_hooks:
                try:
                    hook(scope, changed, code)
                except Exception:  # the job stays failed, as recorded; the next job still runs
                    log.exception("a failure hook raised for job %s in %s/%s", doc["id"],
                                  scope.workspace, scope.channel_id)

    def cancel_active(self, scope: Scope, reason: str, *, only: str | None = None) -> list[str]:
        """Cancel every pending or sending job of a scope (its workspace left), or just job
        ``only``; the ids cancelled."""
        now = self.clock.now()
        cancelled = []
        for doc in self.jobs.active(scope):
            if only is not None and doc["id"] != only:
                continue
            changed = self.jobs.change(
                scope, doc["id"],
                lambda d: {**d, "status": CANCELLED, "error": reason} if d["status"] in ACTIVE else None, now,
            )
            if changed is not None and changed.get("status") == CANCELLED:
                cancelled.append(doc["id"])
        if cancelled:
            log.info("cancelled %d scheduled posts in %s/%s: %s", len(cancelled), scope.workspace,
                     scope.channel_id, reason)
        return cancelled

    def cancel_workspace(self, workspace: str, reason: str = UNINSTALLED) -> int:
        """Cancel every active job of a workspace; how many."""
        scopes = list(self.jobs.store.scopes(workspace))
        return sum(len(self.cancel_active(scope, reason)) for scope in scopes)

    def resume_workspace(self, workspace: str) -> int:
        """After a reinstall: jobs cancelled by the uninstall that are still ahead become pending
        again; those that came due meanwhile stay cancelled (stale news). How many resumed."""
        now = self.clock.now()

        def resume(d: Doc) -> Doc | None:
            # Only jobs still ahead: one that was being sent had come due, so it stays cancelled
            # and can't be posted twice.
            if d["status"] != CANCELLED or d.get("error") != UNINSTALLED or parse(d["due_at"]) <= now:
                return None
            return {**d, "status": PENDING, "error": None, "retry_at": None}

        resumed = 0
        for scope in list(self.jobs.store.scopes(workspace)):
            for doc in self.jobs.find(scope, lambda d: d.get("error") == UNINSTALLED):
                changed = self.jobs.change(scope, doc["id"], resume, now)
                resumed += changed is not None and changed.get("status") == PENDING
        return resumed

    @staticmethod
    def _mark(scope: Scope, doc: Doc) -> dict[str, Any]:
        """A job's own mark: its id, channel and arm (a snoozed reminder is a new arm)."""
        return {"job_id": doc["id"], "channel": scope.channel_id, "arm": int(doc.get("arm", 0))}

    def _mark_of(self, scope: Scope, doc: Doc) -> dict[str, Any]:
        """The mark of the message a job went out in: its batch's when it has one, else its own."""
        return doc.get("batch") or self._mark(scope, doc)

    def _client(self, workspace: str) -> WebClient:
        """The client posting for ``workspace``: its installation's in OAuth mode, else the one client."""
        return self.client if self.client_for is None else self.client_for(workspace)

    # ------------------------------------------------------------------ recovery

    def _look_for_post(self, scope: Scope, doc: Doc, wanted: dict[str, Any] | None = None,
                       ) -> tuple[str, str | None, str | None]:
        """("found", ts, channel) / ("absent", …) / ("unknown", …): did an earlier attempt post
        (the message carrying ``wanted``, by default the job's own mark)?"""
        target = doc.get("target") or scope.channel_id
        channel = doc.get("posted_channel") or self._known_dm(scope.workspace, target) or target
        wanted = wanted or self._mark(scope, doc)
        cursor: str | None = None
        seen = 0
        try:
            while seen < self.history_scan_limit:
                if doc.get("thread_ts"):
                    page = self._client(scope.workspace).conversations_replies(
                        channel=channel, ts=doc["thread_ts"], include_all_metadata=True,
                        limit=HISTORY_PAGE, cursor=cursor,
                    )
                else:
                    page = self._client(scope.workspace).conversations_history(
                        channel=channel, include_all_metadata=True, limit=HISTORY_PAGE, cursor=cursor,
                    )
                messages = page.get("messages") or []
                seen += len(messages)
                for message in messages:
                    meta = message.get("metadata") or {}
                    if meta.get("event_type") == EVENT_TYPE and _same_mark(meta.get("event_payload"), wanted):
                        return "found", str(message.get("ts")), page.get("channel") or channel
                cursor = (page.get("response_metadata") or {}).get("next_cursor") or None
                if not cursor or not messages:
                    break
        except Exception as exc:  # noqa: BLE001
            failure = classify(exc)
            if failure.kind == "final":
                # We can't look (history scope missing, channel gone): late rather than never.
                log.warning("can't check whether job %s in %s/%s was posted (%s); posting it",
                            doc["id"], scope.workspace, scope.channel_id, failure.code)
                return "absent", None, None
            return "unknown", None, None
        return "absent", None, None

    def _conversation(self, workspace: str, target: str) -> str:
        """Where to post: a channel id as is; for a person, the DM's own id.

        Slack takes a user id for chat.postMessage but not for conversations.history, so a
        DM posted by user id can't be found again after a crash. Opening the DM first (once
        per person, remembered) gives the id recovery needs. If that fails we still post by
        user id: late and possibly twice after a crash beats never.
        """
        known = self._known_dm(workspace, target)
        if known or target[:1] not in ("U", "W"):
            return known or target
        try:
            channel = str(self._client(workspace).conversations_open(users=target)["channel"]["id"])
        except Exception as exc:  # noqa: BLE001 - e.g. an install from before im:write
            log.warning("conversations.open for %s failed (%s); posting by user id", target,
                        classify(exc).code)
            return target
        self._remember_dm(workspace, target, channel)
        return channel

    def _remember_dm(self, workspace: str, user: str, channel: str) -> None:
        scope = Scope(workspace, TEAM_SCOPE)
        store = self.jobs.store
        if (store.get(scope, DM_CHANNEL, user) or {}).get("channel") != channel:
            store.put(scope, DM_CHANNEL, user, {"channel": channel})

    def _known_dm(self, workspace: str, target: str) -> str | None:
        if target[:1] not in ("U", "W"):
            return None
        doc = self.jobs.store.get(Scope(workspace, TEAM_SCOPE), DM_CHANNEL, target)
        return doc.get("channel") if doc else None

    # ------------------------------------------------------------------ housekeeping

    def _prune(self, scope: Scope, now: datetime) -> None:
        cutoff = now - PRUNE_AFTER

        def old(d: Doc) -> bool:
            return (d.get("type") in PRUNABLE_TYPES and d.get("status") in FINISHED
                    and parse(d.get("updated_at") or d["due_at"]) < cutoff)

        for doc in self.jobs.find(scope, old):
            self.jobs.delete(scope, doc["id"])


def _urgency(doc: Doc) -> int:
    """How soon a due job must go, by its type (:data:`URGENCY`); unknown types in the middle."""
    return URGENCY.get(str(doc.get("type")), 1)


def _period(scope: Scope, at: datetime) -> int:
    """Which :data:`REPLAN_PERIOD` ``at`` falls in, counted from an offset that is fixed per
    channel: a channel is re-planned when this number changes (at least once a period, and
    at once when the clock jumps a period or more, either way)."""
    span = int(REPLAN_PERIOD.total_seconds())
    offset = zlib.crc32(f"{scope.workspace}/{scope.channel_id}".encode()) % span
    return int((at.timestamp() - offset) // span)


class _Memo:
    """A predicate asked once per workspace during one sweep or run (it may read the database)."""

    def __init__(self, predicate: Callable[[str], bool]) -> None:
        self._predicate = predicate
        self._answers: dict[str, bool] = {}

    def __call__(self, workspace: str) -> bool:
        if workspace not in self._answers:
            self._answers[workspace] = self._predicate(workspace)
        return self._answers[workspace]


def _describe(group: list[tuple[Scope, Doc]]) -> str:
    """How a log line names a group of jobs: the job when alone, else how many and for whom."""
    scope, doc = group[0]
    if len(group) == 1:
        return f"job {doc['id']} in {scope.workspace}/{scope.channel_id}"
    return f"{len(group)} scheduled jobs for {doc.get('target') or scope.channel_id} in {scope.workspace}"


def _unique(marks: Iterable[dict[str, Any]]) -> list[dict[str, Any]]:
    """Marks without repeats, in order."""
    seen: list[dict[str, Any]] = []
    for mark in marks:
        if mark not in seen:
            seen.append(mark)
    return seen


def _same_mark(payload: Any, wanted: dict[str, Any]) -> bool:
    if not isinstance(payload, dict):
        return False
    return (payload.get("job_id") == wanted["job_id"] and payload.get("channel") == wanted["channel"]
            and int(payload.get("arm", 0) or 0) == wanted["arm"])
