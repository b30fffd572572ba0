"""Metrics under gunicorn with two workers: whichever worker is scraped answers for both."""

from __future__ import annotations

import os
import signal

import requests

from tests.conftest import ALICE, DEAL
from tests.e2e.gunicorn_process import GunicornProcess
from tests.e2e.metrics_support import TOKEN, scrape, value
from tests.postgres.support import concurrent_gives, wait_until


def _pids_with_files(directory) -> set[int]:
    return {int(p.stem.rsplit("_", 1)[1]) for p in directory.glob("*.db")}


def test_two_workers_count_into_one_scrape(database, emulator, tmp_path):
    directory = tmp_path / "metrics"
    directory.mkdir()
    (directory / "counter_999999.db").write_bytes(b"stale")  # an earlier run's file: removed at start
    proc = GunicornProcess(emulator, tmp_path, "--workers", "2", DATABASE_URL=database.url,
                           PARTNER_COACH_METRICS="1", PARTNER_COACH_METRICS_TOKEN=TOKEN,
                           PARTNER_COACH_METRICS_DIR=str(directory))
    try:
        proc.wait_healthy()
        assert wait_until(lambda: len(proc.workers()) == 2
                          and proc.workers() <= _pids_with_files(directory), 20), proc.output()
        assert 999999 not in _pids_with_files(directory)
        assert requests.get(proc.url + "/metrics", timeout=5).status_code == 401

        responses = concurrent_gives(proc.driver, 24)
        assert [r.status_code for r in responses] == [200] * 24
        # Each scrape lands on either worker; every one of them sums both workers' files.
        for _ in range(8):
            assert value(scrape(proc.url), "partner_coach_ack_seconds_count", kind="command") == 24

        # A worker killed outright: gunicorn replaces it, and what it counted is kept.
        victim = sorted(proc.workers())[0]
        os.kill(victim, signal.SIGKILL)
        assert wait_until(lambda: len(proc.workers()) == 2 and victim not in proc.workers(), 20)
        assert proc.driver.command("give one more", user=ALICE, channel=DEAL).status_code == 200
        for _ in range(4):
            assert value(scrape(proc.url), "partner_coach_ack_seconds_count", kind="command") == 25
        assert proc.terminate() == 0
    finally:
        proc.close()
    assert "Traceback" not in proc.output(), proc.output()
