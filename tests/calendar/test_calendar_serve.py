"""A calendar meeting's debrief posted by a real `partner-coach serve` process, on its own
scheduler and the real clock: nobody asks, the prompt arrives, once, also across a kill -9."""

from __future__ import annotations

import signal
import subprocess
from datetime import UTC, datetime, timedelta

from bot.clock import FakeClock
from bot.emulator.local_bot import LocalBot
from tests.calendar.feed_server import Route
from tests.calendar.ics import calendar, event
from tests.conftest import ALICE, DEAL
from tests.e2e.helpers import all_text
from tests.e2e.serve_process import BOT_TOKEN, ServeProcess


def stop(serve: ServeProcess) -> int:
    """SIGTERM; if it doesn't end in time, every thread's stack (faulthandler) goes into the failure."""
    try:
        return serve.terminate(timeout=60)
    except subprocess.TimeoutExpired:
        serve.proc.send_signal(signal.SIGABRT)  # PYTHONFAULTHANDLER=1 dumps the stacks
        serve.proc.wait(timeout=10)
        raise AssertionError("serve didn't stop on SIGTERM:\n" + serve.output()) from None


def acme_debriefs(emulator):
    return [m for m in emulator.messages(DEAL) if "Debrief" in all_text(m) and "Acme renewal" in all_text(m)]


def test_serve_posts_the_debrief_of_a_calendar_meeting_once_across_a_kill(team, feeds, tmp_path):
    emulator = team
    emulator.token = BOT_TOKEN
    now = datetime.now(UTC)
    # Connected an hour ago (through the real app, on a clock set back); the meeting ended
    # six minutes ago, so its prompt is due as soon as `serve` has read the feed.
    ended = now - timedelta(minutes=6)
    feed = calendar(event("renewal-1", ended - timedelta(minutes=30), title="Acme renewal",
                          attendees=["alice@ourco.com", "jane@acme.com"]))
    url = feeds.serve("/alice.ics", Route(feed))
    with LocalBot(emulator, tmp_path / "db.json", FakeClock(now - timedelta(hours=1))) as setup:
        setup.driver.command("deal Acme qualified", user=ALICE, channel=DEAL)
        setup.driver.command("deal Acme domain acme.com", user=ALICE, channel=DEAL)
        setup.driver.command(f"calendar connect {url}", user=ALICE, channel=DEAL)
    env = {"PARTNER_COACH_CALENDAR_ALLOW_PRIVATE": "1", "PYTHONFAULTHANDLER": "1"}
    serve = ServeProcess(emulator, tmp_path / "db.json", **env).wait_ready()
    try:
        emulator.wait_for(lambda calls: len(acme_debriefs(emulator)) >= 1, timeout=30)
        assert "/alice.ics" in feeds.hits
    finally:
        serve.kill()
    again = ServeProcess(emulator, tmp_path / "db.json", **env).wait_ready()
    try:
        # Its start-up sweep planned again (membership looked up anew by this process).
        emulator.wait_for_count("users.conversations", 2, timeout=30)
    finally:
        assert stop(again) == 0  # waits for the sweep in progress to finish
    [post] = acme_debriefs(emulator)
    assert "Acme" in all_text(post) and f"<@{ALICE}>" in all_text(post)
