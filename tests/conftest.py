"""Shared fixtures: the Slack emulator, a movable clock, the real bot over local HTTP."""

from __future__ import annotations

import os
from datetime import UTC, datetime
from pathlib import Path

import pytest
from hypothesis import HealthCheck, settings

from bot.clock import FakeClock
from bot.emulator import SlackEmulator
from bot.emulator.local_bot import LocalBot
from tests.timeshift.sitecustomize import SHIFT_VARIABLE, shift_clock

if os.environ.get(SHIFT_VARIABLE):
    # The whole run, subprocesses included, with the wall clock moved ahead (see the hook).
    _hook = str(Path(__file__).parent / "timeshift")
    os.environ["PYTHONPATH"] = os.pathsep.join(filter(None, [_hook, os.environ.get("PYTHONPATH")]))
    shift_clock()

# Property tests check behaviour, never speed: Hypothesis's per-example deadline (200 ms)
# would fail a correct test on a loaded machine (two test workers on two cores, or CI's).
settings.register_profile("suite", deadline=None, suppress_health_check=[HealthCheck.too_slow])
settings.load_profile("suite")

# A Monday afternoon in UTC; morning in New York.
START = datetime(2026, 11, 23, 15, 0, tzinfo=UTC)

ALICE, BOB, CAROL = "U0ALICE", "U0BOB", "U0CAROL"
DEAL, OTHER, NOBOT = "C0DEAL", "C0OTHER", "C0NOBOT"


@pytest.fixture
def emulator():
    emu = SlackEmulator().start()
    emu.add_user(ALICE, name="alice", tz="America/New_York", real_name="Alice Archer")
    emu.add_user(BOB, name="bob", tz="America/Los_Angeles", real_name="Bob Baker")
    emu.add_user(CAROL, name="carol", tz="Asia/Tokyo", real_name="Carol Chen")
    emu.add_channel(DEAL, "deal-acme", members=[ALICE, BOB])
    emu.add_channel(OTHER, "deal-globex", members=[CAROL])
    emu.add_channel(NOBOT, "random", members=[ALICE], is_member=False)
    yield emu
    emu.stop()


@pytest.fixture
def clock():
    return FakeClock(START)


class Sleeps(list):
    """A limiter's ``sleep`` that records each wait instead of sleeping through it."""

    def __call__(self, seconds: float) -> None:
        self.append(round(seconds, 3))


def quiet(local_bot: LocalBot) -> Sleeps:
    """Record the post limiter's waits instead of sleeping through them.

    Scheduled posts keep their pacing (the limiter's cursor still moves a second per post
    to a channel) without a real second each: a sweep posting fifty reminders would
    otherwise take fifty seconds of the suite. The limiter's own clock is frozen too: on a
    loaded machine real seconds pass between posts and would shrink the recorded waits.
    Pacing in real time is tested on the limiter itself (tests/schedule) and under `serve`.
    """
    sleeps = Sleeps()
    limiter = local_bot.runtime.services.schedule.limiter
    limiter.sleep = sleeps
    limiter.monotonic = lambda: 0.0
    return sleeps


@pytest.fixture
def bot(emulator, clock, tmp_path):
    local = LocalBot(emulator, tmp_path / "db.json", clock, webhook_secret="whsec-test").start()
    quiet(local)
    yield local
    local.stop()


@pytest.fixture
def restart(bot, emulator, clock, tmp_path):
    """Stop the bot and start a new process-equivalent on the same database."""
    started: list[LocalBot] = []

    def again() -> LocalBot:
        (started[-1] if started else bot).stop()
        new = LocalBot(emulator, tmp_path / "db.json", clock).start()
        quiet(new)
        started.append(new)
        return new

    yield again
    if started:
        started[-1].stop()  # stopping twice (here and in the bot fixture) is harmless


@pytest.fixture
def slack(bot):
    """The driver: plays Slack sending signed requests to the bot."""
    return bot.driver
