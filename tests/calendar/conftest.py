"""Calendar fixtures: a local feed server and the team's e-mail addresses in the emulator."""

from __future__ import annotations

import pytest

from tests.calendar.feed_server import FeedServer
from tests.conftest import ALICE, BOB, CAROL


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
