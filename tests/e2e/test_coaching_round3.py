"""Round three of coaching wisdom over signed HTTP: a check-in that would speak of a signature
the deal no longer has, and a ledger where every promise on both sides was kept."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from tests.conftest import ALICE, DEAL
from tests.e2e.helpers import all_text, nudges, reply, reply_text
from tests.e2e.test_schedule import posted, quiet, sign


def test_a_deal_moved_back_from_signed_gets_no_post_signature_checkin(slack, bot, emulator, clock):
    quiet(bot)
    schedule = bot.runtime.services.schedule
    slack.command("give pilot workspace by Friday", user=ALICE, channel=DEAL)
    slack.command("get case study by Dec 18", user=ALICE, channel=DEAL)
    sign(slack, bot)
    # The signature fell through: back to negotiation before the first check-in.
    slack.command("deal Acme negotiation", user=ALICE, channel=DEAL)
    clock.set(datetime(2026, 11, 30, 15, 0, tzinfo=UTC))  # the 7-day check-in's time
    schedule.run_due()
    assert posted(emulator, "checkin:", DEAL) == []
    # Signed again: its own check-ins come, counted from the new signature.
    sign(slack, bot)
    clock.set(datetime(2026, 12, 7, 15, 0, tzinfo=UTC))
    schedule.run_due()
    [checkin] = posted(emulator, "checkin:acme:7", DEAL)
    assert "It's been 7 days since *Acme* was signed (Mon 30 Nov 2026)" in all_text(checkin)


def test_everything_kept_on_both_sides_is_said_plainly(slack, clock):
    slack.command("give pilot workspace", user=ALICE, channel=DEAL)
    slack.command("get case study", user=ALICE, channel=DEAL)
    slack.command("done 1", user=ALICE, channel=DEAL)
    slack.command("done 2", user=ALICE, channel=DEAL)
    clock.advance(timedelta(days=4))
    answer = slack.command("list", user=ALICE, channel=DEAL)
    assert nudges(reply(answer)) == ["on_track"]
    text = reply_text(answer)
    assert "Every promise on both sides is kept" in text
    assert "keep your word on what's next" not in text
    assert "We promised 1 and kept 1; they promised 1 and kept 1." in text
