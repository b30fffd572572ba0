"""The scheduler leader SIGKILLed with a post in flight: the other `serve` posts it exactly once.

Two real `serve` processes share one PostgreSQL schema. The emulator holds the leader's
``chat.postMessage`` (:meth:`SlackEmulator.hold_next`), so the kill lands at one exact
moment: the job is stored as ``sending`` and its post has reached Slack, unanswered.
Either Slack had already taken the post (the reply was lost with the process), or the
request never arrived (dropped unseen). The survivor must win the election, leave the job
alone while the dead leader's ``sending`` lease runs (shortened to a few seconds with
``PARTNER_COACH_SENDING_LEASE_SECONDS`` instead of 2 minutes), then look in the channel's
history and post only if the message isn't there.
"""

from __future__ import annotations

import time
from datetime import datetime

import pytest

from bot.schedule.dispatcher import EVENT_TYPE
from bot.schedule.jobs import DONE, SENDING
from bot.schedule.leader import DUE_POLL_SECONDS, LEADER_POLL_SECONDS
from tests.conftest import DEAL
from tests.e2e.helpers import all_text
from tests.e2e.serve_process import ServeProcess
from tests.postgres.support import TEAM, a_later_pass_ran, leader_pids, read_job, seed_due_post, wait_until

JOB_ID = "debrief:in-flight"
TOPIC = "Initech kickoff"
# Seconds rather than the production 2 minutes, and longer than an election round (3 s), so
# the survivor always leads while the lease still runs and must leave the job alone. The
# survivor looks for due jobs DUE_POLL_SECONDS (5 s) after it leads, about 8 s after the
# kill: a lease ending well before that costs no extra wait.
LEASE_SECONDS = 6.0
# After the lease: the survivor's next look for due jobs, plus slack for the machine.
SETTLE_SECONDS = DUE_POLL_SECONDS + 5.0


def posts(emulator) -> list:
    """Every chat.postMessage Slack took for the job (held, answered or not)."""
    return [c for c in emulator.calls_to("chat.postMessage")
            if c.response.get("ok") and TOPIC in all_text(c.args)]


@pytest.mark.parametrize("slack_took_it", [True, False],
                         ids=["slack-took-the-post", "post-never-reached-slack"])
def test_leader_killed_with_a_post_in_flight_the_survivor_posts_it_exactly_once(
        database, emulator, tmp_path, slack_took_it):
    # The first post of whichever process leads waits here until released.
    hold = emulator.hold_next("chat.postMessage", record=slack_took_it)
    seed_due_post(database.url, emulator, TOPIC, job_id=JOB_ID)
    env = {"DATABASE_URL": database.url, "PARTNER_COACH_SENDING_LEASE_SECONDS": str(LEASE_SECONDS)}
    procs = [ServeProcess(emulator, tmp_path / f"unused{i}.json", **env) for i in range(2)]
    try:
        for proc in procs:
            proc.wait_ready()
        assert hold.wait_arrived(15), "no process tried to post the due job"

        # In flight: the intent is stored, the post is at Slack, the leader waits for the answer.
        job = read_job(database.url, TEAM, DEAL, JOB_ID)
        assert job is not None and job["status"] == SENDING and job["attempts"] == 1
        lease_ends = datetime.fromisoformat(job["intent_at"]).timestamp() + LEASE_SECONDS
        (leader_pid,) = leader_pids(database.url)
        by_pid = {p.proc.pid: p for p in procs}
        leader = by_pid.pop(leader_pid)
        (survivor,) = by_pid.values()

        leader.kill()
        killed_at = time.time()
        hold.release()  # the answer goes nowhere, or the unseen request is dropped
        assert len(posts(emulator)) == (1 if slack_took_it else 0)

        assert wait_until(lambda: leader_pids(database.url) == {survivor.proc.pid}, LEADER_POLL_SECONDS + 5)
        assert time.time() < lease_ends, "the survivor took over after the lease: it was not tested"
        assert wait_until(lambda: (read_job(database.url, TEAM, DEAL, JOB_ID) or {}).get("status") == DONE,
                          lease_ends - time.time() + SETTLE_SECONDS), (
            f"job not settled: {read_job(database.url, TEAM, DEAL, JOB_ID)}")
        assert a_later_pass_ran(database.url, emulator, "after settling")
        assert survivor.proc.poll() is None
    finally:
        for proc in procs:
            proc.close()

    # Exactly one message, carrying the job's mark, and the job points at it.
    sent = posts(emulator)
    assert len(sent) == 1, f"posted {len(sent)} times: {[c.response.get('ts') for c in sent]}"
    post = sent[0]
    assert post.args["metadata"] == {"event_type": EVENT_TYPE,
                                     "event_payload": {"job_id": JOB_ID, "channel": DEAL, "arm": 0}}
    job = read_job(database.url, TEAM, DEAL, JOB_ID)
    assert job is not None
    assert (job["posted_ts"], job["posted_channel"]) == (post.response["ts"], DEAL)
    # The dead leader's post was found again (not re-sent), or sent once by the survivor.
    assert job["attempts"] == (1 if slack_took_it else 2)
    # Nothing touched the job while the dead leader's lease ran: the survivor looked in the
    # history only after it, and (post never reached Slack) posted only after that.
    checks = emulator.calls_to("conversations.history")
    assert checks, "the survivor never checked Slack's history before settling the job"
    first_check = min(c.at for c in checks)
    assert first_check >= lease_ends, f"checked {lease_ends - first_check:.1f}s before the lease ran out"
    if slack_took_it:
        assert post.at < killed_at  # the dead leader's post, found again
    else:
        assert post.at > first_check  # the survivor's, after looking
