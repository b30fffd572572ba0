"""Meetings prompting debriefs, as a newcomer types them: the day said with the time is the
day the debrief comes (injected clock, signed HTTP)."""

from __future__ import annotations

from datetime import timedelta

import pytest

from bot.emulator.driver import state_value
from tests.conftest import ALICE, BOB, CAROL, DEAL, OTHER
from tests.e2e.helpers import action_values, all_text, reply_text


def debriefs(emulator, channel=DEAL):
    return [m for m in emulator.messages(channel) if "Debrief" in all_text(m)]


def run_until(bot, clock, delta):
    clock.advance(delta)
    bot.runtime.services.schedule.run_due()
    bot.wait_idle()


def test_tomorrow_before_the_time_is_tomorrow_not_today(bot, slack, emulator, clock):
    # Monday 10:00 in New York. This was read as today 3pm, about a topic "Acme demo tomorrow".
    answer = reply_text(slack.command("meeting Acme demo tomorrow at 3pm", user=ALICE, channel=DEAL))
    assert "*Acme demo*" in answer and "Tue 24 Nov, 16:00" in answer
    run_until(bot, clock, timedelta(hours=11))  # Monday 21:00 New York: today's 3pm is long over
    assert debriefs(emulator) == []
    run_until(bot, clock, timedelta(hours=19, minutes=1))  # Tuesday 16:01
    [post] = debriefs(emulator)
    assert "Acme demo" in all_text(post) and "tomorrow" not in all_text(post)


@pytest.mark.parametrize("text", ["meeting Acme demo on Friday at 3pm", "meeting Acme demo Friday at 3pm",
                                  "meeting Acme demo at 3pm on Friday"])
def test_a_weekday_with_the_time_is_that_weekday(bot, slack, emulator, clock, text):
    answer = reply_text(slack.command(text, user=ALICE, channel=DEAL))
    assert "*Acme demo*" in answer and "Fri 27 Nov, 16:00" in answer
    run_until(bot, clock, timedelta(days=4))  # Friday 10:00 New York
    assert debriefs(emulator) == []
    run_until(bot, clock, timedelta(hours=6, minutes=1))
    assert len(debriefs(emulator)) == 1


def test_the_day_is_read_in_the_schedulers_own_time_zone(bot, slack, emulator, clock):
    # Monday 15:00 UTC is already Tuesday 00:00 in Tokyo: "Friday at 9am" is Friday there,
    # 00:00 UTC, ending at 01:00 UTC, in Carol's channel only.
    answer = reply_text(slack.command("meeting Globex QBR Friday at 9am", user=CAROL, channel=OTHER))
    assert "Fri 27 Nov, 10:00" in answer and "Asia/Tokyo" in answer
    run_until(bot, clock, timedelta(days=3, hours=9, minutes=59))  # Fri 00:59 UTC
    assert debriefs(emulator, OTHER) == []
    run_until(bot, clock, timedelta(minutes=2))
    assert len(debriefs(emulator, OTHER)) == 1 and debriefs(emulator, DEAL) == []


@pytest.mark.parametrize("text", ["meeting Acme demo on Friday", "meeting Acme demo tomorrow"])
def test_a_day_without_a_time_asks_for_the_time_and_schedules_nothing(bot, slack, emulator, clock, text):
    # Was scheduled for right now, about a topic "Acme demo on Friday": a debrief an hour later.
    answer = reply_text(slack.command(text, user=ALICE, channel=DEAL))
    assert ":warning:" in answer and "At what time on" in answer and "nothing is scheduled" in answer
    run_until(bot, clock, timedelta(days=10))
    assert debriefs(emulator) == []


def test_a_number_in_the_topic_is_not_taken_for_a_day(bot, slack, emulator, clock):
    answer = reply_text(slack.command("meeting Sprint 3 review at 3pm", user=ALICE, channel=DEAL))
    assert "*Sprint 3 review*" in answer and "Mon 23 Nov, 16:00" in answer


def test_a_meeting_asked_for_again_at_a_new_time_moves_its_one_debrief(bot, slack, emulator, clock):
    slack.command("meeting Acme demo at 3pm", user=ALICE, channel=DEAL)
    # Acme moves the demo to tomorrow. This used to leave both: a debrief for a meeting that
    # didn't happen today, and another tomorrow.
    answer = reply_text(slack.command("meeting Acme demo tomorrow at 3pm", user=ALICE, channel=DEAL))
    assert "Moved" in answer and "Tue 24 Nov, 16:00" in answer and "not at Mon 23 Nov, 16:00" in answer
    run_until(bot, clock, timedelta(hours=12))  # Monday 22:00 New York
    assert debriefs(emulator) == []
    run_until(bot, clock, timedelta(days=1))
    assert len(debriefs(emulator)) == 1


def test_a_cancelled_meeting_asks_for_no_debrief_and_can_be_asked_for_again(bot, slack, emulator, clock):
    slack.command("meeting Acme demo at 3pm", user=ALICE, channel=DEAL)
    slack.command("meeting Globex sync at 4pm", user=ALICE, channel=DEAL)
    # Was scheduled as a new meeting called "cancel Acme demo", keeping the first.
    answer = reply_text(slack.command("meeting cancel acme demo", user=BOB, channel=DEAL))
    assert "Cancelled the debrief for *Acme demo*" in answer
    assert "Mon 23 Nov, 13:00" in answer  # 16:00 in New York, shown in Bob's Los Angeles time
    again = reply_text(slack.command("meeting cancel Acme demo", user=ALICE, channel=DEAL))
    assert ":warning:" in again and "No debrief is waiting for “Acme demo”" in again
    run_until(bot, clock, timedelta(hours=12))
    assert ["Globex sync" in all_text(post) for post in debriefs(emulator)] == [True]  # only the other one
    back = reply_text(slack.command("meeting Acme demo tomorrow at 3pm", user=ALICE, channel=DEAL))
    assert "I'll ask" in back
    run_until(bot, clock, timedelta(days=1))
    assert len(debriefs(emulator)) == 2


def test_cancelling_acts_only_on_this_channels_debriefs(bot, slack, emulator, clock):
    slack.command("meeting Acme demo at 3pm", user=ALICE, channel=DEAL)
    answer = reply_text(slack.command("meeting cancel Acme demo", user=CAROL, channel=OTHER))
    assert "No debrief is waiting" in answer
    run_until(bot, clock, timedelta(hours=12))
    assert len(debriefs(emulator)) == 1


@pytest.mark.parametrize(("text", "expected"), [
    ("meeting cancel", "Which meeting is off?"),
    ("meeting cancel <!channel> <http://x|y>", "No debrief is waiting for “&lt;!channel&gt; &lt;http://x|y&gt;”"),
])
def test_bad_cancels_are_explained_escaped_and_change_nothing(bot, slack, emulator, clock, text, expected):
    slack.command("meeting Acme demo at 3pm", user=ALICE, channel=DEAL)
    response = slack.command(text, user=ALICE, channel=DEAL)
    assert expected in reply_text(response) and "<!channel>" not in response.text
    run_until(bot, clock, timedelta(hours=12))
    assert len(debriefs(emulator)) == 1


def test_meeting_alone_lists_the_debriefs_waiting_in_this_channel(bot, slack, emulator, clock):
    nothing = reply_text(slack.command("meeting", user=ALICE, channel=DEAL))
    assert "Which meeting?" in nothing and "Usage:" in nothing
    slack.command("meeting Globex sync tomorrow at 4pm", user=ALICE, channel=DEAL)
    slack.command("meeting Acme <!channel> demo at 3pm", user=ALICE, channel=DEAL)
    slack.command("meeting Initech call at 9am", user=CAROL, channel=OTHER)
    # Was "Which meeting?" whatever was scheduled: no way to see what the bot will ask about.
    response = slack.command("meeting", user=ALICE, channel=DEAL)
    answer = reply_text(response)
    assert answer.index("Acme &lt;!channel&gt; demo* — Mon 23 Nov, 16:00") < answer.index(
        "Globex sync* — Tue 24 Nov, 17:00")
    assert "Initech" not in answer and "<!channel>" not in response.text
    assert "`/partner meeting cancel &lt;topic&gt;`" in answer
    slack.command("meeting cancel Globex sync", user=ALICE, channel=DEAL)
    run_until(bot, clock, timedelta(hours=7))  # the Acme debrief is posted
    assert "Which meeting?" in reply_text(slack.command("meeting", user=ALICE, channel=DEAL))


def test_the_debrief_a_meeting_asked_for_lands_in_the_ledger_the_list_shows(bot, slack, emulator, clock):
    slack.command("meeting Acme demo at 3pm for 30m", user=ALICE, channel=DEAL)
    run_until(bot, clock, timedelta(hours=5, minutes=31))  # 15:31 New York
    [prompt] = debriefs(emulator)
    slack.action("debrief_open", action_values(prompt, "debrief_open")[0], user=BOB, channel=DEAL)
    bot.wait_idle()
    values = {
        "give_1": {"value": state_value("plain_text_input", "extend the pilot <@U0CAROL>")},
        "give_1_due": {"value": state_value("datepicker", "2026-12-04")},
        "get_1": {"value": state_value("plain_text_input", "a reference call with their COO")},
        "wiifm": {"value": state_value("plain_text_input", "their reps ramp faster")},
    }
    response = slack.view_submission("debrief", values, user=BOB)
    assert response.status_code == 200 and "errors" not in response.text
    bot.wait_idle()
    [confirmation] = emulator.ephemerals(DEAL, BOB)
    said = all_text(confirmation)
    assert "*#1* extend the pilot" in said and "*#2* a reference call with their COO" in said
    listed = reply_text(slack.command("list", user=BOB, channel=DEAL))
    assert "*#1* extend the pilot" in listed and "due Fri 4 Dec 2026" in listed
    assert "*#2* a reference call with their COO" in listed
    assert "*We give:* 1 open · 0 kept   *We get:* 1 open · 0 kept" in listed  # what the form said


def test_a_time_in_the_partners_zone_is_their_time(bot, slack, emulator, clock):
    # Alice is in New York; the call is at 3pm Pacific, 30 minutes. Was: scheduled right now,
    # about a topic "Acme demo at 3pm PT".
    answer = reply_text(slack.command("meeting Acme demo at 3pm PT for 30m", user=ALICE, channel=DEAL))
    assert "*Acme demo*" in answer and "Mon 23 Nov, 18:30" in answer and "America/New_York" in answer
    run_until(bot, clock, timedelta(hours=8, minutes=29))  # 23:29 UTC, 15:29 Pacific
    assert debriefs(emulator) == []
    run_until(bot, clock, timedelta(minutes=2))
    assert len(debriefs(emulator)) == 1


def test_a_time_that_is_not_last_is_asked_about_and_schedules_nothing(bot, slack, emulator, clock):
    # Was: a debrief an hour from now, about "Acme demo at 3pm with Dana".
    answer = reply_text(slack.command("meeting Acme demo at 3pm with Dana", user=ALICE, channel=DEAL))
    assert ":warning:" in answer and "I see “at 3pm”" in answer and "put the time last" in answer
    run_until(bot, clock, timedelta(days=3))
    assert debriefs(emulator) == []
