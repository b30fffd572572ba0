"""Several `serve` processes on one PostgreSQL: one scheduler leader, posts and events handled once."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from bot.app import EVENT_KIND, EVENTS_SCOPE, SharedEvents
from bot.clock import FakeClock
from bot.container import build_services, install_schedule
from bot.schedule.dispatcher import SENDING_LEASE
from bot.schedule.jobs import SENDING, iso
from bot.schedule.leader import LeaderElection
from bot.services.outcome import Message
from bot.slack.client import build_client
from bot.store import Scope
from bot.store.postgres_store import PostgresStore
from tests.conftest import ALICE, DEAL
from tests.e2e.serve_process import BOT_TOKEN, ServeProcess
from tests.postgres.support import TEAM, a_later_pass_ran, leader_pids, posts_about, seed_due_post, wait_until


def test_one_leader_posts_once_and_another_takes_over_when_it_dies(database, emulator, tmp_path):
    emulator.token = BOT_TOKEN
    seed_due_post(database.url, emulator, "Acme QBR")
    env = {"DATABASE_URL": database.url}
    procs = [ServeProcess(emulator, tmp_path / f"unused{i}.json", **env) for i in range(2)]
    try:
        for proc in procs:
            proc.wait_ready()
        assert wait_until(lambda: len(posts_about(emulator, "Acme QBR")) == 1, 15)
        assert wait_until(lambda: len(leader_pids(database.url)) == 1, 10)
        (leader_pid,) = leader_pids(database.url)
        by_pid = {p.proc.pid: p for p in procs}
        assert leader_pid in by_pid
        leader = by_pid.pop(leader_pid)
        (other,) = by_pid.values()

        leader.kill()
        seed_due_post(database.url, emulator, "Globex renewal")
        assert wait_until(lambda: len(posts_about(emulator, "Globex renewal")) == 1, 15)
        assert leader_pids(database.url) == {other.proc.pid}
        assert a_later_pass_ran(database.url, emulator, "after Globex")
        assert other.proc.poll() is None
    finally:
        for proc in procs:
            proc.close()
    assert len(posts_about(emulator, "Acme QBR")) == 1
    assert len(posts_about(emulator, "Globex renewal")) == 1


def test_a_retried_event_reaching_the_other_process_is_acted_on_once(database, emulator, tmp_path):
    env = {"DATABASE_URL": database.url}
    procs = [ServeProcess(emulator, tmp_path / f"unused{i}.json", **env) for i in range(2)]
    try:
        for proc in procs:
            proc.wait_ready()
        first = procs[0].driver.app_home_opened(ALICE, event_id="EvSAME0001")
        retry = procs[1].driver.app_home_opened(ALICE, event_id="EvSAME0001", retry_num=1,
                                                 retry_reason="http_timeout")
        assert first.status_code == retry.status_code == 200
        # A different event still runs.
        procs[1].driver.app_home_opened(ALICE, event_id="EvOTHER002")
        assert wait_until(lambda: len(emulator.calls_to("views.publish")) >= 2, 10)
        # Stopping lets every listener already acknowledged finish: the count is final.
        for proc in procs:
            assert proc.terminate() == 0
        assert len(emulator.calls_to("views.publish")) == 2
    finally:
        for proc in procs:
            proc.close()


# ---------------------------------------------------------------------- in-process units


def test_election_gives_the_scheduler_to_one_process_and_hands_it_over(database):
    class FakeScheduler:
        def __init__(self) -> None:
            self.running = False

        def start(self) -> None:
            self.running = True

        def stop(self) -> None:
            self.running = False

    stores = [PostgresStore(database.url) for _ in range(2)]
    schedulers = [FakeScheduler(), FakeScheduler()]
    elections = [LeaderElection(store.engine, scheduler, interval=0.1)
                 for store, scheduler in zip(stores, schedulers, strict=True)]
    try:
        elections[0].step()
        elections[1].step()
        assert [e.is_leader for e in elections] == [True, False]
        assert [s.running for s in schedulers] == [True, False]
        elections[0].stop()  # gives the lock back
        assert not schedulers[0].running
        elections[1].step()
        assert elections[1].is_leader and schedulers[1].running
        # A lost connection: the leader steps down, and wins again once it can.
        assert elections[1]._conn is not None
        elections[1]._conn.invalidate()
        elections[1].step()
        assert not elections[1].is_leader and not schedulers[1].running
        elections[1].step()
        assert elections[1].is_leader and schedulers[1].running
        # Background thread mode.
        elections[1].stop()
        elections[0].start()
        assert elections[0].wait_leader(5)
    finally:
        for election in elections:
            election.stop()
        for store in stores:
            store.close()


def test_a_job_another_process_is_sending_is_left_alone_until_its_lease_runs_out(database, emulator):
    store = PostgresStore(database.url)
    try:
        clock = FakeClock(datetime.now(UTC))
        services = build_services(store, clock, build_client(BOT_TOKEN, emulator.api_url))
        emulator.token = BOT_TOKEN
        schedule = install_schedule(services)
        schedule.dispatcher.sending_lease = SENDING_LEASE
        scope = Scope(TEAM, DEAL)
        message = Message("debrief_prompt", {"topic": "Leased", "user": ALICE})
        assert schedule.schedule_post(scope, "debrief:leased", clock.now() - timedelta(minutes=1), message)
        # Another process recorded its intent a moment ago and is posting right now.
        schedule.jobs.change(scope, "debrief:leased",
                             lambda d: {**d, "status": SENDING, "attempts": 1, "intent_at": iso(clock.now())},
                             clock.now())
        report = schedule.run_due()
        assert report.posted == [] and report.recovered == []
        assert posts_about(emulator, "Leased") == []
        clock.advance(SENDING_LEASE + timedelta(seconds=1))
        report = schedule.run_due()  # the other process died: checked, then posted once
        assert report.posted == ["debrief:leased"]
        assert len(posts_about(emulator, "Leased")) == 1
    finally:
        store.close()


def test_shared_event_ids_first_writer_wins_and_old_ones_are_pruned(database):
    store = PostgresStore(database.url)
    try:
        clock = FakeClock(datetime.now(UTC))
        events = SharedEvents(store, clock)
        assert events.first_time(TEAM, "Ev1")
        assert not SharedEvents(store, clock).first_time(TEAM, "Ev1")  # another process
        clock.advance(timedelta(days=2))
        assert events.first_time(TEAM, "Ev2")  # an hour since the last prune: Ev1 goes
        assert store.get(Scope(TEAM, EVENTS_SCOPE), EVENT_KIND, "Ev1") is None
        assert events.first_time(TEAM, "Ev1")  # forgotten, so new again
        clock.advance(timedelta(days=2))
        assert events.prune(Scope(TEAM, EVENTS_SCOPE), clock.now() - timedelta(days=1)) == 2
        assert store.get(Scope(TEAM, EVENTS_SCOPE), EVENT_KIND, "Ev1") is None
        assert events.first_time(TEAM, "Ev3")
        assert store.get(Scope(TEAM, EVENTS_SCOPE), EVENT_KIND, "Ev1") is None
        assert store.get(Scope(TEAM, EVENTS_SCOPE), EVENT_KIND, "Ev3") is not None
    finally:
        store.close()
