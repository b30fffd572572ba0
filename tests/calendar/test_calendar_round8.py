"""Calendar debriefs, round 8, end to end through the real app (signed commands and actions,
feeds over HTTP, Zoom webhooks signed with the secret, the FakeClock moved and swept as `serve`
does).

Each test's first comment is the expectation, written before the scenario was first run. The
clock starts Monday 23 November 2026, 15:00 UTC (10:00 in New York, Alice's zone).
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from tests.calendar.scenario_kit import Desk, debriefs
from tests.calendar.test_zoom_webhook import ended, send

TUE_UTC = datetime(2026, 11, 24, 15, 0, tzinfo=UTC)


def zulu(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")


@pytest.fixture
def zdesk(zoom_bot, emulator, clock, feeds):
    found = Desk(zoom_bot.driver, emulator, clock, feeds, zoom_bot.runtime.services.schedule)
    found.bot = zoom_bot
    return found


# --- Zoom events whose times are ahead of ours ---------------------------------------------------

def test_a_zoom_event_ending_two_hours_from_now_is_ignored_and_never_prompts(zdesk):
    # Expect: 200, planned false, ignored end_time_in_future; nothing posted, not even once
    # the claimed end time has passed.
    zdesk.deal()
    later = zdesk.clock.now() + timedelta(hours=2)
    answer = send(zdesk.bot, ended(topic="Acme Corp pilot review", uuid="future==", end_time=zulu(later)))
    assert answer.status_code == 200
    assert answer.json() == {"ok": True, "planned": False, "ignored": "end_time_in_future"}
    zdesk.at(zdesk.clock.now() + timedelta(minutes=6))
    zdesk.at(later + timedelta(minutes=6))
    zdesk.bot.wait_idle()
    assert debriefs(zdesk.emulator) == []


def test_a_zoom_event_a_few_minutes_ahead_is_clock_skew_and_prompts_five_minutes_after_now(zdesk):
    # Expect: end_time 3 minutes ahead is skew: planned, posted by now + 6 minutes (the call
    # ended now), once.
    zdesk.deal()
    now = zdesk.clock.now()
    answer = send(zdesk.bot, ended(topic="Acme Corp pilot review", uuid="skew==",
                                   end_time=zulu(now + timedelta(minutes=3))))
    assert answer.json()["planned"] is True
    assert zdesk.count(now + timedelta(minutes=4)) == 0
    assert zdesk.count(now + timedelta(minutes=6)) == 1
    assert zdesk.count(now + timedelta(hours=1)) == 1


def test_a_zoom_event_whose_start_is_hours_ahead_is_ignored(zdesk):
    # Expect: start_time tomorrow, end_time unreadable: the meeting can't have ended; ignored.
    zdesk.deal()
    tomorrow = zdesk.clock.now() + timedelta(days=1)
    body = ended(topic="Acme Corp pilot review", uuid="startahead==", end_time="soon")
    body["payload"]["object"]["start_time"] = zulu(tomorrow)
    answer = send(zdesk.bot, body)
    assert answer.json() == {"ok": True, "planned": False, "ignored": "start_time_in_future"}
    zdesk.at(tomorrow + timedelta(hours=2))
    zdesk.bot.wait_idle()
    assert debriefs(zdesk.emulator) == []


def test_a_forged_future_event_does_not_block_the_real_one_for_the_same_meeting(zdesk):
    # Expect: the future-dated body with the meeting's uuid is ignored; Zoom's real event (same
    # uuid, true end) an hour later plans the prompt, posted once.
    zdesk.deal()
    now = zdesk.clock.now()
    assert send(zdesk.bot, ended(topic="Acme Corp pilot review", uuid="same==",
                                 end_time=zulu(now + timedelta(days=3)))).json()["planned"] is False
    zdesk.clock.set(now + timedelta(hours=1))
    assert send(zdesk.bot, ended(topic="Acme Corp pilot review", uuid="same==",
                                 end_time=zulu(now + timedelta(minutes=59)))).json()["planned"] is True
    assert zdesk.count(now + timedelta(hours=1, minutes=5)) == 1
    assert zdesk.count(now + timedelta(days=3, hours=1)) == 1
