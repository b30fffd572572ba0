"""gunicorn with two workers on one PostgreSQL: every request served, one scheduler, handover on kill -9."""

from __future__ import annotations

import os
import signal

from bot.schedule.leader import APPLICATION_NAME
from bot.store import Scope
from bot.store.postgres_store import PostgresStore
from tests.conftest import ALICE, DEAL
from tests.e2e.gunicorn_process import GunicornProcess, gunicorn_env, run_gunicorn
from tests.postgres.support import (
    TEAM,
    a_later_pass_ran,
    application_pids,
    concurrent_gives,
    leader_pids,
    posts_about,
    seed_due_post,
    wait_until,
)


def election_pids(url: str) -> set[int]:
    """OS pids with a leader-election connection open (leader or not): workers that are up."""
    return application_pids(url, "SELECT application_name FROM pg_stat_activity "
                                 "WHERE application_name LIKE :p", p=f"{APPLICATION_NAME} %")


def stored_gives(url: str) -> set[str]:
    store = PostgresStore(url)
    try:
        return {d["what"] for d in store.find(Scope(TEAM, DEAL), "commitment")}
    finally:
        store.close()


def test_two_workers_serve_everything_and_one_of_them_schedules(database, emulator, tmp_path):
    url = database.url
    seed_due_post(url, emulator, "Acme QBR")
    proc = GunicornProcess(emulator, tmp_path, "--workers", "2", DATABASE_URL=url)
    try:
        proc.wait_healthy()
        # Both workers built their runtime and run an election; one of them won it.
        assert wait_until(lambda: len(proc.workers()) == 2
                          and proc.workers() <= election_pids(url), 20), proc.output()
        assert wait_until(lambda: len(leader_pids(url)) == 1, 10)
        assert leader_pids(url) <= proc.workers()
        # Due before gunicorn started: the leader's start-up sweep posts it, once.
        assert wait_until(lambda: len(posts_about(emulator, "Acme QBR")) == 1, 15)

        # Signed slash commands, concurrently, over both workers: each answered and stored.
        responses = concurrent_gives(proc.driver, 24)
        assert [r.status_code for r in responses] == [200] * 24
        assert all("Logged *#" in r.text for r in responses)
        numbers = {r.text.split("Logged *#", 1)[1].split("*", 1)[0] for r in responses}
        assert numbers == {str(n) for n in range(1, 25)}  # ids allocated once across workers
        assert stored_gives(url) == {f"item-{i}" for i in range(24)}

        # Something comes due while both run: posted once, by the leader.
        seed_due_post(url, emulator, "Globex renewal")
        assert wait_until(lambda: len(posts_about(emulator, "Globex renewal")) == 1, 15)

        # kill -9 the leader: gunicorn replaces the worker, and a live worker takes over.
        (leader,) = leader_pids(url)
        survivors = proc.workers() - {leader}
        os.kill(leader, signal.SIGKILL)
        seed_due_post(url, emulator, "Initech kickoff")
        assert wait_until(lambda: len(posts_about(emulator, "Initech kickoff")) == 1, 15), \
            proc.output()
        (new_leader,) = leader_pids(url)
        assert new_leader != leader and new_leader in proc.workers()
        assert wait_until(lambda: len(proc.workers()) == 2 and leader not in proc.workers()
                          and proc.workers() - survivors <= election_pids(url), 20)
        assert proc.driver.command("give a follow-up", user=ALICE, channel=DEAL).status_code == 200
        assert a_later_pass_ran(url, emulator, "after the kill")

        assert proc.terminate() == 0
        # worker_exit closed every runtime: the leader gave its lock back.
        assert wait_until(lambda: not leader_pids(url), 5)
    finally:
        proc.close()
    for topic in ("Acme QBR", "Globex renewal", "Initech kickoff"):
        assert len(posts_about(emulator, topic)) == 1, topic
    output = proc.output()
    assert "Traceback" not in output and "partner-coach: " not in output, output
    # Stopping workers don't pass the lock around: none of them starts a scheduler after TERM.
    assert "runs the scheduler" not in output.split("Handling signal: term", 1)[1], output
    assert "a follow-up" in stored_gives(url)


def test_an_unmigrated_database_is_one_line_before_any_worker_starts(database, emulator, tmp_path):
    with database.empty_schema() as url:
        env = gunicorn_env(emulator, tmp_path / "db.json", 0, DATABASE_URL=url)
        result = run_gunicorn(env, "--workers", "2", cwd=tmp_path)
    assert result.returncode == 2
    lines = [line for line in result.stderr.splitlines() if line.startswith("partner-coach: ")]
    assert len(lines) == 1 and "run `partner-coach db upgrade`" in lines[0], result.stderr
    assert "Booting worker" not in result.stderr and "partner_coach@" not in result.stderr
