"""The periodic sweep plans only what may have changed, and still misses nothing.

Signed HTTP in, a FakeClock moved by hand, ``sweep`` called where the scheduler would
(every 60 s in production), the emulator's records out.
"""

from __future__ import annotations

from collections import Counter
from datetime import UTC, datetime, timedelta

import pytest

from bot.schedule.dispatcher import REPLAN_PERIOD
from bot.store import Scope
from tests.conftest import ALICE, CAROL, DEAL, OTHER
from tests.e2e.helpers import all_text, reply_text

CHANNELS = [DEAL, OTHER]
NOBODY = "U0NOBODY"  # the emulator's Slack doesn't know this user: users.info says user_not_found


@pytest.fixture
def schedule(bot):
    return bot.runtime.services.schedule


@pytest.fixture
def planned(schedule) -> Counter:
    """Which channels each sweep planned: the real planners, counted."""
    seen: Counter = Counter()
    dispatcher = schedule.dispatcher
    originals = list(dispatcher.planners)

    def counting(planner):
        def plan(scope: Scope, now: datetime) -> None:
            seen[scope.channel_id] += 1
            planner(scope, now)
        plan.__name__ = getattr(planner, "__name__", "planner")
        return plan

    dispatcher.planners[:] = [counting(p) for p in originals[:1]] + originals[1:]
    return seen


def test_a_sweep_plans_only_channels_whose_data_changed(slack, schedule, planned, clock):
    slack.command("give pilot", user=ALICE, channel=DEAL)
    slack.command("give globex deck", user=CAROL, channel=OTHER)
    schedule.sweep()
    assert set(planned) == set(CHANNELS)  # the first sweep plans every channel
    clock.advance(timedelta(minutes=1))
    schedule.sweep()  # the digest jobs the first sweep wrote are a change: looked at once more
    planned.clear()
    for _ in range(3):
        clock.advance(timedelta(minutes=1))
        schedule.sweep()
    assert planned == Counter()  # nothing changed: nothing planned
    slack.command("give follow-up", user=ALICE, channel=DEAL)
    clock.advance(timedelta(minutes=1))
    schedule.sweep()
    assert planned == Counter({DEAL: 1})
    planned.clear()
    clock.advance(REPLAN_PERIOD)
    schedule.sweep()
    assert planned == Counter({DEAL: 1, OTHER: 1})  # a period later every channel was looked at again


def test_every_channel_is_re_planned_within_one_period_spread_over_sweeps(slack, schedule, planned, clock):
    slack.command("give pilot", user=ALICE, channel=DEAL)
    slack.command("give globex deck", user=CAROL, channel=OTHER)
    schedule.sweep()
    schedule.sweep()
    planned.clear()
    for _ in range(int(REPLAN_PERIOD / timedelta(minutes=1))):
        clock.advance(timedelta(minutes=1))
        schedule.sweep()
    # Each channel exactly once more in the hour, at its own minute.
    assert set(planned) == set(CHANNELS) and all(n == 1 for n in planned.values())


def test_reminder_goes_out_on_time_with_a_sweep_every_15_minutes_and_no_other_change(
        slack, schedule, emulator, clock):
    slack.command("give pilot workspace by Wednesday", user=ALICE, channel=DEAL)
    posted_at = []
    while clock.now() < datetime(2026, 11, 26, 15, 0, tzinfo=UTC):
        before = len(emulator.messages(ALICE))
        schedule.sweep()
        posted_at += [clock.now()] * (len(emulator.messages(ALICE)) - before)
        clock.advance(timedelta(minutes=15))
    # Tuesday 09:00 and Thursday 09:00 in New York: each once, at the first sweep after it.
    assert posted_at == [datetime(2026, 11, 24, 14, 0, tzinfo=UTC), datetime(2026, 11, 26, 14, 0, tzinfo=UTC)]
    assert "due tomorrow" in all_text(emulator.messages(ALICE)[0])
    assert "overdue" in all_text(emulator.messages(ALICE)[1])


def test_weekly_digests_keep_coming_with_hourly_sweeps_and_no_other_change(slack, schedule, emulator, clock):
    slack.command("give pilot", user=ALICE, channel=DEAL)
    slack.command("give deck by Monday", user=ALICE, channel=DEAL)
    digests = []
    while clock.now() < datetime(2026, 12, 15, 0, 0, tzinfo=UTC):
        report = schedule.sweep()
        digests += [(d, clock.now()) for d in report.posted + report.skipped if d.startswith("digest:")]
        clock.advance(timedelta(hours=1))
    # Monday 09:00 New York, week after week: posted or (a quiet week) skipped, once each.
    assert digests == [("digest:2026-W49", datetime(2026, 11, 30, 14, 0, tzinfo=UTC)),
                       ("digest:2026-W50", datetime(2026, 12, 7, 14, 0, tzinfo=UTC)),
                       ("digest:2026-W51", datetime(2026, 12, 14, 14, 0, tzinfo=UTC))]


def test_an_unknown_user_is_looked_up_once_not_on_every_give(slack, bot, emulator):
    for text in ("give deck by Friday", "give pilot by Monday", "get intro by Friday"):
        assert "Logged" in reply_text(slack.command(text, user=NOBODY, channel=DEAL))
    asked = [c for c in emulator.calls_to("users.info") if c.args.get("user") == NOBODY]
    assert len(asked) == 1  # Slack said user_not_found once; the answer is remembered


def test_a_failed_look_up_is_not_remembered(slack, bot, emulator):
    emulator.fail_next("users.info", "internal_error", status=500)
    assert "Logged" in reply_text(slack.command("give deck by Friday", user=ALICE, channel=DEAL))
    answer = reply_text(slack.command("give pilot by Friday", user=ALICE, channel=DEAL))
    assert "due Fri 27 Nov 2026" in answer  # asked again, and this time Slack knew Alice
    assert len([c for c in emulator.calls_to("users.info") if c.args.get("user") == ALICE]) >= 2
