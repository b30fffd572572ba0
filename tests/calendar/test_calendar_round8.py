"""Calendar debriefs, round 8, end to end through the real app (signed commands and actions,
feeds over HTTP, Zoom webhooks signed with the secret, the FakeClock moved and swept as `serve`
does).

Each test's first comment is the expectation, written before the scenario was first run. The
clock starts Monday 23 November 2026, 15:00 UTC (10:00 in New York, Alice's zone).
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from tests.calendar.scenario_kit import Desk, debriefs, vcalendar, vevent
from tests.calendar.test_zoom_webhook import ended, send
from tests.conftest import ALICE, BOB, DEAL
from tests.e2e.helpers import action_values, all_text

TUE_UTC = datetime(2026, 11, 24, 15, 0, tzinfo=UTC)
THU_UTC = TUE_UTC + timedelta(days=2)
GLOBEX = "C8GLOBEX"
OURS = ("alice@ourco.com", "bob@ourco.com")
JOINT = (*OURS, "jane@acme.com", "hans@globex.com")


def zulu(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")


@pytest.fixture
def desk(team, bot, slack, emulator, clock, feeds):
    emulator.add_channel(GLOBEX, "deal-globex", members=[ALICE, BOB])
    found = Desk(slack, emulator, clock, feeds, bot.runtime.services.schedule)
    found.bot = bot
    return found


def choice_dms(desk, user=ALICE) -> list[dict]:
    """The DMs asking ``user`` which channel a meeting was for."""
    return [m for m in desk.emulator.messages(user) if action_values(m, "calendar_choose")]


def joint(desk, start=TUE_UTC):
    """Acme in #deal-acme, Globex in #deal-globex, and a call with both at ``start``."""
    desk.deal()
    desk.deal("Globex", "globex.com", channel=GLOBEX)
    return desk.connect(vcalendar(vevent("jc", start, title="Joint call", attendees=JOINT)))


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


# --- a meeting matching two channels, moved before its owner answered the DM --------------------

def test_a_two_channel_meeting_postponed_before_its_owner_answered_gets_a_second_dm(desk):
    # Expect: DM Tue 15:35; unanswered; the call moves to Thursday: a second DM Thu 15:35 saying
    # it was moved; choosing there posts one prompt in that channel, none elsewhere.
    route = joint(desk)
    desk.at(TUE_UTC + timedelta(minutes=36))
    assert len(choice_dms(desk)) == 1
    route.body = vcalendar(vevent("jc", THU_UTC, title="Joint call", attendees=JOINT))
    desk.at(TUE_UTC + timedelta(hours=2))
    desk.at(THU_UTC + timedelta(minutes=20))
    assert len(choice_dms(desk)) == 1
    desk.at(THU_UTC + timedelta(minutes=36))
    dms = choice_dms(desk)
    assert len(dms) == 2 and "moved after I asked" in all_text(dms[-1])
    [value] = [v for v in action_values(dms[-1], "calendar_choose") if v.endswith(GLOBEX)]
    desk.slack.action("calendar_choose", value, user=ALICE, channel="D" + ALICE)
    desk.bot.wait_idle()
    desk.at(THU_UTC + timedelta(minutes=40))
    desk.at(THU_UTC + timedelta(hours=5))
    assert len(debriefs(desk.emulator, GLOBEX)) == 1 and debriefs(desk.emulator, DEAL) == []
    assert len(choice_dms(desk)) == 2


def test_a_two_channel_meeting_moved_away_and_back_before_an_answer_gets_one_dm(desk):
    # Expect: DM Tue 15:35; moved to Thursday, then back to Tuesday's slot before Thursday: the
    # Tuesday DM stands, no second DM on Thursday or later.
    route = joint(desk)
    desk.at(TUE_UTC + timedelta(minutes=36))
    route.body = vcalendar(vevent("jc", THU_UTC, title="Joint call", attendees=JOINT))
    desk.at(TUE_UTC + timedelta(hours=2))
    route.body = vcalendar(vevent("jc", TUE_UTC, title="Joint call", attendees=JOINT))
    desk.at(TUE_UTC + timedelta(hours=4))
    desk.at(THU_UTC + timedelta(hours=1))
    assert len(choice_dms(desk)) == 1


def test_the_first_dm_still_works_after_the_meeting_moved_and_its_answer_waits_for_the_new_end(desk):
    # Expect: DM Tue; moved to Thursday; Alice answers the Tuesday DM on Wednesday choosing
    # Globex: no DM Thursday, the prompt comes in #deal-globex Thursday after the end, once.
    route = joint(desk)
    desk.at(TUE_UTC + timedelta(minutes=36))
    route.body = vcalendar(vevent("jc", THU_UTC, title="Joint call", attendees=JOINT))
    desk.at(TUE_UTC + timedelta(hours=2))
    desk.at(TUE_UTC + timedelta(days=1))
    [value] = [v for v in action_values(choice_dms(desk)[0], "calendar_choose") if v.endswith(GLOBEX)]
    desk.slack.action("calendar_choose", value, user=ALICE, channel="D" + ALICE)
    desk.bot.wait_idle()
    assert debriefs(desk.emulator, GLOBEX) == []
    desk.prompted_once_after(THU_UTC + timedelta(minutes=30), channel=GLOBEX)
    assert len(choice_dms(desk)) == 1 and debriefs(desk.emulator, DEAL) == []
