"""Calendar fixtures: a local feed server and the team's e-mail addresses in the emulator."""

from __future__ import annotations

import dataclasses
import os

import pytest

from bot.emulator.local_bot import LocalBot
from tests.calendar.feed_server import FeedServer
from tests.calendar.test_zoom_webhook import SECRET
from tests.conftest import ALICE, BOB, CAROL, quiet


@pytest.fixture
def feeds():
    server = FeedServer().start()
    yield server
    server.stop()


@pytest.fixture
def team(emulator):
    """Our people have ourco.com addresses (users:read.email)."""
    emulator.add_user(ALICE, name="alice", tz="America/New_York", real_name="Alice Archer",
                      email="alice@ourco.com")
    emulator.add_user(BOB, name="bob", tz="America/Los_Angeles", real_name="Bob Baker", email="bob@ourco.com")
    emulator.add_user(CAROL, name="carol", tz="Asia/Tokyo", real_name="Carol Chen", email="carol@ourco.com")
    return emulator


@pytest.fixture
def outside():
    """A feed server on 127.0.0.2, standing in for a public host (Linux routes all of 127/8 to
    loopback; elsewhere the tests needing it skip unless PARTNER_COACH_REQUIRE_LOOPBACK_ALIAS=1)."""
    try:
        server = FeedServer(host="127.0.0.2").start()
    except OSError as exc:
        if os.environ.get("PARTNER_COACH_REQUIRE_LOOPBACK_ALIAS") == "1":
            raise
        pytest.skip(f"can't listen on 127.0.0.2 ({exc}); the redirect-to-loopback test needs a second "
                    "loopback address")
    yield server
    server.stop()


@pytest.fixture
def zoom_bot(team, emulator, clock, tmp_path):
    """The bot with Zoom's webhook on (``SECRET``), for the team, its post limiter recording
    its waits (tests/calendar/test_zoom_webhook.py has its own, without the team)."""
    local = LocalBot(emulator, tmp_path / "db.json", clock)
    local.settings = dataclasses.replace(local.settings, zoom_webhook_secret=SECRET)
    local.start()
    quiet(local)
    yield local
    local.stop()
