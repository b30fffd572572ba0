"""The APScheduler wrapper: stable alarm ids, run-however-late settings, a sweep at start-up."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from apscheduler.triggers.date import DateTrigger
from apscheduler.triggers.interval import IntervalTrigger

from bot.schedule.posts import POST, render_post, schedule_post
from bot.schedule.scheduler import SWEEP_ID, Scheduler, alarm_id
from bot.services.outcome import Message
from tests.conftest import DEAL
from tests.schedule.conftest import SCOPE


def note(text: str) -> Message:
    """A message whose fallback text ends with ``text``."""
    return Message("calendar_chosen", {"channel": "C0DEAL", "title": text})


@pytest.fixture
def scheduler(dispatcher):
    dispatcher.register(POST, render_post)
    sched = Scheduler(dispatcher)
    yield sched
    sched.stop()


def assert_armed_for(alarm, wall_due: datetime) -> None:
    """The alarm waits on the wall clock for the moment the injected clock reaches the due time."""
    assert isinstance(alarm.trigger, DateTrigger)
    assert abs(alarm.trigger.run_date - wall_due) < timedelta(seconds=5)


def test_alarms_have_stable_ids_and_never_drop_late_runs(scheduler, dispatcher, clock, emulator):
    later = clock.now() + timedelta(days=3)
    schedule_post(dispatcher.jobs, SCOPE, "debrief:1", later, note("later"), clock.now())
    scheduler.start()
    jobs = {job.id: job for job in scheduler.aps.get_jobs()}
    assert set(jobs) == {SWEEP_ID, "job:T0001/C0DEAL:debrief:1"}
    assert_armed_for(jobs[alarm_id(SCOPE, "debrief:1")], datetime.now(UTC) + timedelta(days=3))
    sweep = jobs[SWEEP_ID]
    assert isinstance(sweep.trigger, IntervalTrigger) and sweep.trigger.interval == timedelta(seconds=60)
    for job in jobs.values():
        assert job.misfire_grace_time is None  # run however late; APScheduler's default drops it
        assert job.coalesce is True and job.max_instances == 1


def test_rearming_replaces_the_alarm_and_finished_jobs_lose_it(scheduler, dispatcher, clock):
    scheduler.start()
    due = clock.now() + timedelta(days=1)
    schedule_post(dispatcher.jobs, SCOPE, "x", due, note("x"), clock.now())
    moved = due + timedelta(hours=2)
    dispatcher.jobs.change(SCOPE, "x", lambda d: {**d, "due_at": moved.isoformat()}, clock.now())
    [alarm] = [j for j in scheduler.aps.get_jobs() if j.id == alarm_id(SCOPE, "x")]
    assert_armed_for(alarm, datetime.now(UTC) + timedelta(days=1, hours=2))
    dispatcher.jobs.change(SCOPE, "x", lambda d: {**d, "status": "cancelled"}, clock.now())
    assert scheduler.aps.get_job(alarm_id(SCOPE, "x")) is None


def test_start_up_sweep_runs_a_missed_job_once(scheduler, dispatcher, clock, emulator):
    # Came due three days ago, while "the bot was down".
    past = clock.now() - timedelta(days=3)
    schedule_post(dispatcher.jobs, SCOPE, "missed", past, note("missed"), clock.now())
    scheduler.start()
    emulator.wait_for_count("chat.postMessage", 1)
    scheduler.stop()
    assert [m["text"] for m in emulator.messages(DEAL)] == ["I'll ask in the channel for a debrief of missed"]
    assert dispatcher.jobs.get(SCOPE, "missed")["status"] == "done"


def test_stop_is_quick_and_idempotent(scheduler):
    scheduler.start()
    scheduler.stop()
    scheduler.stop()
    assert scheduler.aps is None
