"""Calendar scenarios end to end: fresh feeds served over HTTP, signed commands to the real app,
the FakeClock moved and swept the way `serve` does. Each test states what a salesperson should
see (the expectation) before driving it.

The clock starts Monday 23 November 2026, 15:00 UTC (10:00 in New York, Alice's zone).
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from bot.emulator.local_bot import LocalBot
from tests.calendar.scenario_kit import Desk, all_day, debriefs, vcalendar, vevent, when
from tests.conftest import ALICE, BOB, DEAL, quiet
from tests.e2e.helpers import action_values, all_text

NY = "America/New_York"
TUE = datetime(2026, 11, 24, 10, 0)  # naive: 10:00 local on Tuesday 24 November
TUE_UTC = datetime(2026, 11, 24, 15, 0, tzinfo=UTC)  # the same moment in New York, in UTC
INITECH, GLOBEX = "C0INITECH", "C0GLOBEX2"


def utc(*args: int) -> datetime:
    return datetime(*args, tzinfo=UTC)


@pytest.fixture
def desk(team, bot, slack, emulator, clock, feeds):
    emulator.add_channel(INITECH, "deal-initech", members=[ALICE])
    emulator.add_channel(GLOBEX, "deal-globex-eu", members=[ALICE])
    return Desk(slack, emulator, clock, feeds, bot.runtime.services.schedule)


# --- recurring meetings ------------------------------------------------------------------------

def test_weekly_series_with_count_prompts_each_of_its_three_meetings_and_no_more(desk):
    # Expect: 24 Nov, 1 Dec and 8 Dec (10:00-10:30 New York = 15:00-15:30 UTC), nothing on 15 Dec.
    desk.deal()
    desk.connect(vcalendar(vevent("weekly", TUE, tzid=NY, lines=["RRULE:FREQ=WEEKLY;COUNT=3"])))
    for week in range(3):
        desk.prompted_once_after(TUE_UTC + timedelta(days=7 * week, minutes=30))
    desk.never_prompted(TUE_UTC + timedelta(days=21, minutes=30))


def test_an_exdate_skips_that_week_only(desk):
    # Expect: 24 Nov prompted, 1 Dec (EXDATE) not, 8 Dec prompted.
    desk.deal()
    desk.connect(vcalendar(vevent("ex", TUE, tzid=NY, lines=[
        "RRULE:FREQ=WEEKLY;COUNT=4", when("EXDATE", datetime(2026, 12, 1, 10, 0), NY)])))
    desk.prompted_once_after(TUE_UTC + timedelta(minutes=30))
    desk.never_prompted(TUE_UTC + timedelta(days=7, minutes=30))
    desk.prompted_once_after(TUE_UTC + timedelta(days=14, minutes=30))


def test_an_rdate_adds_an_extra_meeting_that_is_prompted_too(desk):
    # Expect: an extra Friday 27 Nov 14:00-14:30 New York (19:30 UTC end) is asked about.
    desk.deal()
    desk.connect(vcalendar(vevent("rd", TUE, tzid=NY, lines=[
        "RRULE:FREQ=WEEKLY;COUNT=2", when("RDATE", datetime(2026, 11, 27, 14, 0), NY)])))
    desk.prompted_once_after(TUE_UTC + timedelta(minutes=30))
    desk.prompted_once_after(utc(2026, 11, 27, 19, 30))


def test_a_daily_series_stops_at_its_until(desk):
    # Expect: 24, 25, 26 Nov (UNTIL is inclusive at 15:00Z), nothing on 27 Nov.
    desk.deal()
    desk.connect(vcalendar(vevent("daily", TUE, tzid=NY, lines=["RRULE:FREQ=DAILY;UNTIL=20261126T150000Z"])))
    for day in range(3):
        desk.prompted_once_after(TUE_UTC + timedelta(days=day, minutes=30))
    desk.never_prompted(TUE_UTC + timedelta(days=3, minutes=30))


def test_one_occurrence_moved_later_that_day_is_asked_about_at_its_new_end(desk):
    # Expect: 1 Dec moved from 10:00 to 16:00 New York: nothing at 15:35 UTC, one at 21:35 UTC.
    desk.deal()
    desk.connect(vcalendar(
        vevent("mv", TUE, tzid=NY, lines=["RRULE:FREQ=WEEKLY;COUNT=3"]),
        vevent("mv", datetime(2026, 12, 1, 16, 0), tzid=NY, title="Acme Corp pilot review (moved)",
               lines=[when("RECURRENCE-ID", datetime(2026, 12, 1, 10, 0), NY)])))
    desk.prompted_once_after(TUE_UTC + timedelta(minutes=30))
    desk.never_prompted(utc(2026, 12, 1, 15, 30), about="moved")
    assert desk.count(utc(2026, 12, 1, 15, 36)) == 1
    desk.prompted_once_after(utc(2026, 12, 1, 21, 30), about="(moved)")


def test_one_occurrence_moved_to_the_next_day_is_asked_about_once_on_that_day(desk):
    desk.deal()
    desk.connect(vcalendar(
        vevent("mvday", TUE, tzid=NY, lines=["RRULE:FREQ=WEEKLY;COUNT=2"]),
        vevent("mvday", datetime(2026, 12, 2, 11, 0), tzid=NY,
               lines=[when("RECURRENCE-ID", datetime(2026, 12, 1, 10, 0), NY)])))
    desk.prompted_once_after(TUE_UTC + timedelta(minutes=30))
    desk.never_prompted(utc(2026, 12, 1, 15, 30))
    desk.prompted_once_after(utc(2026, 12, 2, 16, 30))


def test_a_cancelled_occurrence_is_skipped_and_the_series_goes_on(desk):
    desk.deal()
    desk.connect(vcalendar(
        vevent("cx", TUE, tzid=NY, lines=["RRULE:FREQ=WEEKLY;COUNT=3"]),
        vevent("cx", datetime(2026, 12, 1, 10, 0), tzid=NY, status="CANCELLED",
               lines=[when("RECURRENCE-ID", datetime(2026, 12, 1, 10, 0), NY)])))
    desk.prompted_once_after(TUE_UTC + timedelta(minutes=30))
    desk.never_prompted(TUE_UTC + timedelta(days=7, minutes=30))
    desk.prompted_once_after(TUE_UTC + timedelta(days=14, minutes=30))


def test_a_cancelled_series_is_never_asked_about(desk):
    desk.deal()
    desk.connect(vcalendar(vevent("gone", TUE, tzid=NY, status="CANCELLED",
                                  lines=["RRULE:FREQ=DAILY;COUNT=3"])))
    for day in range(3):
        desk.never_prompted(TUE_UTC + timedelta(days=day, minutes=30))


def test_an_exdate_added_after_the_prompt_was_planned_cancels_it(desk):
    # Expect: the feed gains EXDATE for 24 Nov after the first read: no prompt that day.
    desk.deal()
    route = desk.connect(vcalendar(vevent("late-ex", TUE, tzid=NY, lines=["RRULE:FREQ=WEEKLY;COUNT=2"])))
    route.body = vcalendar(vevent("late-ex", TUE, tzid=NY, lines=[
        "RRULE:FREQ=WEEKLY;COUNT=2", when("EXDATE", TUE, NY)]))
    desk.at(utc(2026, 11, 24, 14, 0))
    desk.never_prompted(TUE_UTC + timedelta(minutes=30))
    desk.prompted_once_after(TUE_UTC + timedelta(days=7, minutes=30))


def test_an_occurrence_cancelled_between_polls_cancels_its_planned_prompt(desk):
    desk.deal()
    series = vevent("cx2", TUE, tzid=NY, lines=["RRULE:FREQ=DAILY;COUNT=2"])
    route = desk.connect(vcalendar(series))
    route.body = vcalendar(series, vevent("cx2", TUE, tzid=NY, status="CANCELLED",
                                          lines=[when("RECURRENCE-ID", TUE, NY)]))
    desk.at(utc(2026, 11, 24, 14, 50))
    desk.never_prompted(TUE_UTC + timedelta(minutes=30))
    desk.prompted_once_after(TUE_UTC + timedelta(days=1, minutes=30))


# --- time zones --------------------------------------------------------------------------------

def test_a_berlin_meeting_is_asked_about_at_its_end_in_utc(desk):
    # 10:00-11:00 Berlin in November = 09:00-10:00 UTC.
    desk.deal()
    desk.connect(vcalendar(vevent("berlin", TUE, minutes=60, tzid="Europe/Berlin")))
    desk.prompted_once_after(utc(2026, 11, 24, 10, 0))


def test_an_outlook_windows_zone_name_is_read_as_its_iana_zone(desk):
    # Outlook writes "W. Europe Standard Time" for Berlin: 10:00-10:30 there is 09:30 UTC.
    desk.deal()
    desk.connect(vcalendar(vevent("outlook", TUE, tzid="W. Europe Standard Time")))
    desk.prompted_once_after(utc(2026, 11, 24, 9, 30))


def test_floating_times_are_read_in_the_owners_slack_time_zone(desk):
    # Bob is in Los Angeles: a floating 10:00-10:30 is 18:00-18:30 UTC.
    desk.deal()
    desk.connect(vcalendar(vevent("floating", TUE, attendees=("bob@ourco.com", "jane@acme.com")),
                           owner="bob@ourco.com"), user=BOB)
    desk.never_prompted(TUE_UTC + timedelta(minutes=30))  # not read as New York or UTC
    desk.prompted_once_after(utc(2026, 11, 24, 18, 30))


def test_an_all_day_event_with_the_customer_is_not_a_meeting_to_debrief(desk):
    desk.deal()
    desk.connect(vcalendar(all_day("allday", "20261124")))
    desk.never_prompted(utc(2026, 11, 25, 5, 0))


def test_a_weekly_meeting_across_the_us_spring_change_keeps_its_local_time(desk):
    # 09:00-09:30 New York every Tuesday: 14:00 UTC on 9 March 2027, 13:00 UTC after 14 March.
    desk.clock.set(utc(2027, 3, 8, 12, 0))
    desk.deal()
    desk.connect(vcalendar(vevent("us-dst", datetime(2027, 3, 9, 9, 0), tzid=NY,
                                  lines=["RRULE:FREQ=WEEKLY;COUNT=2"])))
    desk.prompted_once_after(utc(2027, 3, 9, 14, 30))
    desk.prompted_once_after(utc(2027, 3, 16, 13, 30))


def test_a_weekly_meeting_across_the_eu_spring_change_keeps_its_local_time(desk):
    # 10:00-11:00 London every Thursday: 10:00 UTC on 25 March 2027, 09:00 UTC on 1 April (BST).
    desk.clock.set(utc(2027, 3, 22, 12, 0))
    desk.deal()
    desk.connect(vcalendar(vevent("eu-dst", datetime(2027, 3, 25, 10, 0), minutes=60, tzid="Europe/London",
                                  lines=["RRULE:FREQ=WEEKLY;COUNT=2"])))
    desk.prompted_once_after(utc(2027, 3, 25, 11, 0))
    desk.prompted_once_after(utc(2027, 4, 1, 10, 0))


def test_a_meeting_crossing_midnight_is_asked_about_after_it_ends_the_next_day(desk):
    # 23:30 Tuesday to 00:30 Wednesday in New York = 04:30-05:30 UTC Wednesday.
    desk.deal()
    desk.connect(vcalendar(vevent("late", datetime(2026, 11, 24, 23, 30), minutes=60, tzid=NY)))
    desk.prompted_once_after(utc(2026, 11, 25, 5, 30))


def test_google_x_wr_timezone_utc_times_are_read_in_the_calendars_zone(desk):
    # Google exports some events in UTC with X-WR-TIMEZONE; the instant is the same either way.
    desk.deal()
    desk.connect(vcalendar(vevent("google", TUE_UTC), zone="Europe/Paris"))
    desk.prompted_once_after(TUE_UTC + timedelta(minutes=30))


# --- who was there, and which channel ----------------------------------------------------------

def test_a_meeting_with_only_our_people_is_not_prompted_even_if_its_title_names_the_deal(desk):
    desk.deal()
    desk.connect(vcalendar(vevent("internal", TUE_UTC, title="Acme Corp deal prep",
                                  attendees=("alice@ourco.com", "bob@ourco.com"))))
    desk.never_prompted(TUE_UTC + timedelta(minutes=30))


def test_a_meeting_the_owner_declined_is_not_prompted(desk):
    desk.deal()
    desk.connect(vcalendar(vevent("declined", TUE_UTC, declined=["alice@ourco.com"])))
    desk.never_prompted(TUE_UTC + timedelta(minutes=30))


def test_a_meeting_one_owner_declined_and_another_attended_is_prompted_once_naming_who_went(desk):
    desk.deal()
    people = ("alice@ourco.com", "bob@ourco.com", "jane@acme.com")
    desk.connect(vcalendar(vevent("half", TUE_UTC, attendees=people, declined=["alice@ourco.com"])))
    desk.connect(vcalendar(vevent("half", TUE_UTC, attendees=people, declined=["alice@ourco.com"]),
                           owner="bob@ourco.com"), user=BOB)
    desk.prompted_once_after(TUE_UTC + timedelta(minutes=30))
    [post] = debriefs(desk.emulator)
    assert f"<@{BOB}>" in all_text(post)


def test_with_several_deal_channels_an_attendee_domain_picks_the_channel(desk):
    # "Acme Corp / Globex intro" names Acme, but the only guest is from globex.com.
    desk.deal()
    desk.deal("Globex", "globex.com", channel=GLOBEX)
    desk.deal("Initech", None, channel=INITECH)
    desk.connect(vcalendar(vevent("globex", TUE_UTC, title="Acme Corp / Globex intro",
                                  attendees=("alice@ourco.com", "hank@globex.com"))))
    desk.prompted_once_after(TUE_UTC + timedelta(minutes=30), channel=GLOBEX)
    assert debriefs(desk.emulator) == [] and debriefs(desk.emulator, INITECH) == []


def test_with_several_deal_channels_the_title_picks_the_channel_when_no_domain_matches(desk):
    desk.deal()
    desk.deal("Initech", None, channel=INITECH)
    desk.connect(vcalendar(vevent("initech", TUE_UTC, title="Initech kickoff",
                                  attendees=("alice@ourco.com", "bill@initech-consulting.io"))))
    desk.prompted_once_after(TUE_UTC + timedelta(minutes=30), channel=INITECH)
    assert debriefs(desk.emulator) == []


def test_an_external_meeting_about_no_deal_posts_nowhere(desk):
    desk.deal()
    desk.deal("Initech", None, channel=INITECH)
    desk.connect(vcalendar(vevent("vendor", TUE_UTC, title="Coffee with a recruiter",
                                  attendees=("alice@ourco.com", "sam@hooli.com"))))
    desk.never_prompted(TUE_UTC + timedelta(minutes=30))
    assert debriefs(desk.emulator, INITECH) == []


def test_a_deal_domain_set_after_the_meeting_was_read_still_gets_the_prompt(desk):
    desk.deal("Acme Corp", None)
    desk.connect(vcalendar(vevent("later-domain", TUE_UTC, title="Pilot review")))
    desk.at(utc(2026, 11, 24, 12, 0))
    desk.slack.command("deal Acme Corp domain acme.com", user=ALICE, channel=DEAL)
    desk.prompted_once_after(TUE_UTC + timedelta(minutes=30))


# --- feeds that change -------------------------------------------------------------------------

def test_a_meeting_moved_earlier_after_its_prompt_was_planned_is_asked_about_once_at_the_new_end(desk):
    desk.deal()
    route = desk.connect(vcalendar(vevent("earlier", utc(2026, 11, 24, 18, 0))))
    desk.at(utc(2026, 11, 24, 14, 0))
    route.body = vcalendar(vevent("earlier", utc(2026, 11, 24, 16, 0)))
    desk.at(utc(2026, 11, 24, 15, 0))
    desk.prompted_once_after(utc(2026, 11, 24, 16, 30))
    desk.never_prompted(utc(2026, 11, 24, 18, 30))


def test_a_meeting_retitled_and_given_a_customer_between_polls_is_prompted_with_its_new_title(desk):
    desk.deal()
    route = desk.connect(vcalendar(vevent("retitled", TUE_UTC, title="Prep",
                                          attendees=("alice@ourco.com", "bob@ourco.com"))))
    desk.at(utc(2026, 11, 24, 12, 0))
    route.body = vcalendar(vevent("retitled", TUE_UTC, title="Pricing with Jane"))
    desk.at(utc(2026, 11, 24, 13, 0))
    desk.prompted_once_after(TUE_UTC + timedelta(minutes=30), about="Pricing with Jane")


def test_a_meeting_whose_prompt_was_posted_and_which_was_then_dragged_earlier_is_not_asked_again(desk):
    # Organisers drag a finished meeting to the slot it really had; the debrief was asked for.
    desk.deal()
    route = desk.connect(vcalendar(vevent("dragged", TUE_UTC)))
    desk.prompted_once_after(TUE_UTC + timedelta(minutes=30))
    route.body = vcalendar(vevent("dragged", TUE_UTC - timedelta(hours=2)))
    desk.at(TUE_UTC + timedelta(hours=1))
    assert desk.count(TUE_UTC + timedelta(hours=3)) == 1


def test_a_meeting_postponed_to_the_afternoon_after_its_prompt_went_out_is_asked_about_again(desk):
    # The prompt went out before the meeting, as the calendar now has it, began: it was about a
    # meeting that hadn't happened. The afternoon meeting gets its own prompt after it ends.
    desk.deal()
    route = desk.connect(vcalendar(vevent("dragged", TUE_UTC)))
    desk.prompted_once_after(TUE_UTC + timedelta(minutes=30))
    route.body = vcalendar(vevent("dragged", TUE_UTC + timedelta(hours=2)))
    desk.at(TUE_UTC + timedelta(hours=1))
    desk.prompted_once_after(TUE_UTC + timedelta(hours=2, minutes=30))
    assert desk.count(TUE_UTC + timedelta(hours=6)) == 2


# --- the bot restarted -------------------------------------------------------------------------

def restart(emulator, clock, path):
    """A new process over the same database (the old one is gone)."""
    local = LocalBot(emulator, path, clock).start()
    quiet(local)
    return local


def test_a_restart_in_the_middle_of_the_meeting_neither_loses_nor_doubles_the_prompt(
        team, emulator, clock, feeds, tmp_path):
    db = tmp_path / "db.json"
    with LocalBot(emulator, db, clock) as first:
        Desk(first.driver, emulator, clock, feeds, first.runtime.services.schedule).deal()
        Desk(first.driver, emulator, clock, feeds, first.runtime.services.schedule).connect(
            vcalendar(vevent("restart", TUE_UTC)))
    clock.set(TUE_UTC + timedelta(minutes=10))
    second = restart(emulator, clock, db)
    try:
        desk = Desk(second.driver, emulator, clock, feeds, second.runtime.services.schedule)
        desk.at(TUE_UTC + timedelta(minutes=20))
        desk.prompted_once_after(TUE_UTC + timedelta(minutes=30))
    finally:
        second.stop()
    third = restart(emulator, clock, db)
    try:
        third.runtime.services.schedule.sweep()
    finally:
        third.stop()
    assert len(debriefs(emulator)) == 1


def test_a_meeting_that_ended_while_the_bot_was_down_is_asked_about_once_when_it_is_back(
        team, emulator, clock, feeds, tmp_path):
    # Down from 14:00 to 17:00; the 15:00-15:30 meeting (added while down) is asked about at 17:00.
    db = tmp_path / "db.json"
    with LocalBot(emulator, db, clock) as first:
        desk = Desk(first.driver, emulator, clock, feeds, first.runtime.services.schedule)
        desk.deal()
        route = desk.connect(vcalendar())
    route.body = vcalendar(vevent("while-down", TUE_UTC))
    clock.set(utc(2026, 11, 24, 17, 0))
    back = restart(emulator, clock, db)
    try:
        back.runtime.services.schedule.sweep()
        back.runtime.services.schedule.sweep()
        clock.advance(timedelta(minutes=30))
        back.runtime.services.schedule.sweep()
    finally:
        back.stop()
    assert len(debriefs(emulator)) == 1


@pytest.mark.parametrize("feed_up", [True, False], ids=["feed-up", "feed-down"])
def test_a_meeting_that_ended_days_before_the_bot_came_back_is_not_asked_about(
        team, emulator, clock, feeds, tmp_path, feed_up):
    # The prompt was planned, then the bot was down for two days: a debrief that late is noise.
    db = tmp_path / "db.json"
    with LocalBot(emulator, db, clock) as first:
        desk = Desk(first.driver, emulator, clock, feeds, first.runtime.services.schedule)
        desk.deal()
        route = desk.connect(vcalendar(vevent("long-gone", TUE_UTC)))
    if not feed_up:
        route.status, route.body = 503, b"unavailable"
    clock.set(utc(2026, 11, 26, 16, 0))
    back = restart(emulator, clock, db)
    try:
        back.runtime.services.schedule.sweep()
        clock.advance(timedelta(minutes=10))
        back.runtime.services.schedule.sweep()
    finally:
        back.stop()
    assert debriefs(emulator) == []


def test_a_typed_meeting_that_ended_days_before_the_bot_came_back_is_not_asked_about(
        team, emulator, clock, tmp_path):
    db = tmp_path / "db.json"
    with LocalBot(emulator, db, clock) as first:
        first.driver.command("meeting Acme demo in 30m for 30m", user=ALICE, channel=DEAL)
    clock.advance(timedelta(days=3))
    back = restart(emulator, clock, db)
    try:
        back.runtime.services.schedule.sweep()
    finally:
        back.stop()
    assert debriefs(emulator) == []


# --- the prompt itself -------------------------------------------------------------------------

def test_the_prompt_coaches_on_what_we_gave_what_we_got_and_the_next_step(desk):
    desk.deal()
    desk.connect(vcalendar(vevent("coach", TUE_UTC)))
    desk.prompted_once_after(TUE_UTC + timedelta(minutes=30))
    [post] = debriefs(desk.emulator)
    text = all_text(post).lower()
    assert "acme corp pilot review" in text
    assert "give" in text and "get" in text and "next step" in text
    assert action_values(post, "debrief_open") == ["Acme Corp"]


def test_a_prompt_for_a_lost_deal_says_it_is_lost_and_still_offers_the_debrief(desk):
    desk.deal()
    desk.connect(vcalendar(vevent("lost", TUE_UTC)))
    desk.slack.command("deal Acme Corp lost", user=ALICE, channel=DEAL)
    desk.prompted_once_after(TUE_UTC + timedelta(minutes=30))
    [post] = debriefs(desk.emulator)
    assert "lost" in all_text(post) and action_values(post, "debrief_open") == ["Acme Corp"]


# --- round two: what a busy week also brings ------------------------------------------------

def test_an_attendee_from_a_subdomain_of_the_deals_domain_matches_it(desk):
    # jane@eu.acme.com works at Acme; the deal's domain is acme.com.
    desk.deal()
    desk.deal("Initech", None, channel=INITECH)
    desk.connect(vcalendar(vevent("sub", TUE_UTC, title="Pricing call",
                                  attendees=("alice@ourco.com", "jane@eu.acme.com"))))
    desk.prompted_once_after(TUE_UTC + timedelta(minutes=30))


def test_a_lookalike_domain_does_not_match(desk):
    # notacme.com and acme.com.evil.io are someone else.
    desk.deal()
    desk.connect(vcalendar(vevent("look", TUE_UTC, title="Pricing call",
                                  attendees=("alice@ourco.com", "x@notacme.com", "y@acme.com.evil.io"))))
    desk.never_prompted(TUE_UTC + timedelta(minutes=30))


def test_a_meeting_given_by_duration_ends_when_its_duration_says(desk):
    desk.deal()
    body = vevent("dur", TUE_UTC).replace(f"DTEND:{(TUE_UTC + timedelta(minutes=30)):%Y%m%dT%H%M%SZ}",
                                          "DURATION:PT45M")
    assert "DURATION:PT45M" in body
    desk.connect(vcalendar(body))
    assert desk.count(TUE_UTC + timedelta(minutes=36)) == 0  # not the usual half hour
    desk.prompted_once_after(TUE_UTC + timedelta(minutes=45))


def test_a_meeting_missing_from_one_read_and_back_in_the_next_is_still_asked_about_once(desk):
    # Feeds glitch: one read without the meeting, the next with it again.
    desk.deal()
    meeting = vevent("glitch", TUE_UTC)
    route = desk.connect(vcalendar(meeting))
    route.body = vcalendar()
    desk.at(utc(2026, 11, 24, 14, 0))
    route.body = vcalendar(meeting)
    desk.at(utc(2026, 11, 24, 14, 30))
    desk.prompted_once_after(TUE_UTC + timedelta(minutes=30))


def test_a_feed_that_fails_for_a_while_keeps_the_prompts_it_planned(desk):
    desk.deal()
    route = desk.connect(vcalendar(vevent("flaky", TUE_UTC)))
    route.status, route.body = 503, b"try later"
    desk.at(utc(2026, 11, 24, 14, 0))
    desk.prompted_once_after(TUE_UTC + timedelta(minutes=30))


def test_a_prompt_posted_hours_late_says_when_the_meeting_ended(team, emulator, clock, feeds, tmp_path):
    db = tmp_path / "db.json"
    with LocalBot(emulator, db, clock) as first:
        desk = Desk(first.driver, emulator, clock, feeds, first.runtime.services.schedule)
        desk.deal()
        desk.connect(vcalendar(vevent("late-post", TUE_UTC)))
    clock.set(TUE_UTC + timedelta(hours=3, minutes=40))  # back three hours after the end
    back = restart(emulator, clock, db)
    try:
        back.runtime.services.schedule.sweep()
    finally:
        back.stop()
    [post] = debriefs(emulator)
    assert "about 3 hours ago" in all_text(post) and "just ended" not in all_text(post)


def test_a_lost_deal_in_a_shared_channel_is_not_called_lost_where_the_partner_reads(desk):
    desk.emulator.add_user("U0DANA", name="dana", real_name="Dana Lee", team_id="T0PARTNER")
    desk.emulator.add_channel("C0SHARE2", "shared-acme", members=[ALICE, "U0DANA"], is_ext_shared=True)
    desk.deal(channel="C0SHARE2")
    desk.slack.command("deal Acme Corp lost", user=ALICE, channel="C0SHARE2")
    desk.connect(vcalendar(vevent("lost-shared", TUE_UTC)))
    desk.prompted_once_after(TUE_UTC + timedelta(minutes=30), channel="C0SHARE2")
    [post] = debriefs(desk.emulator, "C0SHARE2")
    assert "lost" not in all_text(post).lower() and "next step" in all_text(post).lower()


def test_an_outlook_meeting_published_without_attendees_matches_by_the_deal_named_in_its_title(desk):
    # Outlook's published feeds leave attendees and organiser out: the title is all there is.
    desk.emulator.add_channel("C0GLOBEXB", "deal-globex-bob", members=[BOB])
    desk.deal("Globex", "globex.com", channel="C0GLOBEXB", user=BOB)
    outlook = (vevent("outlook-qbr", TUE, minutes=60, tzid="Pacific Standard Time", title="Globex QBR",
                      attendees=()) + vevent("outlook-block", TUE + timedelta(hours=2), attendees=(),
                                             title="Focus time"))
    desk.connect(vcalendar(outlook, owner="Calendar"), user=BOB)
    desk.prompted_once_after(utc(2026, 11, 24, 19, 0), channel="C0GLOBEXB", about="Globex QBR")
    desk.never_prompted(utc(2026, 11, 24, 20, 30), channel="C0GLOBEXB")


def test_a_personal_block_only_its_owner_is_on_is_internal_even_when_it_names_the_deal(desk):
    desk.deal()
    desk.connect(vcalendar(vevent("block", TUE_UTC, title="Acme Corp prep", attendees=("alice@ourco.com",))))
    desk.never_prompted(TUE_UTC + timedelta(minutes=30))


def test_in_a_channel_with_a_lost_deal_and_a_live_one_for_the_same_company_the_live_one_is_asked_about(desk):
    # #deal-acme lost "Acme Corp" and now works "Acme Expansion"; both have acme.com.
    desk.deal("Acme Expansion", "acme.com")
    desk.deal("Acme Corp", "acme.com")
    desk.clock.advance(timedelta(minutes=5))
    desk.slack.command("deal Acme Corp lost", user=ALICE, channel=DEAL)  # updated last
    desk.connect(vcalendar(vevent("two-deals", TUE_UTC, title="Pricing call")))
    desk.prompted_once_after(TUE_UTC + timedelta(minutes=30))
    [post] = debriefs(desk.emulator)
    assert "Debrief: Acme Expansion" in all_text(post) and "lost" not in all_text(post)
    assert action_values(post, "debrief_open") == ["Acme Expansion"]


def test_a_meeting_whose_guests_change_company_after_planning_moves_to_that_deals_channel(desk):
    desk.deal()
    desk.deal("Globex", "globex.com", channel=GLOBEX)
    route = desk.connect(vcalendar(vevent("switch", TUE_UTC, title="Intro call")))
    desk.at(utc(2026, 11, 24, 12, 0))
    route.body = vcalendar(vevent("switch", TUE_UTC, title="Intro call",
                                  attendees=("alice@ourco.com", "hank@globex.com")))
    desk.at(utc(2026, 11, 24, 13, 0))
    desk.prompted_once_after(TUE_UTC + timedelta(minutes=30), channel=GLOBEX)
    assert debriefs(desk.emulator) == []


def test_declining_one_occurrence_of_a_series_after_planning_cancels_only_that_prompt(desk):
    desk.deal()
    series = vevent("decl", TUE, tzid=NY, lines=["RRULE:FREQ=DAILY;COUNT=2"])
    route = desk.connect(vcalendar(series))
    desk.at(utc(2026, 11, 24, 12, 0))
    route.body = vcalendar(series, vevent("decl", TUE, tzid=NY, declined=["alice@ourco.com"],
                                          lines=[when("RECURRENCE-ID", TUE, NY)]))
    desk.at(utc(2026, 11, 24, 13, 0))
    desk.never_prompted(TUE_UTC + timedelta(minutes=30))
    desk.prompted_once_after(TUE_UTC + timedelta(days=1, minutes=30))


def test_a_weekly_meeting_running_since_2019_is_asked_about_this_week(desk):
    desk.deal()
    desk.connect(vcalendar(vevent("old-series", datetime(2019, 1, 1, 10, 0), tzid=NY,
                                  lines=["RRULE:FREQ=WEEKLY;BYDAY=TU"])))
    desk.prompted_once_after(TUE_UTC + timedelta(minutes=30))


def fold(text: str) -> str:
    """Fold content lines at 75 octets, the way Google writes them (RFC 5545 3.1)."""
    out = []
    for line in text.split("\r\n"):
        while len(line) > 75:
            out.append(line[:75])
            line = " " + line[75:]
        out.append(line)
    return "\r\n".join(out)


def test_folded_lines_and_bare_newlines_are_read(desk):
    desk.deal()
    guests = ("alice@ourco.com", "jane.with.a.very.long.address.indeed@procurement.eu.acme.com")
    body = fold(vevent("folded", TUE_UTC, title="Acme Corp " + "pilot review and next steps " * 4,
                       attendees=guests))
    assert "\r\n " in body
    desk.connect(vcalendar(body).replace(b"\r\n", b"\n"))
    desk.prompted_once_after(TUE_UTC + timedelta(minutes=30))


def test_a_channel_chosen_days_after_the_meeting_is_answered_as_too_late_and_posts_nothing(desk):
    # The meeting matched Acme in two channels; its owner answers the DM two days later.
    desk.deal()
    desk.deal("Acme EU", "acme.com", channel=GLOBEX)
    desk.connect(vcalendar(vevent("choose-late", TUE_UTC)))
    desk.at(TUE_UTC + timedelta(minutes=36))
    [question] = [m for m in desk.emulator.messages() if "Which deal" in m.get("text", "")]
    chosen = next(v for v in action_values(question, "calendar_choose") if v.endswith(GLOBEX))
    desk.clock.set(TUE_UTC + timedelta(days=2))
    desk.slack.action("calendar_choose", chosen, user=ALICE, channel=question["channel"])
    desk.emulator.wait_for_count("response_url", 1)
    [answer] = [all_text(c.args) for c in desk.emulator.calls_to("response_url")]
    assert "too long ago" in answer and ":warning:" in answer
    desk.at(TUE_UTC + timedelta(days=2, minutes=5))
    assert debriefs(desk.emulator, GLOBEX) == [] and debriefs(desk.emulator) == []


def test_a_weekly_meeting_across_the_us_autumn_change_keeps_its_local_time(desk):
    # 09:00-09:30 New York on Tuesdays: 13:00 UTC on 2 November 2027 (EDT), 14:00 UTC on 9 November.
    desk.clock.set(utc(2027, 11, 1, 12, 0))
    desk.deal()
    desk.connect(vcalendar(vevent("us-fall", datetime(2027, 11, 2, 9, 0), tzid=NY,
                                  lines=["RRULE:FREQ=WEEKLY;COUNT=2"])))
    desk.prompted_once_after(utc(2027, 11, 2, 13, 30))
    desk.prompted_once_after(utc(2027, 11, 9, 14, 30))


def test_a_weekly_meeting_across_the_eu_autumn_change_keeps_its_local_time(desk):
    # 10:00-10:30 Berlin on Thursdays: 08:00 UTC on 28 October 2027 (CEST), 09:00 UTC on 4 November.
    desk.clock.set(utc(2027, 10, 25, 12, 0))
    desk.deal()
    desk.connect(vcalendar(vevent("eu-fall", datetime(2027, 10, 28, 10, 0), tzid="Europe/Berlin",
                                  lines=["RRULE:FREQ=WEEKLY;COUNT=2"])))
    desk.prompted_once_after(utc(2027, 10, 28, 8, 30))
    desk.prompted_once_after(utc(2027, 11, 4, 9, 30))


def test_a_late_meeting_spanning_the_night_the_clocks_go_back_ends_at_its_real_end(desk):
    # 00:30 EDT to 02:30 EST on 7 November 2027 is 04:30-07:30 UTC: three hours, not two.
    desk.clock.set(utc(2027, 11, 5, 12, 0))
    desk.deal()
    start = datetime(2027, 11, 7, 0, 30)
    event = vevent("fall-night", start, tzid=NY).replace(
        when("DTEND", start + timedelta(minutes=30), NY), when("DTEND", datetime(2027, 11, 7, 2, 30), NY))
    desk.connect(vcalendar(event))
    assert desk.count(utc(2027, 11, 7, 6, 36)) == 0  # two hours of wall clock is not its end
    desk.prompted_once_after(utc(2027, 11, 7, 7, 30))


def test_a_title_carrying_mentions_and_links_is_shown_as_text(desk):
    desk.deal()
    title = "Acme Corp <!channel> <@U0BOB> <http://x|y> — Präsentation 🚀"
    desk.connect(vcalendar(vevent("inject", TUE_UTC, title=title)))
    desk.prompted_once_after(TUE_UTC + timedelta(minutes=30))
    [post] = debriefs(desk.emulator)
    shown = post["blocks"][0]["text"]["text"]
    assert "<!channel>" not in shown and "<http://x|y>" not in shown and "<@U0BOB>" not in shown
    assert "&lt;!channel&gt;" in shown and "Präsentation 🚀" in shown

