"""SIGKILL `serve` while a scheduled post is in flight: after restart it is posted once, never twice."""

from __future__ import annotations

import time
from datetime import timedelta

import pytest

from bot.clock import SystemClock
from bot.container import build_services, install_schedule
from bot.services.outcome import Message
from bot.slack.client import build_client
from bot.store import Scope, TinyDBStore
from tests.conftest import ALICE, DEAL
from tests.e2e.helpers import all_text
from tests.e2e.serve_process import BOT_TOKEN, ServeProcess


def seed_due_post(db, emulator) -> None:
    """A debrief prompt that came due a minute ago, stored as `serve` would store it."""
    store = TinyDBStore(db)
    try:
        clock = SystemClock()
        services = build_services(store, clock, build_client(BOT_TOKEN, emulator.api_url))
        schedule = install_schedule(services)
        message = Message("debrief_prompt", {"topic": "Acme QBR", "user": ALICE})
        assert schedule.schedule_post(Scope("T0001", DEAL), "debrief:crash-test",
                                      clock.now() - timedelta(minutes=1), message)
    finally:
        store.close()


def debriefs(emulator):
    return [m for m in emulator.messages(DEAL) if "Acme QBR" in all_text(m)]


@pytest.mark.parametrize(
    ("failure", "why"),
    [
        # Slack takes the post but the bot dies before hearing back: the retry must notice it.
        ({"error": None}, "killed between post and record"),
        # The bot dies before Slack took anything: the post must still happen after restart.
        ({"error": "internal_error", "status": 500}, "killed before the post landed"),
    ],
)
def test_post_in_flight_during_sigkill_lands_exactly_once(emulator, tmp_path, failure, why):
    emulator.token = BOT_TOKEN
    db = tmp_path / "db.json"
    seed_due_post(db, emulator)
    emulator.fail_next("chat.postMessage", failure["error"], status=failure.get("status", 200), delay=2.0)
    first = ServeProcess(emulator, db).wait_ready()
    time.sleep(1.0)  # the start-up sweep is now waiting on Slack's answer
    first.kill()
    first.close()
    time.sleep(1.5)  # let the emulator finish the request the dead process started
    second = ServeProcess(emulator, db).wait_ready()
    try:
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline and not debriefs(emulator):
            time.sleep(0.1)
        time.sleep(1.0)  # a second sweep would have posted a duplicate by now
    finally:
        second.terminate()
        second.close()
    assert len(debriefs(emulator)) == 1, why
