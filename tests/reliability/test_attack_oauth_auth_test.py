"""Multi-workspace install: Slack rate-limiting ``auth.test`` can't make the bot miss its acks.

Bolt authorizes each request of the OAuth install from the installation store and, unless
told to remember the answer, asks Slack's ``auth.test`` about the workspace's token before
every ack. Slack rate-limits that method like any other (a 429 with a Retry-After of
seconds, honoured by the client): every command then missed its 3 seconds.
"""

from __future__ import annotations

import time

from bot.emulator.driver import SlackDriver
from bot.store import Scope
from tests.conftest import ALICE, DEAL
from tests.e2e.helpers import reply_text
from tests.postgres.test_oauth import T1, database, install, oauth_bot  # noqa: F401 - fixtures
from tests.timing import RESPONSIVE_SECONDS


def test_a_rate_limited_auth_test_does_not_delay_acks(oauth_bot, emulator, database):  # noqa: F811
    _, engine = database
    install(engine, T1)
    driver = SlackDriver(oauth_bot.events_url, oauth_bot.signing_secret, emulator, team_id=T1)
    try:
        assert "Logged" in reply_text(driver.command("give a pilot", user=ALICE, channel=DEAL))
        emulator.fail_next("auth.test", "ratelimited", retry_after=20, times=10)
        for what in ("a deck", "a security review"):
            began = time.monotonic()
            answer = driver.command(f"give {what}", user=ALICE, channel=DEAL, timeout=60)
            assert time.monotonic() - began < RESPONSIVE_SECONDS
            assert "Logged" in reply_text(answer)
    finally:
        driver.close()
    oauth_bot.wait_idle()
    items = oauth_bot.runtime.services.ledger.items(Scope(T1, DEAL))
    assert [i.what for i in items] == ["a pilot", "a deck", "a security review"]
