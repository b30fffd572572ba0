"""gunicorn (`gunicorn -c python:bot.gunicorn_conf`) on TinyDB: one worker works, more are refused.

Several workers on PostgreSQL: tests/postgres/test_gunicorn.py.
"""

from __future__ import annotations

import signal
import time

import pytest

from bot.schedule.jobs import DONE
from bot.store import Scope, TinyDBStore
from tests.conftest import ALICE, DEAL
from tests.e2e.gunicorn_process import GunicornProcess, gunicorn_env, run_gunicorn
from tests.e2e.serve_process import BOT_TOKEN, ServeProcess
from tests.reliability.test_crash_schedule import debriefs, read_job, seed_due_post


def our_lines(output: str) -> list[str]:
    return [line for line in output.splitlines() if line.startswith("partner-coach: ")]


def test_a_configuration_error_is_the_one_line_serve_prints_and_exit_2(emulator, tmp_path):
    env = gunicorn_env(emulator, tmp_path / "db.json", 0)
    del env["SLACK_SIGNING_SECRET"]
    result = run_gunicorn(env, cwd=tmp_path)
    assert result.returncode == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("partner-coach: SLACK_SIGNING_SECRET is not set")
    assert result.stdout == ""


@pytest.mark.parametrize(
    ("args", "extra_env", "expected"),
    [
        (["--workers", "2"], {}, "asked for 2 workers, but PARTNER_COACH_DB (TinyDB) allows one"),
        ([], {"WEB_CONCURRENCY": "3"}, "asked for 3 workers, but PARTNER_COACH_DB (TinyDB) allows one"),
        (["--preload"], {}, "preload_app is on"),
        ([], {"SLACK_APP_TOKEN": "xapp-1-A0001-SECRET123"}, "SLACK_APP_TOKEN is set, but gunicorn"),
    ],
)
def test_what_cannot_work_is_refused_before_any_worker_starts(emulator, tmp_path, args, extra_env,
                                                              expected):
    env = gunicorn_env(emulator, tmp_path / "db.json", 0, **extra_env)
    result = run_gunicorn(env, *args, cwd=tmp_path)
    assert result.returncode == 2, result.stderr
    assert [expected in line for line in our_lines(result.stderr)] == [True]
    assert "Booting worker" not in result.stderr and "Traceback" not in result.stderr
    assert "SECRET123" not in result.stderr
    assert not (tmp_path / "db.json.lock").exists()  # nothing was built


def test_a_rejected_token_or_a_file_in_use_is_refused_once_by_the_master(emulator, tmp_path):
    env = gunicorn_env(emulator, tmp_path / "db.json", 0)
    emulator.token = "xoxb-another-workspace"
    result = run_gunicorn(env, cwd=tmp_path)
    assert result.returncode == 2
    assert our_lines(result.stderr) == ["partner-coach: SLACK_BOT_TOKEN was not accepted by Slack "
                                        "(invalid_auth); check the token and SLACK_API_URL."]
    assert "Booting worker" not in result.stderr and BOT_TOKEN not in result.stderr

    serve = ServeProcess(emulator, tmp_path / "db.json").wait_ready()
    try:
        result = run_gunicorn(gunicorn_env(emulator, tmp_path / "db.json", 0), cwd=tmp_path)
    finally:
        serve.close()
    assert result.returncode == 2
    (line,) = our_lines(result.stderr)
    assert "is in use by another partner-coach process" in line
    assert "Booting worker" not in result.stderr


def test_without_the_config_a_second_tinydb_worker_fails_in_one_line_and_gunicorn_stops(
        emulator, tmp_path):
    # The plain `gunicorn -w 2 'bot.wsgi:create_app()'`: no master-side check, so the second
    # worker meets the TinyDB file lock; gunicorn must stop, not respawn it forever.
    proc = GunicornProcess(emulator, tmp_path, "--workers", "2", "bot.wsgi:create_app()",
                           config=False)
    try:
        assert proc.wait_exit(timeout=30) == 3
    finally:
        proc.close()
    output = proc.output()
    assert len(our_lines(output)) == 1, output
    assert "is in use by another partner-coach process" in our_lines(output)[0]
    assert "Worker failed to boot" in output and "Traceback" not in output


def wait_for(predicate, timeout: float) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline and not predicate():
        time.sleep(0.05)
    return predicate()


def test_one_tinydb_worker_serves_survives_a_reload_and_stops_cleanly(emulator, tmp_path):
    seed_due_post(tmp_path / "db.json", emulator)
    # The start-up sweep's post hangs in Slack, so the old worker is still stopping (finishing
    # it, holding the file) when SIGHUP's new worker starts: the new one must wait for the
    # lock, not fail (which would halt gunicorn).
    held = emulator.hold_next("chat.postMessage", timeout=20)
    proc = GunicornProcess(emulator, tmp_path)
    try:
        proc.wait_healthy()
        response = proc.driver.command("give a pilot workspace", user=ALICE, channel=DEAL)
        assert response.status_code == 200 and "Logged *#1*" in response.text
        assert held.wait_arrived(10)
        (first,) = proc.workers()

        proc.proc.send_signal(signal.SIGHUP)
        assert wait_for(lambda: "is locked by another process; waiting" in proc.output(), 20), \
            proc.output()
        held.release()
        assert wait_for(lambda: len(proc.workers()) == 1 and first not in proc.workers(), 20), \
            proc.output()
        response = proc.driver.command("give a security review", user=ALICE, channel=DEAL)
        assert response.status_code == 200 and "Logged *#2*" in response.text
        # The job is settled (posted once, recorded); stopping ends every scheduler pass in
        # progress, so the count below is final for the whole run.
        assert wait_for(lambda: (read_job(tmp_path / "db.json") or {}).get("status") == DONE, 20)
        assert proc.terminate() == 0
    finally:
        proc.close()
    output = proc.output()
    assert "Traceback" not in output and our_lines(output) == [], output
    assert len(debriefs(emulator)) == 1
    store = TinyDBStore(tmp_path / "db.json")  # the lock was released on exit
    try:
        stored = {d["what"] for d in store.find(Scope("T0001", DEAL), "commitment")}
    finally:
        store.close()
    assert stored == {"a pilot workspace", "a security review"}
