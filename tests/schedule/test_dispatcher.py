"""The dispatcher: exactly once across crashes, retries that never lose a post, pacing."""

from __future__ import annotations

import logging
from datetime import timedelta

import pytest

from bot.schedule.dispatcher import EVENT_TYPE
from bot.schedule.limiter import PostLimiter
from bot.schedule.posts import POST, render_post, schedule_post
from bot.services.outcome import Message
from bot.store import Scope
from tests.conftest import DEAL, OTHER
from tests.schedule.conftest import SCOPE


def note(text: str) -> Message:
    return Message("error", {"message": text, "usage": None})


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
    assert doc["status"] == "done" and doc["posted_ts"] and doc["attempts"] == 1
    assert dispatcher.run_due().posted == []
    clock.advance(timedelta(minutes=31))
    assert dispatcher.run_due().posted == ["later"]
    assert dispatcher.run_due().posted == []
    assert len(emulator.messages(DEAL)) == 2


def test_schedule_post_keeps_the_first_of_an_id_and_needs_json_context(dispatcher, clock):
    assert schedule_post(dispatcher.jobs, SCOPE, "x", clock.now(), note("one"), clock.now())
    assert not schedule_post(dispatcher.jobs, SCOPE, "x", clock.now(), note("two"), clock.now())
    with pytest.raises(TypeError, match="JSON-safe"):
        schedule_post(dispatcher.jobs, SCOPE, "y", clock.now(), Message("error", {"d": clock}), clock.now())


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
    assert problem in record.getMessage() and channel in record.getMessage() and "a" in record.getMessage()


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
    assert look.args["ts"] == parent["ts"] and look.response["ok"]


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
