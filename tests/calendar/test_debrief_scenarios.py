"""Debrief prompts end to end, the Slack side: Zoom and the calendar naming the same call, the
debrief form submitted twice, and a channel shared with the partner (Slack Connect)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from bot.store import Scope
from tests.calendar.scenario_kit import Desk, debriefs, vcalendar, vevent
from tests.calendar.test_zoom_webhook import ended, send
from tests.conftest import ALICE, DEAL
from tests.e2e.helpers import action_values, all_text

TUE_UTC = datetime(2026, 11, 24, 15, 0, tzinfo=UTC)
SHARED, DANA, PARTNER_TEAM = "C0SHAREDACME", "U0DANA", "T0PARTNER"


@pytest.fixture
def zdesk(zoom_bot, emulator, clock, feeds):
    return Desk(zoom_bot.driver, emulator, clock, feeds, zoom_bot.runtime.services.schedule)


def test_zoom_ending_before_the_calendar_prompt_was_planned_still_gives_one_prompt(zoom_bot, zdesk):
    # The meeting was put in the calendar at the last minute: Zoom says it ended before any poll
    # read it, then the next poll finds it in the feed. One call, one prompt.
    zdesk.deal()
    route = zdesk.connect(vcalendar())
    route.body = vcalendar(vevent("lastminute", TUE_UTC))
    zdesk.clock.set(TUE_UTC + timedelta(minutes=29))  # the feed was last read yesterday: due
    zdesk.clock.set(TUE_UTC + timedelta(minutes=31))
    assert send(zoom_bot, ended(topic="Acme Corp pilot review", uuid="zoom-first==",
                                end_time="2026-11-24T15:31:00Z")).ok
    zdesk.at(TUE_UTC + timedelta(minutes=32))
    zdesk.at(TUE_UTC + timedelta(minutes=40))
    zdesk.at(TUE_UTC + timedelta(hours=2))
    assert len(debriefs(zdesk.emulator)) == 1


def test_zoom_running_over_the_calendar_slot_is_still_one_prompt(zoom_bot, zdesk):
    zdesk.deal()
    zdesk.connect(vcalendar(vevent("overrun", TUE_UTC)))
    zdesk.at(TUE_UTC + timedelta(minutes=36))  # the calendar's prompt is out
    assert len(debriefs(zdesk.emulator)) == 1
    zdesk.clock.set(TUE_UTC + timedelta(minutes=44))
    assert send(zoom_bot, ended(topic="Acme Corp pilot review", uuid="overrun==",
                                end_time="2026-11-24T15:44:00Z")).ok
    zdesk.at(TUE_UTC + timedelta(hours=1))
    assert len(debriefs(zdesk.emulator)) == 1


def values(give="send the SOC2 report", get="intro to procurement"):
    def text(value):
        return {"type": "plain_text_input", "value": value}
    return {"give_1": {"value": text(give)}, "get_1": {"value": text(get)}}


def items(bot, channel=DEAL):
    return [(i.side, i.what) for i in bot.runtime.services.ledger.items(Scope("T0001", channel))]


def test_a_debrief_submitted_twice_logs_each_line_once(desk_bot):
    bot, desk = desk_bot
    desk.deal()
    desk.connect(vcalendar(vevent("double", TUE_UTC)))
    desk.at(TUE_UTC + timedelta(minutes=36))
    [post] = debriefs(desk.emulator)
    desk.slack.action("debrief_open", action_values(post, "debrief_open")[0], user=ALICE, channel=DEAL)
    desk.emulator.wait_for("views.open")
    first = desk.slack.view_submission("debrief", values(), user=ALICE)
    second = desk.slack.view_submission("debrief", values(), user=ALICE)  # the double click
    assert first.status_code == 200 and second.status_code == 200
    desk.emulator.wait_for_count("chat.postEphemeral", 2)
    assert items(bot) == [("give", "send the SOC2 report"), ("get", "intro to procurement")]


@pytest.fixture
def desk_bot(team, bot, slack, emulator, clock, feeds):
    return bot, Desk(slack, emulator, clock, feeds, bot.runtime.services.schedule)


@pytest.fixture
def shared(desk_bot):
    """Acme's deal channel is shared with Acme's Slack (Slack Connect); Dana works at Acme."""
    bot, desk = desk_bot
    desk.emulator.add_user(DANA, name="dana", real_name="Dana Lee", team_id=PARTNER_TEAM,
                           email="dana@acme.com")
    desk.emulator.add_channel(SHARED, "shared-acme", members=[ALICE, DANA], is_ext_shared=True)
    desk.deal(channel=SHARED)
    desk.connect(vcalendar(vevent("connect", TUE_UTC)))
    desk.at(TUE_UTC + timedelta(minutes=36))
    [post] = debriefs(desk.emulator, SHARED)
    return bot, desk, post


def test_in_a_shared_channel_the_prompt_speaks_to_both_sides_and_keeps_our_coaching_out(shared):
    _, _, post = shared
    text = all_text(post)
    assert "Acme Corp pilot review" in text and "next step" in text.lower()
    # Our coaching ("did we hear it in their words?") is for our team, not for Dana to read.
    assert "in their words" not in text and "in it for them" not in text
    assert action_values(post, "debrief_open") == ["Acme Corp"]


def test_a_partner_cannot_open_or_submit_our_debrief_form(shared):
    bot, desk, post = shared
    desk.slack.action("debrief_open", action_values(post, "debrief_open")[0], user=DANA, channel=SHARED)
    desk.emulator.wait_for("response_url")
    bot.wait_idle()  # the refusal came; nothing else of that click is still running
    assert desk.emulator.calls_to("views.open") == []
    # A submission naming our channel, from someone at the partner, is refused too.
    desk.slack.action("debrief_open", action_values(post, "debrief_open")[0], user=ALICE, channel=SHARED)
    desk.emulator.wait_for("views.open")
    answer = desk.slack.view_submission("debrief", values(), user=DANA)
    assert answer.status_code == 200 and "errors" in answer.text
    assert items(bot, SHARED) == []


def test_just_got_off_the_call_in_a_shared_channel_gets_the_partner_safe_prompt(desk_bot):
    _, desk = desk_bot
    desk.emulator.add_user(DANA, name="dana", real_name="Dana Lee", team_id=PARTNER_TEAM)
    desk.emulator.add_channel(SHARED, "shared-acme", members=[ALICE, DANA], is_ext_shared=True)
    desk.slack.message("just got off the call with Acme", user=ALICE, channel=SHARED, ts="1700000200.000100")
    desk.emulator.wait_for(lambda calls: any(c.method == "chat.postMessage" for c in calls))
    [post] = debriefs(desk.emulator, SHARED)
    text = all_text(post)
    assert "next step" in text.lower() and "in their words" not in text and "in it for them" not in text


def test_a_zoom_event_delivered_days_after_the_call_asks_nothing(zoom_bot, zdesk):
    # Zoom's retries of an event the bot missed while down, two days after the call.
    zdesk.deal()
    answer = send(zoom_bot, ended(topic="Acme Corp pilot review", uuid="days-late==",
                                  end_time="2026-11-21T15:00:00Z"))
    assert answer.status_code == 200 and answer.json()["planned"] is False
    zdesk.at(zdesk.clock.now() + timedelta(hours=1))
    assert debriefs(zdesk.emulator) == []


def test_a_zoom_event_with_a_clock_a_little_ahead_is_asked_about_just_after(zoom_bot, zdesk):
    zdesk.deal()
    soon = zdesk.clock.now() + timedelta(minutes=4)  # Zoom's clock four minutes ahead of ours
    assert send(zoom_bot, ended(topic="Acme Corp pilot review", uuid="ahead==",
                                end_time=soon.strftime("%Y-%m-%dT%H:%M:%SZ"))).json()["planned"]
    zdesk.at(soon + timedelta(minutes=6))
    assert len(debriefs(zdesk.emulator)) == 1
