"""The pure part of the weekly digest, and which time zone a channel gets."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from bot.domain.ledger import Balance, Commitment, SideTally
from bot.domain.stages import Stage
from bot.schedule.zones import ChannelZones
from bot.services.channel_settings import ChannelSettings
from bot.services.deals import Deal
from bot.services.digest import compute_digest, trend_of
from bot.services.ledger import Ledger
from tests.schedule.conftest import SCOPE

END = datetime(2026, 11, 30, 14, tzinfo=UTC)
START = END - timedelta(days=7)
TODAY = date(2026, 11, 30)


def item(n, side="give", *, created=START - timedelta(days=3), status="open", closed=None, due=None):
    return Commitment(number=n, side=side, what=f"thing {n}", owner="U0ALICE", created_by="U0ALICE",
                      created_at=created, due_on=due, status=status, closed_at=closed)


def test_made_kept_overdue_per_side_within_the_week():
    items = [
        item(1, created=START + timedelta(days=1)),  # made this week
        item(2, status="done", closed=START + timedelta(days=2)),  # kept this week
        item(3, status="done", closed=START - timedelta(days=2)),  # kept before: not counted
        item(4, "get", due=TODAY - timedelta(days=3)),  # overdue
        item(5, "get", created=END + timedelta(minutes=1)),  # after the window
    ]
    data = compute_digest(items, [], START, END, TODAY, None)
    assert [c.number for c in data.give.made] == [1]
    assert [c.number for c in data.give.kept] == [2]
    assert [c.number for c in data.get.overdue] == [4]
    assert (data.made, data.kept, data.overdue) == (1, 1, 1)
    assert data.active and data.trend["kind"] == "first"


def test_a_week_with_nothing_happening_is_quiet():
    items = [item(1, created=START - timedelta(days=20)), item(2, due=TODAY + timedelta(days=10))]
    deals = [Deal("Acme", Stage.SIGNED, START - timedelta(days=9), "U0ALICE")]
    assert not compute_digest(items, deals, START, END, TODAY, None).active


def test_things_falling_due_or_deals_moving_are_activity():
    due_this_week = [item(1, created=START - timedelta(days=20), due=TODAY - timedelta(days=2))]
    assert compute_digest(due_this_week, [], START, END, TODAY, None).active
    moved = [Deal("Acme", Stage.PROPOSAL, START + timedelta(days=1), "U0ALICE")]
    assert compute_digest([], moved, START, END, TODAY, None).active


def balance(gives: int, gets: int) -> Balance:
    return Balance(give=SideTally(open=gives), get=SideTally(open=gets))


def test_trend_compares_the_lean_with_last_week():
    last = {"give_total": 6, "get_total": 2}
    assert trend_of(balance(6, 5), last)["kind"] == "more_even"
    assert trend_of(balance(9, 2), last) == {"kind": "more_one_sided", "lean": 7, "give_delta": 3,
                                             "get_delta": 0}
    assert trend_of(balance(8, 4), last)["kind"] == "steady"
    assert trend_of(balance(1, 1), None)["kind"] == "first"


class Directory:
    def __init__(self, zones):
        self.zones = zones
        self.calls = 0

    def user_tz(self, team, user):
        self.calls += 1
        return self.zones.get(user, "UTC")


def test_channel_zone_order_setting_then_people_then_ledger(store, clock):
    settings = ChannelSettings(store)
    directory = Directory({"U0ALICE": "America/New_York", "U0CAROL": "Asia/Tokyo"})
    zones = ChannelZones(store, settings, directory)
    assert zones.channel(SCOPE) == "UTC"  # nothing known yet
    Ledger(store, clock).add(SCOPE, side="give", what="x", owner="U0CAROL", created_by="U0CAROL")
    assert zones.channel(SCOPE) == "Asia/Tokyo" and directory.calls == 1
    assert zones.channel(SCOPE) == "Asia/Tokyo" and directory.calls == 1  # remembered
    zones.learn(SCOPE, "U0ALICE", "America/New_York")
    assert zones.channel(SCOPE) == "America/New_York"
    zones.learn(SCOPE, "crm-webhook", "UTC")  # not a person
    zones.learn(SCOPE, "U0BOT", "UTC")  # a failed look-up must not erase what we know
    assert zones.channel(SCOPE) == "America/New_York"
    settings.set(SCOPE, tz="Europe/Berlin")
    assert zones.channel(SCOPE) == "Europe/Berlin"
    settings.set(SCOPE, digest={"enabled": True, "weekday": 0, "time": "09:00", "tz": "Asia/Tokyo"})
    assert zones.digest(SCOPE) == "Asia/Tokyo" and zones.channel(SCOPE) == "Europe/Berlin"
