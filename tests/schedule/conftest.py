"""Fixtures for the dispatcher and scheduler: a real store, the emulator, a FakeClock, no sleeping."""

from __future__ import annotations

import pytest
from slack_sdk import WebClient

from bot.schedule.dispatcher import Dispatcher
from bot.schedule.jobs import JobStore
from bot.schedule.limiter import PostLimiter
from bot.store import Scope, TinyDBStore
from tests.conftest import DEAL

SCOPE = Scope("T0001", DEAL)


class Sleeps(list):
    """A ``sleep`` that records instead of sleeping."""

    def __call__(self, seconds: float) -> None:
        self.append(round(seconds, 3))


@pytest.fixture
def sleeps():
    return Sleeps()


@pytest.fixture
def store(tmp_path):
    s = TinyDBStore(tmp_path / "db.json")
    yield s
    s.close()


@pytest.fixture
def client(emulator):
    # No retry handlers: what slack-sdk would retry reaches the dispatcher at once.
    return WebClient(token="xoxb-test", base_url=emulator.api_url, timeout=5)


@pytest.fixture
def dispatcher(store, clock, client, sleeps):
    limiter = PostLimiter(sleep=sleeps, monotonic=lambda: 0.0)
    return Dispatcher(JobStore(store), clock, client, limiter=limiter)
