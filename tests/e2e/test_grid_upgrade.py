"""Single-token mode in an Enterprise Grid workspace: records written before Grid keys
(under the bare team id) are moved under ``E…:T…`` at start, and keep working."""

from __future__ import annotations

from datetime import UTC, datetime

from bot.emulator.driver import SlackDriver
from bot.emulator.local_bot import LocalBot
from bot.store import Scope
from tests.conftest import ALICE, DEAL, quiet
from tests.e2e.helpers import reply_text
from tests.e2e.test_schedule import posted, sign

GRID_KEY = "E0GRID:T0001"


def test_records_under_the_team_id_move_under_the_grid_key_at_start(slack, bot, emulator, clock, tmp_path):
    slack.command("give a pilot workspace by Friday", user=ALICE, channel=DEAL)
    sign(slack, bot)  # check-ins scheduled under the old key
    bot.stop()
    emulator.enterprise_id = "E0GRID"  # what auth.test says for a Grid workspace's token
    with LocalBot(emulator, tmp_path / "db.json", clock) as upgraded:
        quiet(upgraded)
        ledger = upgraded.runtime.services.ledger
        assert [i.what for i in ledger.items(Scope(GRID_KEY, DEAL))] == ["a pilot workspace"]
        assert ledger.items(Scope("T0001", DEAL)) == []
        with SlackDriver(upgraded.events_url, upgraded.signing_secret, emulator,
                         enterprise_id="E0GRID") as grid:
            assert "pilot workspace" in reply_text(grid.command("list", user=ALICE, channel=DEAL))
        clock.set(datetime(2026, 11, 30, 15, tzinfo=UTC))
        assert upgraded.runtime.services.schedule.run_due().posted == ["checkin:acme:7"]
        assert len(posted(emulator, "checkin:acme:7")) == 1
    # A second start finds nothing left to move and changes nothing.
    with LocalBot(emulator, tmp_path / "db.json", clock) as again:
        items = again.runtime.services.ledger.items(Scope(GRID_KEY, DEAL))
        assert [i.what for i in items] == ["a pilot workspace"]
