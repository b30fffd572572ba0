"""Fixtures shared by the attack tests."""

from __future__ import annotations

import logging

import pytest


@pytest.fixture
def log(caplog):
    """Every log record of the test; checked at the end for errors and tracebacks."""
    caplog.set_level(logging.INFO)
    yield caplog
    # caplog.records would be the teardown's own (none): look at what the test logged.
    records = caplog.get_records("setup") + caplog.get_records("call")
    bad = [r for r in records if r.levelno >= logging.ERROR or r.exc_info]
    assert not bad, "\n".join(f"{r.name}: {r.getMessage()}" for r in bad)


def described_before(local_bot, *users: str, workspace: str = "T0001") -> None:
    """Slack described ``users`` as colleagues (not guests) before this process started: the
    store remembers them (bot.slack.people), nothing is cached in memory. Without it, someone
    Slack never described gets the partner's view while Slack can't answer."""
    from bot.slack.people import PeopleMemory

    memory = PeopleMemory(local_bot.runtime.services.store)
    for user in users:
        memory.learn(workspace, user, guest=False)
