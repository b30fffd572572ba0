"""The dispatcher: exactly once across crashes, retries that never lose a post, pacing."""

from __future__ import annotations

import functools
import logging
from datetime import timedelta

import pytest

from bot.schedule.dispatcher import EVENT_TYPE
from bot.schedule.limiter import PostLimiter
from bot.schedule.posts import POST, render_post, schedule_post
from bot.services.calendar_jobs import create_post, ensure_post
from bot.services.outcome import Message
from bot.store import Scope
from tests.conftest import DEAL, OTHER
from tests.schedule.conftest import SCOPE


def note(text: str) -> Message:
    """A message whose fallback text ends with ``text``."""
    return Message("calendar_chosen", {"channel": "C0DEAL", "title": text})


@pytest.fixture
def post(dispatcher, clock):
    dispatcher.register(POST, render_post)

    def schedule(job_id: str, minutes: int = 0, scope: Scope = SCOPE, **kw) -> None:
        due = clock.now() + timedelta(minutes=minutes)
        assert schedule_post(dispatcher.jobs, scope, job_id, due, note(job_id), clock.now(), **kw)

    return schedule


def job(dispatcher, job_id, scope=SCOPE):
    return dispatcher.jobs.get(scope, job_id)


def texts(emulator, channel=DEAL):
    return [m["text"] for m in emulator.messages(channel)]


def test_due_job_posts_once_with_its_mark_and_ts(dispatcher, post, emulator, clock):
    post("a", minutes=0)
    post("later", minutes=30)
    report = dispatcher.run_due()
    assert report.posted == ["a"]
    [message] = emulator.messages(DEAL)
    assert message["metadata"] == {
        "event_type": EVENT_TYPE, "event_payload": {"job_id": "a", "channel": DEAL, "arm": 0}}
    doc = job(dispatcher, "a")
    [call] = emulator.calls_to("chat.postMessage")
    assert doc["status"] == "done" and doc["posted_ts"] == call.response["ts"] and doc["attempts"] == 1
    assert (call.args["unfurl_links"], call.args["unfurl_media"]) in ((False, False), ("0", "0"))
    assert dispatcher.run_due().posted == []
    clock.advance(timedelta(minutes=31))
    assert dispatcher.run_due().posted == ["later"]
    assert dispatcher.run_due().posted == []
    assert len(emulator.messages(DEAL)) == 2


def test_schedule_post_keeps_the_first_of_an_id_and_needs_json_context(dispatcher, clock):
    assert schedule_post(dispatcher.jobs, SCOPE, "x", clock.now(), note("one"), clock.now())
    assert not schedule_post(dispatcher.jobs, SCOPE, "x", clock.now(), note("two"), clock.now())
    with pytest.raises(TypeError, match="JSON-safe"):
        not_json = Message("calendar_chosen", {"title": clock})
        schedule_post(dispatcher.jobs, SCOPE, "y", clock.now(), not_json, clock.now())


def test_a_calendar_post_with_a_context_json_cannot_hold_is_refused_and_the_store_keeps_working(
    dispatcher, clock
):
    # A stored job is a document: one that can't be written as JSON must be refused before
    # the store sees it, or the journal line holding it would fail every write after it.
    not_json = Message("calendar_chosen", {"title": clock})
    with pytest.raises(TypeError, match="JSON-safe"):
        create_post(dispatcher.jobs, SCOPE, "cal-1", clock.now(), not_json, clock.now())
    with pytest.raises(TypeError, match="JSON-safe"):
        ensure_post(dispatcher.jobs, SCOPE, "cal-1", clock.now(), not_json, clock.now(), allow_new=True)
    assert create_post(dispatcher.jobs, SCOPE, "cal-2", clock.now(), note("fine"), clock.now())
    assert dispatcher.jobs.get(SCOPE, "cal-1") is None and dispatcher.jobs.get(SCOPE, "cal-2") is not None


def test_crash_between_post_and_record_is_recovered_without_posting_again(
    dispatcher, post, emulator, monkeypatch
):
    post("a")
    real = dispatcher.record_posted
    monkeypatch.setattr(dispatcher, "record_posted", lambda *a: (_ for _ in ()).throw(OSError("disk")))
    dispatcher.run_due()
    assert len(emulator.messages(DEAL)) == 1
    assert job(dispatcher, "a")["status"] == "sending"
    monkeypatch.setattr(dispatcher, "record_posted", real)
    report = dispatcher.run_due()
    assert report.recovered == ["a"] and report.posted == []
    assert len(emulator.messages(DEAL)) == 1
    doc = job(dispatcher, "a")
    [call] = [c for c in emulator.calls_to("chat.postMessage") if c.response.get("ok")]
    assert doc["status"] == "done" and doc["posted_ts"] == call.response["ts"]
    assert emulator.calls_to("conversations.history")[0].args["include_all_metadata"] in (True, "1", "true")


def test_crash_after_intent_but_before_post_posts_once(dispatcher, post, emulator, clock):
    post("a")
    dispatcher.jobs.change(SCOPE, "a", lambda d: {**d, "status": "sending", "attempts": 1}, clock.now())
    report = dispatcher.run_due()
    assert report.posted == ["a"] and len(emulator.messages(DEAL)) == 1
    assert job(dispatcher, "a")["attempts"] == 2


def test_recovery_matches_job_channel_and_arm_not_just_any_mark(dispatcher, post, emulator, clock):
    # Someone else's message and an earlier arm of the same job don't count as "posted".
    emulator.add_message(DEAL, "other", user="U0X", metadata={
        "event_type": EVENT_TYPE, "event_payload": {"job_id": "a", "channel": OTHER, "arm": 0}})
    post("a")
    dispatcher.run_due()
    dispatcher.jobs.change(SCOPE, "a", lambda d: {**d, "status": "sending", "arm": 1}, clock.now())
    report = dispatcher.run_due()
    assert report.posted == ["a"]
    assert [m["metadata"]["event_payload"]["arm"] for m in emulator.messages(DEAL)] == [0, 1]


def test_final_429_keeps_the_job_pending_until_retry_after(dispatcher, post, emulator, clock):
    post("a")
    emulator.fail_next("chat.postMessage", "ratelimited", retry_after=30)
    report = dispatcher.run_due()
    assert report.retrying == ["a"]
    doc = job(dispatcher, "a")
    assert doc["status"] == "pending" and doc["error"] == "ratelimited" and not doc["uncertain"]
    assert doc["retry_at"] == (clock.now() + timedelta(seconds=30)).isoformat()
    assert dispatcher.run_due().posted == []  # not before Retry-After
    clock.advance(timedelta(seconds=31))
    assert dispatcher.run_due().posted == ["a"]
    assert len(emulator.messages(DEAL)) == 1
    # A 429 means "not posted": the retry didn't need to read history.
    assert emulator.calls_to("conversations.history") == []


def test_final_429_pushes_back_the_workspace_pace(dispatcher, post, emulator, clock, sleeps):
    post("a", scope=SCOPE)
    post("b", scope=Scope("T0001", OTHER))
    emulator.fail_next("chat.postMessage", "ratelimited", retry_after=20)
    dispatcher.run_due()
    assert sleeps == [20.0]  # "b" waited out the Retry-After instead of hitting the limit again
    assert len(emulator.messages()) == 1


def test_server_error_retries_with_backoff_and_checks_history_first(dispatcher, post, emulator, clock):
    post("a")
    emulator.fail_next("chat.postMessage", "internal_error", status=500)
    assert dispatcher.run_due().retrying == ["a"]
    doc = job(dispatcher, "a")
    assert doc["status"] == "pending" and doc["uncertain"] and doc["error"] == "http_500"
    clock.advance(timedelta(seconds=29))
    assert dispatcher.run_due().posted == []
    clock.advance(timedelta(seconds=2))
    assert dispatcher.run_due().posted == ["a"]
    assert len(emulator.calls_to("conversations.history")) == 1
    assert len(emulator.messages(DEAL)) == 1


class LostResponse:
    """A client whose first chat.postMessage reaches Slack but whose answer never comes back."""

    def __init__(self, client) -> None:
        self._client = client
        self.lost = 0

    def __getattr__(self, name):
        return getattr(self._client, name)

    def chat_postMessage(self, **kwargs):
        response = self._client.chat_postMessage(**kwargs)
        if self.lost == 0:
            self.lost += 1
            raise TimeoutError("read timed out")
        return response


def test_timeout_after_slack_posted_is_not_posted_twice(dispatcher, post, emulator, clock, client):
    dispatcher.client = LostResponse(client)
    post("a")
    assert dispatcher.run_due().retrying == ["a"]
    assert job(dispatcher, "a")["uncertain"]
    clock.advance(timedelta(minutes=5))
    report = dispatcher.run_due()
    assert report.recovered == ["a"] and report.posted == []
    assert len(emulator.messages(DEAL)) == 1
    assert job(dispatcher, "a")["status"] == "done"


def test_history_unavailable_keeps_a_sending_job_waiting(dispatcher, post, emulator, clock):
    post("a")
    dispatcher.jobs.change(SCOPE, "a", lambda d: {**d, "status": "sending"}, clock.now())
    emulator.fail_next("conversations.history", "internal_error", status=500)
    assert dispatcher.run_due().retrying == ["a"]
    assert job(dispatcher, "a")["status"] == "sending"
    assert emulator.messages(DEAL) == []
    clock.advance(timedelta(minutes=1))
    assert dispatcher.run_due().posted == ["a"]


@pytest.mark.parametrize("problem", ["is_archived", "not_in_channel", "channel_not_found"])
def test_permanent_errors_fail_the_job_and_are_logged_once(
    dispatcher, post, emulator, clock, caplog, problem
):
    channel = {"is_archived": "C0ARCH", "not_in_channel": "C0NOBOT", "channel_not_found": "C0GONE"}[problem]
    if problem == "is_archived":
        emulator.add_channel(channel, "old-deal", is_archived=True)
    scope = Scope("T0001", channel)
    post("a", scope=scope)
    with caplog.at_level(logging.ERROR, logger="bot.schedule.dispatcher"):
        assert dispatcher.run_due().failed == ["a"]
        clock.advance(timedelta(days=1))
        assert dispatcher.run_due().failed == []
    doc = job(dispatcher, "a", scope)
    assert doc["status"] == "failed" and doc["error"] == problem
    [record] = [r for r in caplog.records if "failed for good" in r.getMessage()]
    expected = f"job a (post) for T0001/{channel} target {channel} failed for good: {problem}"
    assert record.getMessage() == expected


def test_cancelled_and_skipped_jobs_are_not_posted(dispatcher, post, emulator, clock):
    post("a")
    post("b")
    dispatcher.jobs.change(SCOPE, "a", lambda d: {**d, "status": "cancelled"}, clock.now())
    dispatcher.register("quiet", lambda scope, job, now: None)
    from bot.schedule.jobs import new_job

    dispatcher.jobs.create(SCOPE, new_job("q", "quiet", clock.now(), {}, clock.now()))
    report = dispatcher.run_due()
    assert report.posted == ["b"] and report.skipped == ["q"]
    assert job(dispatcher, "q")["status"] == "skipped"


def test_a_broken_template_fails_that_job_only(dispatcher, post, emulator, clock):
    assert schedule_post(dispatcher.jobs, SCOPE, "bad", clock.now(), Message("no_such_template", {}),
                         clock.now())
    post("good")
    report = dispatcher.run_due()
    assert report.failed == ["bad"] and report.posted == ["good"]
    assert job(dispatcher, "bad")["error"] == "render_failed"


def test_threaded_posts_carry_thread_ts(dispatcher, post, emulator):
    parent = emulator.add_message(DEAL, "meeting", user="U0ALICE")
    post("debrief", thread_ts=parent["ts"])
    dispatcher.run_due()
    [message] = emulator.messages(DEAL)
    assert message["thread_ts"] == parent["ts"]


def test_a_threaded_post_is_found_in_its_thread_after_a_crash_and_not_posted_again(
    dispatcher, post, emulator, monkeypatch
):
    parent = emulator.add_message(DEAL, "meeting", user="U0ALICE")
    post("debrief", thread_ts=parent["ts"])
    real = dispatcher.record_posted
    monkeypatch.setattr(dispatcher, "record_posted", lambda *a: (_ for _ in ()).throw(OSError("disk")))
    dispatcher.run_due()
    assert job(dispatcher, "debrief")["status"] == "sending"
    monkeypatch.setattr(dispatcher, "record_posted", real)
    report = dispatcher.run_due()
    # A thread reply is not in the channel's history: recovery reads the thread.
    assert report.recovered == ["debrief"] and report.posted == []
    [message] = emulator.messages(DEAL)
    assert job(dispatcher, "debrief")["posted_ts"] == emulator.calls_to("chat.postMessage")[0].response["ts"]
    [look] = emulator.calls_to("conversations.replies")
    assert look.args["ts"] == parent["ts"] and look.response["ok"] and "cursor" not in look.args
    assert str(look.args["limit"]) == "200" and look.args["include_all_metadata"] in (True, "1", "true")


def test_a_sweep_at_a_given_time_runs_what_is_due_by_then(dispatcher, post, clock):
    post("a", minutes=30)
    assert dispatcher.sweep().posted == []
    assert dispatcher.sweep(clock.now() + timedelta(minutes=30)).posted == ["a"]


def test_posts_to_one_channel_are_a_second_apart(dispatcher, post, sleeps):
    for name in "abc":
        post(name)
    assert dispatcher.run_due().posted == ["a", "b", "c"]
    assert sleeps == [1.0, 1.0]


def test_workspace_pace_spreads_posts_across_channels(store, clock, client, emulator, sleeps):
    from bot.schedule.dispatcher import Dispatcher
    from bot.schedule.jobs import JobStore

    for channel in ("C0A", "C0B", "C0C", "C0D"):
        emulator.add_channel(channel, channel.lower())
    limiter = PostLimiter(sleep=sleeps, monotonic=lambda: 0.0, workspace_rate=4.0, workspace_burst=2)
    dispatcher = Dispatcher(JobStore(store), clock, client, limiter=limiter)
    dispatcher.register(POST, render_post)
    for channel in ("C0A", "C0B", "C0C", "C0D"):
        schedule_post(dispatcher.jobs, Scope("T0001", channel), "digest", clock.now(), note(channel),
                      clock.now())
    assert len(dispatcher.run_due().posted) == 4
    assert sleeps == [0.25, 0.25]  # a burst of 2, then 4 per second


def test_limiter_reserves_in_order_without_real_time():
    waits = []
    limiter = PostLimiter(sleep=waits.append, monotonic=lambda: 100.0)
    assert [limiter.wait("T", "C1"), limiter.wait("T", "C1"), limiter.wait("T", "C2")] == [0, 1.0, 1.0]
    assert limiter.wait("T2", "C1") == 0  # another workspace has its own pace
    limiter.penalize("T", 10)
    assert limiter.wait("T", "C3") == 10.0


def test_run_due_is_one_at_a_time(dispatcher, post, emulator):
    post("a")
    assert dispatcher._run_lock.acquire()
    try:
        assert dispatcher.run_due().busy
    finally:
        dispatcher._run_lock.release()
    assert dispatcher.run_due().posted == ["a"]


def test_sweep_prunes_old_finished_one_off_posts(dispatcher, post, clock):
    post("a")
    dispatcher.run_due()
    clock.advance(timedelta(days=61))
    dispatcher.sweep()
    assert job(dispatcher, "a") is None


# --- uninstall, reinstall, housekeeping, DMs --------------------------------------------------

def statuses(dispatcher, scope=SCOPE):
    return {d["id"]: (d["status"], d["error"]) for d in dispatcher.jobs.find(scope)}


def test_cancel_active_cancels_pending_and_sending_jobs_only(dispatcher, post, clock, caplog):
    post("a")
    post("b", minutes=10)
    post("c")
    dispatcher.jobs.change(SCOPE, "c", lambda d: {**d, "status": "sending"}, clock.now())
    post("done")
    dispatcher.jobs.change(SCOPE, "done", lambda d: {**d, "status": "done"}, clock.now())
    assert dispatcher.cancel_active(SCOPE, "why", only="b") == ["b"]
    assert statuses(dispatcher)["b"] == ("cancelled", "why")
    assert statuses(dispatcher)["a"] == ("pending", None)
    with caplog.at_level(logging.INFO, logger="bot.schedule.dispatcher"):
        assert sorted(dispatcher.cancel_active(SCOPE, "left")) == ["a", "c"]
    assert "cancelled 2 scheduled posts in T0001/C0DEAL: left" in caplog.messages
    assert statuses(dispatcher) == {"a": ("cancelled", "left"), "b": ("cancelled", "why"),
                                    "c": ("cancelled", "left"), "done": ("done", None)}
    assert dispatcher.cancel_active(SCOPE, "again") == []


def test_cancel_workspace_counts_and_leaves_other_workspaces(dispatcher, post):
    other_channel, other_team = Scope("T0001", OTHER), Scope("T0TWO", DEAL)
    post("a")
    post("b", minutes=5)
    post("c", scope=other_channel)
    post("d", scope=other_team)
    assert dispatcher.cancel_workspace("T0001") == 3
    assert statuses(dispatcher, other_channel) == {"c": ("cancelled", "uninstalled")}
    assert statuses(dispatcher, other_team) == {"d": ("pending", None)}
    assert dispatcher.cancel_workspace("T0001", "other reason") == 0


def test_resume_workspace_brings_back_only_jobs_still_ahead(dispatcher, post, clock):
    post("soon", minutes=10)
    post("later", minutes=120)
    post("kept", minutes=120)
    post("also", minutes=180)
    post("theirs", minutes=120, scope=Scope("T0TWO", DEAL))
    dispatcher.cancel_active(Scope("T0TWO", DEAL), "uninstalled")  # another workspace's, not resumed here
    dispatcher.cancel_active(SCOPE, "uninstalled", only="also")
    dispatcher.cancel_active(SCOPE, "uninstalled", only="soon")
    dispatcher.cancel_active(SCOPE, "uninstalled", only="later")
    dispatcher.cancel_active(SCOPE, "by hand", only="kept")
    dispatcher.jobs.change(SCOPE, "later", lambda d: {**d, "retry_at": "2026-11-23T16:00:00+00:00"},
                           clock.now())
    clock.advance(timedelta(minutes=10))  # "soon" came due while uninstalled: stale news
    assert dispatcher.resume_workspace("T0001") == 2
    assert statuses(dispatcher) == {"soon": ("cancelled", "uninstalled"), "later": ("pending", None),
                                    "kept": ("cancelled", "by hand"), "also": ("pending", None)}
    assert statuses(dispatcher, Scope("T0TWO", DEAL)) == {"theirs": ("cancelled", "uninstalled")}
    assert job(dispatcher, "later")["retry_at"] is None
    assert dispatcher.resume_workspace("T0001") == 0


def test_sweep_runs_pollers_and_planners_despite_failures_and_skips_team_scopes(
        dispatcher, post, clock, store, caplog):
    polled, planned = [], []

    def broken(*args):
        raise RuntimeError("boom")

    dispatcher.add_poller(broken)
    dispatcher.add_poller(functools.partial(broken))  # no __name__: logged by its repr
    dispatcher.add_poller(polled.append)
    dispatcher.add_planner(broken)
    dispatcher.add_planner(lambda scope, at: planned.append((scope, at)))
    store.put(Scope("T0001", "_team"), "dm_channel", "U0ALICE", {"channel": "D0ALICE"})
    post("a")
    with caplog.at_level(logging.ERROR):
        report = dispatcher.sweep()
    assert polled == [clock.now()] and planned == [(SCOPE, clock.now())]
    assert report.posted == ["a"]
    assert "poller broken failed" in caplog.messages
    assert any(m.startswith("poller functools.partial(<function") for m in caplog.messages)
    assert "planning broken for T0001/C0DEAL failed" in caplog.messages


def test_sweep_cancels_the_jobs_of_an_uninstalled_workspace_and_plans_nothing_there(
        dispatcher, post, emulator):
    planned = []
    dispatcher.add_planner(lambda scope, at: planned.append(scope))
    dispatcher.is_uninstalled = lambda workspace: workspace == "T0001"
    post("a")
    post("elsewhere", scope=Scope("T0TWO", DEAL))
    report = dispatcher.sweep()
    assert statuses(dispatcher)["a"] == ("cancelled", "uninstalled") and planned == [Scope("T0TWO", DEAL)]
    assert report.posted == ["elsewhere"]


def test_sweep_prunes_finished_posts_after_sixty_days_only(dispatcher, post, clock):
    post("old")
    post("young")
    post("active")
    dispatcher.run_due()
    dispatcher.jobs.change(SCOPE, "active",
                           lambda d: {**d, "status": "pending", "due_at": "2027-06-01T00:00:00+00:00"},
                           clock.now())
    clock.advance(timedelta(days=30))
    post("young2")
    dispatcher.run_due()
    clock.advance(timedelta(days=30, seconds=1))
    dispatcher.sweep()
    assert sorted(statuses(dispatcher)) == ["active", "young2"]


def test_a_dm_job_opens_the_conversation_posts_there_and_remembers_it(dispatcher, clock, emulator, store):
    from bot.schedule.jobs import new_job

    dispatcher.register(POST, render_post)
    payload = {"template": "calendar_chosen", "context": {"channel": "C0DEAL", "title": "hi"}}
    dispatcher.jobs.create(SCOPE, new_job("dm", POST, clock.now(), payload, clock.now(), target="U0ALICE"))
    assert dispatcher.run_due().posted == ["dm"]
    [message] = emulator.messages("D0ALICE")
    [opened] = emulator.calls_to("conversations.open")
    assert opened.args["users"] == "U0ALICE" and opened.response["ok"]
    assert emulator.calls_to("chat.postMessage")[0].args["channel"] == "D0ALICE"
    assert job(dispatcher, "dm")["posted_channel"] == "D0ALICE"
    assert store.get(Scope("T0001", "_team"), "dm_channel", "U0ALICE") == {"channel": "D0ALICE"}
    # Recovery of a DM job looks in the DM it remembered, not at the user id.
    dispatcher.jobs.create(SCOPE, new_job("dm2", POST, clock.now(), payload, clock.now(), target="U0ALICE"))
    dispatcher.jobs.change(SCOPE, "dm2", lambda d: {**d, "status": "sending", "attempts": 1}, clock.now())
    dispatcher.run_due()
    assert emulator.calls_to("conversations.history")[-1].args["channel"] == "D0ALICE"
    assert len(emulator.calls_to("conversations.open")) == 1  # remembered, not opened again
    assert [c.args["channel"] for c in emulator.calls_to("chat.postMessage")] == ["D0ALICE", "D0ALICE"]


def test_a_dm_that_cannot_be_opened_is_posted_by_user_id(dispatcher, clock, emulator, store, caplog):
    from bot.schedule.jobs import new_job

    dispatcher.register(POST, render_post)
    emulator.add_user("W0GRID", name="grid")
    emulator.fail_next("conversations.open", "missing_scope")
    payload = {"template": "calendar_chosen", "context": {"channel": "C0DEAL", "title": "hi"}}
    dispatcher.jobs.create(SCOPE, new_job("dm", POST, clock.now(), payload, clock.now(), target="W0GRID"))
    with caplog.at_level(logging.WARNING, logger="bot.schedule.dispatcher"):
        assert dispatcher.run_due().posted == ["dm"]
    assert "conversations.open for W0GRID failed (missing_scope); posting by user id" in caplog.messages
    assert emulator.calls_to("chat.postMessage")[0].args["channel"] == "W0GRID"
    # Slack answered with the DM's id: remembered for next time.
    assert store.get(Scope("T0001", "_team"), "dm_channel", "W0GRID") == {"channel": "D0GRID"}
    dispatcher.jobs.create(SCOPE, new_job("dm2", POST, clock.now(), payload, clock.now(), target="W0GRID"))
    dispatcher.run_due()
    assert emulator.calls_to("chat.postMessage")[-1].args["channel"] == "D0GRID"
    assert len(emulator.calls_to("conversations.open")) == 1


def test_unknown_job_types_fail_and_a_revoked_token_cancels_the_job(dispatcher, post, clock, emulator):
    from bot.schedule.jobs import new_job

    dispatcher.jobs.create(SCOPE, new_job("odd", "no_such_type", clock.now(), {}, clock.now()))
    post("a")
    post("b")
    emulator.fail_next("chat.postMessage", "token_revoked")
    report = dispatcher.run_due()
    assert report.failed == ["odd"] and job(dispatcher, "odd")["error"] == "unknown_job_type"
    assert statuses(dispatcher)["a"] == ("cancelled", "uninstalled")  # a reinstall brings it back
    assert statuses(dispatcher)["b"] == ("done", None)


def test_a_retried_post_that_then_fails_for_good_is_settled(dispatcher, post, emulator, clock):
    emulator.fail_next("chat.postMessage", "internal_error", status=500)
    post("a")
    dispatcher.run_due()
    clock.advance(timedelta(hours=1))
    emulator.fail_next("chat.postMessage", "channel_not_found")
    assert dispatcher.run_due().failed == ["a"]
    doc = job(dispatcher, "a")
    assert (doc["status"], doc["error"], doc["attempts"], doc["uncertain"], doc["retry_at"]) == (
        "failed", "channel_not_found", 2, False, None)


def test_a_post_found_again_is_logged(dispatcher, post, emulator, monkeypatch, caplog):
    post("a")
    crash_after_posting(dispatcher, monkeypatch)
    with caplog.at_level(logging.INFO, logger="bot.schedule.dispatcher"):
        dispatcher.run_due()
    ts = job(dispatcher, "a")["posted_ts"]
    assert f"job a in T0001/C0DEAL was already posted (ts {ts}); not posting again" in caplog.messages


# --- sorting failures ---------------------------------------------------------------------------

def api_error(status: int, error: str | None, headers: dict | None = None):
    from slack_sdk.errors import SlackApiError
    from slack_sdk.web.slack_response import SlackResponse

    data = {"ok": False, **({"error": error} if error is not None else {})}
    response = SlackResponse(client=None, http_verb="POST", api_url="chat.postMessage", req_args={},
                             data=data, headers=headers or {}, status_code=status)
    return SlackApiError("failed", response)


@pytest.mark.parametrize(("exc", "expected"), [
    (api_error(429, "ratelimited", {"Retry-After": "7"}), ("retry", "ratelimited", 7.0)),
    (api_error(429, "ratelimited", {"retry-after": ["3"]}), ("retry", "ratelimited", 3.0)),
    (api_error(429, None, {"Retry-After": "soon"}), ("retry", "ratelimited", None)),
    (api_error(429, None, {"Retry-After": []}), ("retry", "ratelimited", None)),
    (api_error(200, "ratelimited"), ("retry", "ratelimited", None)),
    (api_error(200, "rate_limited", {"Retry-After": "2.5"}), ("retry", "ratelimited", 2.5)),
    (api_error(500, "internal_error"), ("unclear", "http_500", None)),
    (api_error(503, None), ("unclear", "http_503", None)),
    (api_error(200, "service_unavailable"), ("unclear", "service_unavailable", None)),
    (api_error(200, "request_timeout"), ("unclear", "request_timeout", None)),
    (api_error(200, "fatal_error"), ("unclear", "fatal_error", None)),
    (api_error(200, "channel_not_found"), ("final", "channel_not_found", None)),
    (api_error(499, "is_archived"), ("final", "is_archived", None)),
    (api_error(400, None), ("final", "http_400", None)),
    (TimeoutError("slow"), ("unclear", "TimeoutError", None)),
    (ConnectionResetError(), ("unclear", "ConnectionResetError", None)),
])
def test_classify_sorts_failures_into_retry_unclear_and_final(exc, expected):
    from bot.schedule.dispatcher import classify

    failure = classify(exc)
    assert (failure.kind, failure.code, failure.retry_after) == expected


def test_record_posted_settles_every_field(dispatcher, post, clock):
    post("a")
    unsettled = {"status": "sending", "error": "http_500", "uncertain": True,
                 "retry_at": "2026-11-23T15:05:00+00:00"}
    dispatcher.jobs.change(SCOPE, "a", lambda d: {**d, **unsettled}, clock.now())
    clock.advance(timedelta(seconds=30))
    dispatcher.record_posted(SCOPE, "a", "1700000000.000100", "C0DEAL")
    doc = job(dispatcher, "a")
    assert {k: doc[k] for k in ("status", "posted_ts", "posted_channel", "error", "uncertain", "retry_at",
                                "done_at")} == {
        "status": "done", "posted_ts": "1700000000.000100", "posted_channel": "C0DEAL", "error": None,
        "uncertain": False, "retry_at": None, "done_at": "2026-11-23T15:00:30+00:00"}
    dispatcher.record_posted(SCOPE, "gone", "1.0", "C0DEAL")  # a job deleted meanwhile: nothing to do


def test_a_retry_waits_its_backoff_and_says_why(dispatcher, post, emulator, clock, caplog):
    emulator.fail_next("chat.postMessage", "internal_error", status=500)
    post("a")
    with caplog.at_level(logging.WARNING):
        assert dispatcher.run_due().retrying == ["a"]
    doc = job(dispatcher, "a")
    assert (doc["status"], doc["error"], doc["uncertain"], doc["attempts"]) == (
        "pending", "http_500", True, 1)
    assert doc["retry_at"] > doc["due_at"]
    assert "job a in T0001/C0DEAL not posted (http_500); retrying in" in caplog.text
    assert dispatcher.run_due().posted == []  # not before retry_at


def test_retry_at_follows_the_backoff_for_the_attempt_and_retry_after(
        dispatcher, post, emulator, clock, caplog):
    from bot.domain.schedule_rules import backoff
    from bot.schedule.jobs import iso

    emulator.fail_next("chat.postMessage", "ratelimited", retry_after=30)
    post("a")
    with caplog.at_level(logging.WARNING, logger="bot.schedule.dispatcher"):
        dispatcher.run_due()
    wait = backoff(1, 30.0)
    assert job(dispatcher, "a")["retry_at"] == iso(clock.now() + wait)
    assert (f"job a in T0001/C0DEAL not posted (ratelimited); retrying in {int(wait.total_seconds())}s "
            "(attempt 1)") in caplog.messages
    clock.advance(wait)
    dispatcher.jobs.change(SCOPE, "a", lambda d: {**d, "attempts": 3}, clock.now())
    emulator.fail_next("chat.postMessage", "internal_error", status=500)
    dispatcher.run_due()
    assert job(dispatcher, "a")["retry_at"] == iso(clock.now() + backoff(4, None))


def crash_after_posting(dispatcher, monkeypatch):
    """Run the due jobs, dying between the post and its record."""
    real = dispatcher.record_posted
    monkeypatch.setattr(dispatcher, "record_posted", lambda *a: (_ for _ in ()).throw(OSError("disk")))
    dispatcher.run_due()
    monkeypatch.setattr(dispatcher, "record_posted", real)


def test_recovery_pages_through_a_busy_channel(dispatcher, post, emulator, monkeypatch):
    post("a")
    crash_after_posting(dispatcher, monkeypatch)
    for n in range(250):  # the channel moved on: the post is on the second page
        emulator.add_message(DEAL, f"chatter {n}", user="U0BOB")
    report = dispatcher.run_due()
    assert report.recovered == ["a"] and len(emulator.messages(DEAL)) == 1
    first, second = emulator.calls_to("conversations.history")
    assert "cursor" not in first.args
    assert second.args["cursor"] == first.response["response_metadata"]["next_cursor"]
    assert str(first.args["limit"]) == "200"
    assert (job(dispatcher, "a")["posted_channel"], job(dispatcher, "a")["status"]) == (DEAL, "done")


def test_recovery_looks_back_only_so_far(dispatcher, post, emulator, monkeypatch):
    dispatcher.history_scan_limit = 200
    post("a")
    crash_after_posting(dispatcher, monkeypatch)
    for n in range(200):
        emulator.add_message(DEAL, f"chatter {n}", user="U0BOB")
    report = dispatcher.run_due()
    # Buried under 200 newer messages: not found, so posted again (late rather than never).
    assert report.posted == ["a"] and len(emulator.calls_to("conversations.history")) == 1
    assert len(emulator.messages(DEAL)) == 2


def test_a_mark_matches_only_its_job_channel_and_arm():
    from bot.schedule.dispatcher import _same_mark

    wanted = {"job_id": "a", "channel": DEAL, "arm": 0}
    assert _same_mark({"job_id": "a", "channel": DEAL, "arm": 0}, wanted)
    assert _same_mark({"job_id": "a", "channel": DEAL, "arm": "0"}, wanted)
    assert _same_mark({"job_id": "a", "channel": DEAL}, wanted) and _same_mark(
        {"job_id": "a", "channel": DEAL, "arm": None}, wanted)
    assert not _same_mark({"job_id": "b", "channel": DEAL, "arm": 0}, wanted)
    assert not _same_mark({"job_id": "a", "channel": OTHER, "arm": 0}, wanted)
    assert not _same_mark({"job_id": "a", "channel": DEAL, "arm": 1}, wanted)
    assert not _same_mark({"job_id": "a", "channel": DEAL}, {**wanted, "arm": 2})
    for payload in (None, "a", ["a"]):
        assert not _same_mark(payload, wanted)


def test_a_sending_job_is_leased_while_its_intent_is_recent(dispatcher, clock):
    from bot.schedule.jobs import iso

    sending = {"status": "sending", "intent_at": iso(clock.now())}
    assert not dispatcher._leased(sending, clock.now())  # no lease configured (one process)
    dispatcher.sending_lease = timedelta(seconds=60)
    assert dispatcher._leased(sending, clock.now() + timedelta(seconds=59))
    assert not dispatcher._leased(sending, clock.now() + timedelta(seconds=60))
    assert not dispatcher._leased({**sending, "status": "pending"}, clock.now())
    assert not dispatcher._leased({**sending, "intent_at": None}, clock.now())
