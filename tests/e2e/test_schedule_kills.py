"""The real bot killed in the middle of a scheduled post, end to end: signed HTTP in, a
FakeClock moved by hand, a restart on the same database, the emulator's records out.

A kill is :class:`~tests.schedule.crashes.Killed` (a ``BaseException``: nothing in the bot
catches it), raised at one step of the post; the step-by-step matrix is in
``tests/schedule/test_crash_points.py``.
"""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from tests.e2e.helpers import all_text
from tests.e2e.test_reminder_batches import TUESDAY_9AM_NEW_YORK, give
from tests.e2e.test_schedule import dms, jobs, posted, sign
from tests.schedule.crashes import KillableClient, Killed


def test_a_reminder_dm_killed_between_two_of_its_records_is_sent_once_after_a_restart(
        slack, bot, emulator, clock, restart):
    for n in range(1, 4):
        give(slack, bot, f"deliverable {n} by Wednesday", count=n)
    clock.set(TUESDAY_9AM_NEW_YORK)
    dispatcher = bot.runtime.services.schedule.dispatcher
    record = dispatcher.record_posted
    recorded: list[str] = []

    def record_one_then_die(scope, job_id, ts, channel):
        if recorded:
            raise Killed("recording the second reminder")
        recorded.append(job_id)
        record(scope, job_id, ts, channel)

    dispatcher.record_posted = record_one_then_die
    with pytest.raises(Killed):
        bot.runtime.services.schedule.sweep()
    assert sorted(j["status"] for j in jobs(bot, "reminder")) == ["done", "sending", "sending"]
    [dm] = dms(emulator)

    again = restart()
    report = again.runtime.services.schedule.sweep()
    assert len(report.recovered) == 2 and report.posted == []
    assert again.runtime.services.schedule.sweep().posted == []
    assert len(dms(emulator)) == 1
    assert all(f"deliverable {n}" in all_text(dm) for n in range(1, 4))
    [post] = [c for c in emulator.calls_to("chat.postMessage") if c.response.get("ok")
              and c.response["channel"] == "D0ALICE"]
    assert {(j["status"], j["posted_ts"]) for j in jobs(again, "reminder")} == {("done", post.response["ts"])}


def test_a_checkin_killed_before_its_post_left_is_posted_once_after_a_restart(
        slack, bot, emulator, clock, restart):
    sign(slack, bot)
    clock.set(datetime(2026, 11, 30, 15, tzinfo=UTC))
    dispatcher = bot.runtime.services.schedule.dispatcher
    dispatcher.client = KillableClient(dispatcher.client)
    dispatcher.client.kill_before_post = True
    with pytest.raises(Killed):
        bot.runtime.services.schedule.run_due()
    assert jobs(bot, "checkin")[0]["status"] == "sending" and posted(emulator, "checkin:") == []

    again = restart()
    assert again.runtime.services.schedule.sweep().posted == ["checkin:acme:7"]
    assert again.runtime.services.schedule.sweep().posted == []
    [checkin] = posted(emulator, "checkin:")
    assert "Acme" in all_text(checkin)
    first = jobs(again, "checkin")[0]
    assert (first["status"], first["attempts"]) == ("done", 2)
    assert emulator.calls_to("conversations.history")  # it looked before posting: nothing there
