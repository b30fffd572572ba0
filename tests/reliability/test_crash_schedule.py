"""SIGKILL `serve` while a scheduled post is in flight: after restart it is posted once, never twice."""

from __future__ import annotations

from datetime import timedelta

import pytest

from bot.clock import SystemClock
from bot.container import build_services, install_schedule
from bot.schedule.jobs import DONE, JOB, SENDING
from bot.services.outcome import Message
from bot.slack.client import build_client
from bot.store import Scope, TinyDBStore
from bot.store.journal import read_shards
from tests.conftest import ALICE, DEAL
from tests.e2e.helpers import all_text
from tests.e2e.serve_process import BOT_TOKEN, ServeProcess
from tests.postgres.support import wait_until

JOB_ID = "debrief:crash-test"


def seed_due_post(db, emulator) -> None:
    """A debrief prompt that came due a minute ago, stored as `serve` would store it."""
    store = TinyDBStore(db)
    try:
        clock = SystemClock()
        services = build_services(store, clock, build_client(BOT_TOKEN, emulator.api_url))
        schedule = install_schedule(services)
        message = Message("debrief_prompt", {"topic": "Acme QBR", "user": ALICE})
        assert schedule.schedule_post(Scope("T0001", DEAL), JOB_ID,
                                      clock.now() - timedelta(minutes=1), message)
    finally:
        store.close()


def debriefs(emulator):
    return [m for m in emulator.messages(DEAL) if "Acme QBR" in all_text(m)]


def read_job(db) -> dict | None:
    """The job as the journal file holds it now; readable while `serve` runs (no lock)."""
    return read_shards(db).get(f"T0001/{DEAL}", {}).get(JOB, {}).get(JOB_ID)


@pytest.mark.parametrize("slack_took_it", [True, False],
                         ids=["killed-between-post-and-record", "killed-before-the-post-landed"])
def test_post_in_flight_during_sigkill_lands_exactly_once(emulator, tmp_path, slack_took_it):
    emulator.token = BOT_TOKEN
    db = tmp_path / "db.json"
    seed_due_post(db, emulator)
    # The start-up sweep's post waits at Slack until released: Slack took it (the answer is
    # lost with the process), or it never arrived (dropped unseen).
    hold = emulator.hold_next("chat.postMessage", record=slack_took_it)
    first = ServeProcess(emulator, db).wait_ready()
    assert hold.wait_arrived(15), "serve never tried to post the due job"
    first.kill()
    first.close()
    hold.release()
    # The kill landed with the post in flight: intent stored, no outcome recorded.
    job = read_job(db)
    assert job is not None and job["status"] == SENDING and job["attempts"] == 1, job
    assert len(debriefs(emulator)) == (1 if slack_took_it else 0)

    second = ServeProcess(emulator, db).wait_ready()
    try:
        assert wait_until(lambda: (read_job(db) or {}).get("status") == DONE, 15), read_job(db)
    finally:
        # Stops the scheduler after any pass in progress: nothing can post after this.
        assert second.terminate() == 0
        second.close()
    [post] = [c for c in emulator.calls_to("chat.postMessage")
              if c.response.get("ok") and "Acme QBR" in all_text(c.args)]
    job = read_job(db)
    assert (job["status"], job["posted_ts"]) == (DONE, post.response["ts"])
    # Found again in the history (not re-sent), or sent once by the restarted process.
    assert job["attempts"] == (1 if slack_took_it else 2)
