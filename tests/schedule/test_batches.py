"""The dispatcher's batches: jobs of one person due at the same planned time post as one
message, each recorded once, across failures and crashes."""

from __future__ import annotations

from datetime import timedelta

import pytest

from bot.schedule.jobs import new_job
from bot.services.outcome import Message
from bot.store import Scope
from tests.conftest import ALICE, BOB, OTHER
from tests.schedule.conftest import SCOPE

KIND = "nudge"
SECOND = Scope("T0001", OTHER)


def note(text: str) -> Message:
    return Message("calendar_chosen", {"channel": "C0DEAL", "title": text})


@pytest.fixture
def nudge(dispatcher, clock):
    dispatcher.register(KIND, lambda scope, doc, now: None if doc["payload"].get("quiet")
                        else note(doc["id"]))
    dispatcher.register_batch(KIND, lambda parts: note(
        " + ".join(m.context["title"] for _, m in sorted(parts, key=lambda p: p[1].context["title"]))))

    def add(job_id: str, *, scope: Scope = SCOPE, target: str = ALICE, minutes: int = 0, **payload):
        due = clock.now() + timedelta(minutes=minutes)
        assert dispatcher.jobs.create(scope, new_job(job_id, KIND, due, payload, clock.now(), target=target))

    return add


def texts(emulator, user=ALICE):
    return [m["text"] for m in emulator.messages(user)]


def statuses(dispatcher, *pairs):
    return [dispatcher.jobs.get(scope, job_id)["status"] for scope, job_id in pairs]


def test_same_person_and_time_post_once_across_channels(dispatcher, nudge, emulator):
    nudge("a")
    nudge("b")
    nudge("c", scope=SECOND)
    nudge("later", minutes=5)
    nudge("bob", target=BOB)
    report = dispatcher.run_due()
    assert sorted(report.posted) == ["a", "b", "bob", "c"]
    assert [t.endswith("a + b + c") for t in texts(emulator)] == [True]
    assert len(texts(emulator, BOB)) == 1
    assert statuses(dispatcher, (SCOPE, "a"), (SCOPE, "b"), (SECOND, "c"), (SCOPE, "later")) == \
        ["done", "done", "done", "pending"]
    assert dispatcher.run_due().posted == []


def test_a_lone_job_and_skipped_members(dispatcher, nudge, emulator):
    nudge("a")
    nudge("q", quiet=True)
    report = dispatcher.run_due()
    assert report.posted == ["a"] and report.skipped == ["q"]
    [message] = emulator.messages(ALICE)
    assert message["text"].endswith("a") and message["metadata"]["event_payload"]["job_id"] == "a"


def test_a_429_retries_the_whole_batch_once(dispatcher, nudge, emulator, clock):
    nudge("a")
    nudge("b", scope=SECOND)
    emulator.fail_next("chat.postMessage", "ratelimited", retry_after=30)
    assert sorted(dispatcher.run_due().retrying) == ["a", "b"]
    assert statuses(dispatcher, (SCOPE, "a"), (SECOND, "b")) == ["pending", "pending"]
    clock.advance(timedelta(seconds=31))
    assert sorted(dispatcher.run_due().posted) == ["a", "b"]
    assert len(texts(emulator)) == 1


def test_a_crash_before_the_record_is_recovered_for_every_member(dispatcher, nudge, emulator, monkeypatch):
    nudge("a")
    nudge("b", scope=SECOND)
    real = dispatcher.record_posted
    monkeypatch.setattr(dispatcher, "record_posted", lambda *a: (_ for _ in ()).throw(OSError("disk")))
    dispatcher.run_due()
    assert statuses(dispatcher, (SCOPE, "a"), (SECOND, "b")) == ["sending", "sending"]
    monkeypatch.setattr(dispatcher, "record_posted", real)
    report = dispatcher.run_due()
    assert sorted(report.recovered) == ["a", "b"] and report.posted == []
    assert len(texts(emulator)) == 1
    assert statuses(dispatcher, (SCOPE, "a"), (SECOND, "b")) == ["done", "done"]


def test_a_crash_before_the_post_posts_once(dispatcher, nudge, emulator, clock):
    nudge("a")
    nudge("b")
    dispatcher.jobs.change(SCOPE, "a", lambda d: {**d, "status": "sending", "attempts": 1,
                                                   "batch": {"job_id": "a", "channel": SCOPE.channel_id,
                                                             "arm": 0}}, clock.now())
    assert sorted(dispatcher.run_due().posted) == ["a", "b"]
    assert len(texts(emulator)) == 1 and dispatcher.run_due().posted == []


def test_an_unclear_failure_checks_for_the_batch_before_posting_again(dispatcher, nudge, emulator, clock):
    nudge("a")
    nudge("b", scope=SECOND)
    emulator.fail_next("chat.postMessage", "internal_error", status=500)
    assert sorted(dispatcher.run_due().retrying) == ["a", "b"]
    docs = [dispatcher.jobs.get(SCOPE, "a"), dispatcher.jobs.get(SECOND, "b")]
    assert all(d["uncertain"] and d["batch"]["job_id"] == docs[0]["batch"]["job_id"] for d in docs)
    clock.advance(timedelta(minutes=5))
    assert sorted(dispatcher.run_due().posted) == ["a", "b"]
    assert len(texts(emulator)) == 1 and len(emulator.calls_to("conversations.history")) == 1
