"""Calendar debriefs, round 6: fresh end-to-end scenarios through the real app (signed commands,
feeds over HTTP, Zoom webhooks signed Zoom's way, the FakeClock moved and swept as `serve` does).

Each test's first comment is the expectation, written before the scenario was first run. The
clock starts Monday 23 November 2026, 15:00 UTC (10:00 in New York, Alice's zone).
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from bot.calendar_fetch import FetchPolicy
from bot.store import Scope
from tests.calendar.scenario_kit import Desk, all_day, debriefs, stamp, vcalendar, vevent, when
from tests.calendar.test_zoom_webhook import ended, send
from tests.conftest import ALICE, BOB, CAROL, DEAL
from tests.e2e.helpers import action_values, all_text, reply_text

NY = "America/New_York"
TUE = datetime(2026, 11, 24, 10, 0)  # naive: 10:00 on Tuesday 24 November, local
TUE_UTC = datetime(2026, 11, 24, 15, 0, tzinfo=UTC)  # the same moment in New York, in UTC
GLOBEX, INITECH = "C0GLOBEX6", "C0INITECH6"
SHARED, DANA, PARTNER_TEAM = "C0SHARED6", "U0DANA6", "T0PARTNER6"


def utc(*args: int) -> datetime:
    return datetime(*args, tzinfo=UTC)


@pytest.fixture
def desk(team, bot, slack, emulator, clock, feeds):
    emulator.add_channel(GLOBEX, "deal-globex", members=[ALICE])
    emulator.add_channel(INITECH, "deal-initech", members=[ALICE])
    return Desk(slack, emulator, clock, feeds, bot.runtime.services.schedule)


@pytest.fixture
def zdesk(zoom_bot, emulator, clock, feeds):
    emulator.add_channel(GLOBEX, "deal-globex", members=[ALICE])
    return Desk(zoom_bot.driver, emulator, clock, feeds, zoom_bot.runtime.services.schedule)


def minimal(uid: str, start: datetime, minutes: int = 15, title: str = "Standup",
            attendees: tuple[str, ...] = ("alice@ourco.com", "bob@ourco.com")) -> str:
    """A VEVENT with only what a calendar must write (huge feeds stay quick to build)."""
    people = "".join(f"ATTENDEE:mailto:{a}\r\n" for a in attendees)
    return (f"BEGIN:VEVENT\r\nUID:{uid}\r\nDTSTAMP:20261120T120000Z\r\nDTSTART:{stamp(start)}\r\n"
            f"DTEND:{stamp(start + timedelta(minutes=minutes))}\r\nSUMMARY:{title}\r\n{people}END:VEVENT\r\n")


def end_line(event: str, start: datetime, minutes: int, replacement: str, tzid: str | None = None) -> str:
    """``event`` with its DTEND line replaced (by nothing, a DURATION, an odd value …)."""
    line = when("DTEND", start + timedelta(minutes=minutes), tzid) + "\r\n"
    assert line in event
    return event.replace(line, replacement)


# --- recurring series ------------------------------------------------------------------------

def test_an_exdate_line_listing_two_dates_skips_both(desk):
    # Expect: daily 10:00 NY series of 4; EXDATE lists 25 and 26 Nov on one line: prompts on
    # 24 and 27 Nov only.
    desk.deal()
    desk.connect(vcalendar(vevent("ex2", TUE, tzid=NY, lines=[
        "RRULE:FREQ=DAILY;COUNT=4", f"EXDATE;TZID={NY}:20261125T100000,20261126T100000"])))
    desk.prompted_once_after(TUE_UTC + timedelta(minutes=30))
    desk.never_prompted(TUE_UTC + timedelta(days=1, minutes=30))
    desk.never_prompted(TUE_UTC + timedelta(days=2, minutes=30))
    desk.prompted_once_after(TUE_UTC + timedelta(days=3, minutes=30))


def test_an_exdate_written_in_utc_skips_the_local_occurrence_it_names(desk):
    # Expect: the series is in New York time, its EXDATE in UTC (15:00Z = 10:00 NY): 25 Nov skipped.
    desk.deal()
    desk.connect(vcalendar(vevent("exutc", TUE, tzid=NY, lines=[
        "RRULE:FREQ=DAILY;COUNT=3", "EXDATE:20261125T150000Z"])))
    desk.prompted_once_after(TUE_UTC + timedelta(minutes=30))
    desk.never_prompted(TUE_UTC + timedelta(days=1, minutes=30))
    desk.prompted_once_after(TUE_UTC + timedelta(days=2, minutes=30))


def test_an_override_written_before_its_series_in_the_file_is_still_the_one_that_counts(desk):
    # Expect: the moved 25 Nov occurrence (to 14:00 NY = 19:00Z) comes first in the file: asked
    # about at 19:30Z, not at 15:30Z.
    desk.deal()
    desk.connect(vcalendar(
        vevent("first", datetime(2026, 11, 25, 14, 0), tzid=NY, title="Acme Corp moved",
               lines=[when("RECURRENCE-ID", datetime(2026, 11, 25, 10, 0), NY)]),
        vevent("first", TUE, tzid=NY, lines=["RRULE:FREQ=DAILY;COUNT=2"])))
    desk.prompted_once_after(TUE_UTC + timedelta(minutes=30))
    desk.never_prompted(utc(2026, 11, 25, 15, 30), about="moved")
    desk.prompted_once_after(utc(2026, 11, 25, 19, 30), about="moved")


def test_an_override_that_drops_the_customer_makes_that_occurrence_internal(desk):
    # Expect: 25 Nov's occurrence lists only our people (Jane couldn't come, we met alone): no
    # prompt that day; 24 and 26 Nov prompted.
    desk.deal()
    desk.connect(vcalendar(
        vevent("solo", TUE, tzid=NY, lines=["RRULE:FREQ=DAILY;COUNT=3"]),
        vevent("solo", datetime(2026, 11, 25, 10, 0), tzid=NY, attendees=("alice@ourco.com", "bob@ourco.com"),
               lines=[when("RECURRENCE-ID", datetime(2026, 11, 25, 10, 0), NY)])))
    desk.prompted_once_after(TUE_UTC + timedelta(minutes=30))
    desk.never_prompted(TUE_UTC + timedelta(days=1, minutes=30))
    desk.prompted_once_after(TUE_UTC + timedelta(days=2, minutes=30))


def test_an_internal_series_with_one_occurrence_the_customer_joins_prompts_only_that_one(desk):
    # Expect: a daily internal sync; on 25 Nov Jane from Acme is added to that occurrence only.
    desk.deal()
    ours = ("alice@ourco.com", "bob@ourco.com")
    desk.connect(vcalendar(
        vevent("sync", TUE, tzid=NY, title="Acme Corp sync", attendees=ours,
               lines=["RRULE:FREQ=DAILY;COUNT=3"]),
        vevent("sync", datetime(2026, 11, 25, 10, 0), tzid=NY, title="Acme Corp sync", attendees=(*ours,
               "jane@acme.com"), lines=[when("RECURRENCE-ID", datetime(2026, 11, 25, 10, 0), NY)])))
    desk.never_prompted(TUE_UTC + timedelta(minutes=30))
    desk.prompted_once_after(TUE_UTC + timedelta(days=1, minutes=30))
    desk.never_prompted(TUE_UTC + timedelta(days=2, minutes=30))


def test_a_series_on_monday_wednesday_and_friday_prompts_three_times_a_week(desk):
    # Expect: BYDAY=MO,WE,FR 09:00-09:30 NY from Mon 23 Nov: Monday's ended (14:30Z) before
    # Alice connected at 15:00Z, so never asked about; Wed 25, Fri 27 and Mon 30 Nov are.
    desk.deal()
    desk.connect(vcalendar(vevent("mwf", datetime(2026, 11, 23, 9, 0), tzid=NY,
                                  lines=["RRULE:FREQ=WEEKLY;BYDAY=MO,WE,FR;COUNT=6"])))
    desk.never_prompted(utc(2026, 11, 24, 14, 30))
    desk.prompted_once_after(utc(2026, 11, 25, 14, 30))
    desk.prompted_once_after(utc(2026, 11, 27, 14, 30))
    desk.prompted_once_after(utc(2026, 11, 30, 14, 30))
    assert len(debriefs(desk.emulator)) == 3


def test_a_fortnightly_series_skips_the_week_in_between(desk):
    # Expect: INTERVAL=2 weekly from 24 Nov: 24 Nov and 8 Dec prompted, 1 Dec not.
    desk.deal()
    desk.connect(vcalendar(vevent("fortnight", TUE, tzid=NY, lines=["RRULE:FREQ=WEEKLY;INTERVAL=2;COUNT=2"])))
    desk.prompted_once_after(TUE_UTC + timedelta(minutes=30))
    desk.never_prompted(TUE_UTC + timedelta(days=7, minutes=30))
    desk.prompted_once_after(TUE_UTC + timedelta(days=14, minutes=30))


def test_a_monthly_series_on_the_last_friday_is_asked_about_on_that_friday(desk):
    # Expect: BYDAY=-1FR from October: Friday 27 Nov 2026, 11:00-11:30 NY = 16:30Z end.
    desk.deal()
    desk.connect(vcalendar(vevent("lastfri", datetime(2026, 10, 30, 11, 0), tzid=NY,
                                  lines=["RRULE:FREQ=MONTHLY;BYDAY=-1FR"])))
    desk.never_prompted(utc(2026, 11, 26, 16, 30))
    desk.prompted_once_after(utc(2026, 11, 27, 16, 30))


def test_a_series_that_ended_last_month_asks_nothing(desk):
    # Expect: UNTIL 31 Oct: nothing this week.
    desk.deal()
    desk.connect(vcalendar(vevent("over", datetime(2026, 9, 1, 10, 0), tzid=NY,
                                  lines=["RRULE:FREQ=DAILY;UNTIL=20261031T140000Z"])))
    desk.never_prompted(TUE_UTC + timedelta(minutes=30))


def test_this_and_future_moves_every_later_occurrence(desk):
    # Expect: RANGE=THISANDFUTURE on 25 Nov moves that day and the ones after to 13:00 NY
    # (18:00Z start, 18:30Z end); 24 Nov stays at 10:00.
    desk.deal()
    desk.connect(vcalendar(
        vevent("future", TUE, tzid=NY, lines=["RRULE:FREQ=DAILY;COUNT=3"]),
        vevent("future", datetime(2026, 11, 25, 13, 0), tzid=NY,
               lines=[f"RECURRENCE-ID;RANGE=THISANDFUTURE;TZID={NY}:20261125T100000"])))
    desk.prompted_once_after(TUE_UTC + timedelta(minutes=30))
    desk.never_prompted(utc(2026, 11, 25, 15, 30))
    desk.prompted_once_after(utc(2026, 11, 25, 18, 30))
    desk.prompted_once_after(utc(2026, 11, 26, 18, 30))


# --- all-day events --------------------------------------------------------------------------

def test_a_three_day_all_day_onsite_asks_nothing(desk):
    # Expect: DTSTART;VALUE=DATE 24 Nov, DTEND 27 Nov: no prompt on any of those days.
    desk.deal()
    event = all_day("onsite3", "20261124").replace("SUMMARY:", "DTEND;VALUE=DATE:20261127\r\nSUMMARY:")
    desk.connect(vcalendar(event))
    for day in range(4):
        desk.never_prompted(utc(2026, 11, 24 + day, 23, 0))


def test_a_weekly_all_day_series_asks_nothing(desk):
    # Expect: an all-day "Acme Corp office day" every Tuesday: never a prompt.
    desk.deal()
    event = all_day("allday-series", "20261124").replace("SUMMARY:", "RRULE:FREQ=WEEKLY;COUNT=3\r\nSUMMARY:")
    desk.connect(vcalendar(event))
    desk.never_prompted(utc(2026, 11, 25, 5, 0))
    desk.never_prompted(utc(2026, 12, 2, 5, 0))


def test_an_all_day_event_beside_a_timed_meeting_the_same_day_leaves_the_meeting_its_prompt(desk):
    # Expect: the onsite all day and the 10:00 review that day: one prompt, for the review.
    desk.deal()
    desk.connect(vcalendar(all_day("onsite", "20261124"), vevent("review", TUE, tzid=NY)))
    desk.prompted_once_after(TUE_UTC + timedelta(minutes=30), about="pilot review")
    desk.never_prompted(utc(2026, 11, 25, 5, 0))


# --- time zones and clock changes ------------------------------------------------------------

EASTERN_VTIMEZONE = "\r\n".join([
    "BEGIN:VTIMEZONE", "TZID:Custom Eastern", "BEGIN:STANDARD", "DTSTART:19701101T020000",
    "RRULE:FREQ=YEARLY;BYMONTH=11;BYDAY=1SU", "TZOFFSETFROM:-0400", "TZOFFSETTO:-0500", "END:STANDARD",
    "BEGIN:DAYLIGHT", "DTSTART:19700308T020000", "RRULE:FREQ=YEARLY;BYMONTH=3;BYDAY=2SU",
    "TZOFFSETFROM:-0500", "TZOFFSETTO:-0400", "END:DAYLIGHT", "END:VTIMEZONE"]) + "\r\n"


def test_a_custom_vtimezone_is_read_from_its_definition(desk):
    # Expect: TZID "Custom Eastern" is defined only by its VTIMEZONE (-05:00 in November):
    # 10:00-10:30 there ends at 15:30Z.
    desk.deal()
    desk.connect(vcalendar(EASTERN_VTIMEZONE + vevent("custom", TUE, tzid="Custom Eastern")))
    desk.prompted_once_after(TUE_UTC + timedelta(minutes=30))


def test_a_half_hour_zone_is_read_to_the_minute(desk):
    # Expect: 16:00-16:30 in Kolkata (+05:30) ends at 11:00Z.
    desk.deal()
    desk.connect(vcalendar(vevent("kolkata", datetime(2026, 11, 24, 16, 0), tzid="Asia/Kolkata")))
    desk.prompted_once_after(utc(2026, 11, 24, 11, 0))


def test_a_weekly_sydney_meeting_across_the_southern_autumn_change(desk):
    # Expect: 09:00-09:30 Sydney on Mondays: 29 Mar 2027 is AEDT (+11, ends 22:30Z the 28th),
    # 5 Apr 2027 is AEST (+10, ends 23:30Z the 4th).
    desk.clock.set(utc(2027, 3, 27, 0, 0))
    desk.deal()
    desk.connect(vcalendar(vevent("sydney", datetime(2027, 3, 29, 9, 0), tzid="Australia/Sydney",
                                  lines=["RRULE:FREQ=WEEKLY;COUNT=2"])))
    desk.prompted_once_after(utc(2027, 3, 28, 22, 30))
    desk.prompted_once_after(utc(2027, 4, 4, 23, 30))


def test_floating_times_in_carols_calendar_are_tokyo_times(desk):
    # Expect: Carol is in Tokyo: a floating 10:00-10:30 on 25 Nov is 01:00-01:30Z.
    desk.emulator.add_channel(DEAL, "deal-acme", members=[ALICE, CAROL])
    desk.deal()
    desk.connect(vcalendar(vevent("tokyo", datetime(2026, 11, 25, 10, 0),
                                  attendees=("carol@ourco.com", "jane@acme.com")), owner="carol@ourco.com"),
                 user=CAROL)
    desk.prompted_once_after(utc(2026, 11, 25, 1, 30))


def test_a_meeting_in_the_spring_forward_gap_is_asked_about_once(desk):
    # Expect: 02:30 on 14 March 2027 doesn't exist in New York; 02:30-03:30 is read as ending
    # at 03:30 EDT = 07:30Z, and asked about once.
    desk.clock.set(utc(2027, 3, 12, 12, 0))
    desk.deal()
    desk.connect(vcalendar(vevent("gap", datetime(2027, 3, 14, 2, 30), minutes=60, tzid=NY)))
    desk.prompted_once_after(utc(2027, 3, 14, 7, 30))


def test_a_start_in_utc_and_an_end_in_a_named_zone_are_both_honoured(desk):
    # Expect: DTSTART 15:00Z, DTEND 11:15 New York (16:15Z): prompt after 16:15Z, not at 15:30Z.
    desk.deal()
    event = end_line(vevent("mixed", TUE_UTC), TUE_UTC, 30, f"DTEND;TZID={NY}:20261124T111500\r\n")
    desk.connect(vcalendar(event))
    assert desk.count(TUE_UTC + timedelta(minutes=36)) == 0
    desk.prompted_once_after(utc(2026, 11, 24, 16, 15))


def test_an_unknown_zone_on_one_event_loses_only_that_event(desk):
    # Expect: one event has TZID "Mars/Olympus" (no VTIMEZONE, not a real zone): it is read in
    # Alice's zone like a floating time (10:00 New York, ends 15:30Z); the feed's other meeting
    # is asked about too, and the status shows no error.
    desk.deal()
    desk.connect(vcalendar(vevent("mars", TUE, tzid="Mars/Olympus", title="Acme Corp on Mars"),
                           vevent("earth", TUE_UTC + timedelta(hours=2))))
    desk.prompted_once_after(TUE_UTC + timedelta(minutes=30), about="on Mars")
    desk.prompted_once_after(TUE_UTC + timedelta(hours=2, minutes=30), about="pilot review")
    status = reply_text(desk.slack.command("calendar", user=ALICE, channel=DEAL))
    assert "couldn't" not in status.lower() and "error" not in status.lower(), status


# --- cancelled, rescheduled, declined --------------------------------------------------------

def test_a_meeting_cancelled_then_reinstated_is_asked_about_once(desk):
    # Expect: cancelled at 12:00, back on at 13:00: one prompt after 15:30Z.
    desk.deal()
    route = desk.connect(vcalendar(vevent("back-on", TUE_UTC)))
    route.body = vcalendar(vevent("back-on", TUE_UTC, status="CANCELLED"))
    desk.at(utc(2026, 11, 24, 12, 0))
    route.body = vcalendar(vevent("back-on", TUE_UTC))
    desk.at(utc(2026, 11, 24, 13, 0))
    desk.prompted_once_after(TUE_UTC + timedelta(minutes=30))


def test_a_meeting_rescheduled_to_next_week_is_asked_about_next_week_only(desk):
    # Expect: same UID moved from 24 Nov to 1 Dec: nothing on the 24th, one on 1 Dec.
    desk.deal()
    route = desk.connect(vcalendar(vevent("next-week", TUE_UTC)))
    route.body = vcalendar(vevent("next-week", TUE_UTC + timedelta(days=7)))
    desk.at(utc(2026, 11, 24, 12, 0))
    desk.never_prompted(TUE_UTC + timedelta(minutes=30))
    desk.prompted_once_after(TUE_UTC + timedelta(days=7, minutes=30))


def test_a_meeting_moved_to_an_earlier_slot_the_feed_shows_only_after_it_ended_is_asked_about(desk):
    # Expect: planned for 18:00Z; moved to 15:00Z, which the feed shows at 16:00Z (after the
    # new end): asked about once then, saying it ended; nothing at 18:30Z.
    desk.deal()
    route = desk.connect(vcalendar(vevent("pulled-in", utc(2026, 11, 24, 18, 0))))
    desk.at(utc(2026, 11, 24, 12, 0))
    route.body = vcalendar(vevent("pulled-in", TUE_UTC))
    assert desk.count(utc(2026, 11, 24, 16, 0)) == 1
    assert desk.count(utc(2026, 11, 24, 19, 0)) == 1


def test_a_meeting_rescheduled_twice_in_an_hour_is_asked_about_once_at_its_final_time(desk):
    desk.deal()
    route = desk.connect(vcalendar(vevent("twice", TUE_UTC)))
    route.body = vcalendar(vevent("twice", TUE_UTC + timedelta(hours=1)))
    desk.at(utc(2026, 11, 24, 12, 0))
    route.body = vcalendar(vevent("twice", TUE_UTC + timedelta(hours=3)))
    desk.at(utc(2026, 11, 24, 12, 30))
    desk.never_prompted(TUE_UTC + timedelta(hours=1, minutes=30))
    desk.prompted_once_after(TUE_UTC + timedelta(hours=3, minutes=30))


def test_two_versions_of_one_meeting_in_a_feed_are_read_by_their_sequence(desk):
    # Expect: the feed carries the old version (SEQUENCE:0, 15:00Z) after the new one
    # (SEQUENCE:2, 17:00Z) with the same UID: the new time counts, one prompt after 17:30Z.
    desk.deal()
    new = vevent("versions", TUE_UTC + timedelta(hours=2), lines=["SEQUENCE:2"])
    old = vevent("versions", TUE_UTC, lines=["SEQUENCE:0"])
    desk.connect(vcalendar(new, old))
    desk.never_prompted(TUE_UTC + timedelta(minutes=30))
    desk.prompted_once_after(TUE_UTC + timedelta(hours=2, minutes=30))


def test_a_tentative_meeting_is_still_asked_about(desk):
    # Expect: Alice answered "maybe" (PARTSTAT=TENTATIVE): she may well have gone: prompted.
    desk.deal()
    event = vevent("maybe", TUE_UTC).replace("CN=alice@ourco.com;PARTSTAT=ACCEPTED",
                                             "CN=alice@ourco.com;PARTSTAT=TENTATIVE")
    assert "TENTATIVE" in event
    desk.connect(vcalendar(event))
    desk.prompted_once_after(TUE_UTC + timedelta(minutes=30))


def test_a_decline_written_with_a_capitalised_address_counts(desk):
    # Expect: ATTENDEE mailto:Alice@OurCo.com with PARTSTAT=DECLINED is Alice declining: nothing.
    desk.deal()
    event = vevent("caps", TUE_UTC, declined=["alice@ourco.com"]).replace(
        "mailto:alice@ourco.com", "mailto:Alice@OurCo.COM")
    desk.connect(vcalendar(event))
    desk.never_prompted(TUE_UTC + timedelta(minutes=30))


def test_a_one_off_meeting_declined_after_planning_cancels_its_prompt(desk):
    desk.deal()
    route = desk.connect(vcalendar(vevent("nope", TUE_UTC)))
    route.body = vcalendar(vevent("nope", TUE_UTC, declined=["alice@ourco.com"]))
    desk.at(utc(2026, 11, 24, 14, 0))
    desk.never_prompted(TUE_UTC + timedelta(minutes=30))


# --- who was there ---------------------------------------------------------------------------

def test_guests_only_from_public_mail_providers_and_a_title_naming_no_deal_ask_nothing(desk):
    desk.deal()
    desk.connect(vcalendar(vevent("gmail", TUE_UTC, title="Intro call",
                                  attendees=("alice@ourco.com", "someone@gmail.com"))))
    desk.never_prompted(TUE_UTC + timedelta(minutes=30))


def test_guests_from_two_deals_in_two_channels_ask_the_owner_and_post_where_chosen(desk):
    # Expect: Jane (acme.com) and Hank (globex.com) in one meeting: no channel post; a DM with
    # a button per channel; choosing Globex posts there once, Acme's channel gets nothing.
    desk.deal()
    desk.deal("Globex", "globex.com", channel=GLOBEX)
    desk.connect(vcalendar(vevent("both", TUE_UTC, title="Joint integration call",
                                  attendees=("alice@ourco.com", "jane@acme.com", "hank@globex.com"))))
    desk.at(TUE_UTC + timedelta(minutes=36))
    assert debriefs(desk.emulator) == [] and debriefs(desk.emulator, GLOBEX) == []
    [question] = [m for m in desk.emulator.messages() if "Which deal" in m.get("text", "")]
    chosen = next(v for v in action_values(question, "calendar_choose") if v.endswith(GLOBEX))
    desk.slack.action("calendar_choose", chosen, user=ALICE, channel=question["channel"])
    desk.emulator.wait_for_count("response_url", 1)
    desk.at(TUE_UTC + timedelta(minutes=40))
    desk.at(TUE_UTC + timedelta(hours=2))
    assert len(debriefs(desk.emulator, GLOBEX)) == 1 and debriefs(desk.emulator) == []


def test_guests_from_two_deals_worked_in_one_channel_get_one_prompt_there(desk):
    desk.deal()
    desk.deal("Globex", "globex.com")
    desk.connect(vcalendar(vevent("one-room", TUE_UTC, title="Joint call",
                                  attendees=("alice@ourco.com", "jane@acme.com", "hank@globex.com"))))
    desk.prompted_once_after(TUE_UTC + timedelta(minutes=30))


def test_guests_from_two_deals_go_to_the_only_one_whose_channel_the_owner_is_in(desk):
    desk.emulator.add_channel(INITECH, "deal-initech", members=[BOB])
    desk.deal()
    desk.deal("Initech", "initech.com", channel=INITECH, user=BOB)
    desk.connect(vcalendar(vevent("mine", TUE_UTC, title="Joint call",
                                  attendees=("alice@ourco.com", "jane@acme.com", "bill@initech.com"))))
    desk.prompted_once_after(TUE_UTC + timedelta(minutes=30))
    assert debriefs(desk.emulator, INITECH) == []


def test_an_attendee_address_in_capitals_matches_the_deal(desk):
    desk.deal()
    desk.connect(vcalendar(vevent("upper", TUE_UTC, title="Pricing",
                                  attendees=("alice@ourco.com", "JANE@ACME.COM"))))
    desk.prompted_once_after(TUE_UTC + timedelta(minutes=30))


def test_a_customer_listed_after_three_hundred_colleagues_still_matches(desk):
    # Expect: a town hall listing 300 of our people then Jane from Acme: it matches Acme.
    desk.deal()
    people = tuple(f"person{i}@ourco.com" for i in range(300)) + ("jane@acme.com",)
    desk.connect(vcalendar(vevent("townhall", TUE_UTC, title="Customer town hall", attendees=people)))
    desk.prompted_once_after(TUE_UTC + timedelta(minutes=30))


# --- length ----------------------------------------------------------------------------------

def test_an_eight_hour_workshop_is_asked_about_once_after_it_ends(desk):
    desk.deal()
    desk.connect(vcalendar(vevent("workshop", TUE_UTC, minutes=8 * 60)))
    desk.never_prompted(TUE_UTC + timedelta(hours=4))
    desk.prompted_once_after(TUE_UTC + timedelta(hours=8))


def test_a_three_day_timed_offsite_is_asked_about_once_at_its_end(desk):
    desk.deal()
    desk.connect(vcalendar(vevent("offsite", TUE_UTC, minutes=3 * 24 * 60)))
    desk.never_prompted(TUE_UTC + timedelta(days=1, minutes=30))
    desk.prompted_once_after(TUE_UTC + timedelta(days=3))


def test_a_zero_length_event_is_a_marker_not_a_meeting(desk):
    # Expect: DTSTART == DTEND ("Acme Corp contract deadline"): nothing to debrief.
    desk.deal()
    desk.connect(vcalendar(vevent("marker", TUE_UTC, minutes=0, title="Acme Corp contract deadline")))
    desk.never_prompted(TUE_UTC)


def test_a_meeting_spanning_midnight_utc_in_tokyo_time_is_asked_about_the_next_day(desk):
    # Expect: 08:30-09:30 Tokyo on 25 Nov is 23:30Z on the 24th to 00:30Z on the 25th.
    desk.deal()
    desk.connect(vcalendar(vevent("midnight-utc", datetime(2026, 11, 25, 8, 30), minutes=60,
                                  tzid="Asia/Tokyo")))
    desk.prompted_once_after(utc(2026, 11, 25, 0, 30))


# --- huge and malformed feeds ----------------------------------------------------------------

def test_a_feed_of_five_thousand_meetings_still_asks_about_the_customer_meeting_listed_last(desk):
    # Expect: 5,000 internal meetings in the next 14 days, then the Acme review: asked about.
    desk.deal()
    start = utc(2026, 11, 23, 16, 0)
    noise = [minimal(f"n{i}", start + timedelta(minutes=4 * i), attendees=()) for i in range(5000)]
    desk.connect(vcalendar(*noise, vevent("needle", TUE_UTC)))
    desk.prompted_once_after(TUE_UTC + timedelta(minutes=30))


def test_a_garbage_line_in_the_middle_of_a_feed_loses_nothing_else(desk):
    desk.deal()
    body = vcalendar(vevent("before", TUE_UTC), vevent("after", TUE_UTC + timedelta(hours=2)))
    body = body.replace(b"BEGIN:VEVENT\r\nUID:after",
                        b"THIS IS NOT A PROPERTY\r\n;;;\r\nBEGIN:VEVENT\r\nUID:after")
    desk.connect(body)
    desk.prompted_once_after(TUE_UTC + timedelta(minutes=30))
    desk.prompted_once_after(TUE_UTC + timedelta(hours=2, minutes=30))


def test_a_meeting_without_an_end_or_duration_ends_at_its_start_and_is_not_asked_about(desk):
    # Expect (RFC 5545 3.6.1: no DTEND and no DURATION ends at the start): a marker, nothing.
    desk.deal()
    desk.connect(vcalendar(end_line(vevent("no-end", TUE_UTC), TUE_UTC, 30, "")))
    desk.never_prompted(TUE_UTC)


def test_a_series_given_by_duration_only_ends_each_occurrence_after_that_duration(desk):
    # Expect: DURATION:PT1H, no DTEND, daily: ends at 16:00Z each day.
    desk.deal()
    event = end_line(vevent("dur-series", TUE_UTC, lines=["RRULE:FREQ=DAILY;COUNT=2"]), TUE_UTC, 30,
                     "DURATION:PT1H\r\n")
    desk.connect(vcalendar(event))
    assert desk.count(TUE_UTC + timedelta(minutes=36)) == 0
    desk.prompted_once_after(TUE_UTC + timedelta(hours=1))
    desk.prompted_once_after(TUE_UTC + timedelta(days=1, hours=1))


def test_an_end_before_the_start_is_not_a_meeting_and_the_rest_is_read(desk):
    desk.deal()
    backwards = end_line(vevent("backwards", TUE_UTC), TUE_UTC, 30,
                         f"DTEND:{stamp(TUE_UTC - timedelta(hours=1))}\r\n")
    desk.connect(vcalendar(backwards, vevent("fine", TUE_UTC + timedelta(hours=2))))
    desk.never_prompted(TUE_UTC + timedelta(minutes=30))
    desk.prompted_once_after(TUE_UTC + timedelta(hours=2, minutes=30))


def test_an_unreadable_start_loses_only_that_event(desk):
    desk.deal()
    broken = vevent("broken", TUE_UTC).replace(f"DTSTART:{stamp(TUE_UTC)}", "DTSTART:tomorrow-ish")
    desk.connect(vcalendar(broken, vevent("fine2", TUE_UTC + timedelta(hours=2))))
    desk.prompted_once_after(TUE_UTC + timedelta(hours=2, minutes=30))


def test_a_feed_that_starts_timing_out_keeps_its_planned_prompt(desk, bot):
    # Expect: after planning, the server stalls past the deadline: the status says so, and the
    # planned prompt still comes once.
    bot.runtime.services.calendar.policy = FetchPolicy(allow_http=True, allow_address=lambda a: True,
                                                       timeout=0.3)
    desk.deal()
    route = desk.connect(vcalendar(vevent("stall", TUE_UTC)))
    route.stall_seconds = 1.0
    desk.at(utc(2026, 11, 24, 14, 0))
    assert "too long" in reply_text(desk.slack.command("calendar", user=ALICE, channel=DEAL))
    route.stall_seconds = 0.0
    desk.prompted_once_after(TUE_UTC + timedelta(minutes=30))


def test_a_feed_that_turns_into_an_html_page_keeps_its_planned_prompt(desk):
    desk.deal()
    route = desk.connect(vcalendar(vevent("html", TUE_UTC)))
    route.body, route.content_type = b"<html><body>Maintenance</body></html>", "text/html"
    desk.at(utc(2026, 11, 24, 14, 0))
    assert "web page" in reply_text(desk.slack.command("calendar", user=ALICE, channel=DEAL)).lower()
    desk.prompted_once_after(TUE_UTC + timedelta(minutes=30))


def test_an_empty_answer_keeps_the_planned_prompt(desk):
    desk.deal()
    route = desk.connect(vcalendar(vevent("empty", TUE_UTC)))
    route.body = b""
    desk.at(utc(2026, 11, 24, 14, 0))
    desk.prompted_once_after(TUE_UTC + timedelta(minutes=30))


# --- Zoom ------------------------------------------------------------------------------------

def test_zoom_events_arriving_out_of_order_each_get_one_prompt(zoom_bot, zdesk):
    # Expect: the 16:00 call's event arrives before the 15:30 one's: both asked about, once each.
    zdesk.deal()
    zdesk.clock.set(utc(2026, 11, 24, 16, 1))
    assert send(zoom_bot, ended(topic="Acme Corp pricing", uuid="late==", end_time="2026-11-24T16:00:00Z")).ok
    assert send(zoom_bot, ended(topic="Acme Corp legal", uuid="early==", end_time="2026-11-24T15:30:00Z")).ok
    zdesk.at(utc(2026, 11, 24, 16, 10))
    zdesk.at(utc(2026, 11, 24, 17, 0))
    assert len(debriefs(zdesk.emulator, about="pricing")) == 1
    assert len(debriefs(zdesk.emulator, about="legal")) == 1


def test_zoom_retrying_one_event_three_times_after_it_was_posted_adds_nothing(zoom_bot, zdesk):
    zdesk.deal()
    zdesk.clock.set(utc(2026, 11, 24, 15, 31))
    event = ended(topic="Acme Corp pricing", uuid="retry==", end_time="2026-11-24T15:30:00Z")
    assert send(zoom_bot, event).ok
    zdesk.at(utc(2026, 11, 24, 15, 40))
    for _ in range(3):
        assert send(zoom_bot, event).status_code == 200
    zdesk.at(utc(2026, 11, 24, 16, 30))
    assert len(debriefs(zdesk.emulator)) == 1


def test_zoom_resending_a_call_with_a_corrected_end_moves_its_one_prompt(zoom_bot, zdesk):
    # Expect: first end_time 15:30, then at 15:34 (same uuid) 15:33: one prompt, after 15:38.
    # (Round 8: a "corrected" end still ahead of the clock is an event contradicting itself and
    # is ignored, so the correction comes after the end it names, as Zoom's would.)
    zdesk.deal()
    zdesk.clock.set(utc(2026, 11, 24, 15, 31))
    assert send(zoom_bot, ended(topic="Acme Corp pricing", uuid="fix==", end_time="2026-11-24T15:30:00Z")).ok
    zdesk.clock.set(utc(2026, 11, 24, 15, 34))
    assert send(zoom_bot, ended(topic="Acme Corp pricing", uuid="fix==", end_time="2026-11-24T15:33:00Z")).ok
    zdesk.at(utc(2026, 11, 24, 15, 36))
    assert debriefs(zdesk.emulator) == []
    zdesk.at(utc(2026, 11, 24, 15, 39))
    zdesk.at(utc(2026, 11, 24, 17, 0))
    assert len(debriefs(zdesk.emulator)) == 1


def test_other_zoom_events_are_acknowledged_and_ask_nothing(zoom_bot, zdesk):
    zdesk.deal()
    started = ended(topic="Acme Corp pricing", uuid="start==")
    started["event"] = "meeting.started"
    assert send(zoom_bot, started).status_code == 200
    zdesk.at(zdesk.clock.now() + timedelta(hours=1))
    assert debriefs(zdesk.emulator) == []


def prompt_attempts(emulator, channel):
    """Every chat.postMessage of a debrief prompt to ``channel``, refused or not."""
    return [c for c in emulator.calls_to("chat.postMessage")
            if c.args.get("channel") == channel and "Debrief" in all_text(c.args)]


# --- the channel changes ---------------------------------------------------------------------

def test_a_channel_archived_before_the_meeting_ends_gets_nothing_and_other_channels_go_on(desk):
    # Expect: Acme's channel archived at 14:00: nothing posted there, no repeated attempts;
    # Globex's meeting the same afternoon is asked about.
    desk.deal()
    desk.deal("Globex", "globex.com", channel=GLOBEX)
    desk.connect(vcalendar(vevent("archived", TUE_UTC), vevent(
        "globex-call", TUE_UTC + timedelta(hours=1), title="Globex sync",
        attendees=("alice@ourco.com", "h@globex.com"))))
    desk.emulator.add_channel(DEAL, "deal-acme", members=[ALICE], is_archived=True)
    desk.at(utc(2026, 11, 24, 14, 0))
    assert desk.count(TUE_UTC + timedelta(minutes=36)) == 0
    desk.prompted_once_after(TUE_UTC + timedelta(hours=1, minutes=30), channel=GLOBEX)
    assert desk.count(TUE_UTC + timedelta(hours=4)) == 0
    assert len(prompt_attempts(desk.emulator, DEAL)) <= 1


def test_a_channel_the_bot_was_removed_from_is_tried_at_most_once(desk):
    desk.deal()
    desk.connect(vcalendar(vevent("kicked", TUE_UTC)))
    desk.emulator.add_channel(DEAL, "deal-acme", members=[ALICE], is_member=False)
    for minutes in (36, 50, 90, 180):
        desk.at(TUE_UTC + timedelta(minutes=minutes))
    assert len(prompt_attempts(desk.emulator, DEAL)) <= 1 and debriefs(desk.emulator) == []


def test_a_deal_whose_domain_changes_follows_the_new_domain(desk):
    # Expect: acme.com → acme.io at 12:00: the acme.com meeting is no longer Acme's (no prompt),
    # the acme.io one is.
    desk.deal()
    desk.connect(vcalendar(
        vevent("old-domain", TUE_UTC, title="Intro"),
        vevent("new-domain", TUE_UTC + timedelta(hours=2), title="Follow-up",
               attendees=("alice@ourco.com", "jane@acme.io"))))
    desk.at(utc(2026, 11, 24, 12, 0))
    desk.slack.command("deal Acme Corp domain acme.io", user=ALICE, channel=DEAL)
    desk.never_prompted(TUE_UTC + timedelta(minutes=30))
    desk.prompted_once_after(TUE_UTC + timedelta(hours=2, minutes=30))


def test_a_channel_shared_with_the_partner_moments_before_the_prompt_gets_the_partner_safe_wording(desk):
    # Expect: the bot looked at #deal-acme (not shared) when the deal was set up; seconds before
    # the prompt, Acme's workspace joins it (Slack Connect): the prompt leaves our coaching out.
    desk.deal()
    desk.connect(vcalendar(vevent("just-shared", TUE_UTC)))
    desk.slack.command("list", user=ALICE, channel=DEAL)  # the bot asks Slack: not shared
    desk.emulator.add_user(DANA, name="dana", real_name="Dana Lee", team_id=PARTNER_TEAM,
                           email="dana@acme.com")
    desk.emulator.add_channel(DEAL, "deal-acme", members=[ALICE, DANA], is_ext_shared=True)
    desk.at(TUE_UTC + timedelta(minutes=36))
    [post] = debriefs(desk.emulator)
    text = all_text(post)
    assert "in their words" not in text and "in it for them" not in text, text
    assert "next step" in text.lower()


def test_just_got_off_the_call_in_a_channel_shared_moments_ago_gets_the_partner_safe_prompt(desk):
    # Expect: the bot last looked at #deal-acme when it wasn't shared; Acme's workspace joins,
    # and seconds later Alice writes "just got off the call": the prompt leaves our coaching out.
    desk.deal()
    desk.slack.command("list", user=ALICE, channel=DEAL)
    desk.emulator.add_user(DANA, name="dana", real_name="Dana Lee", team_id=PARTNER_TEAM)
    desk.emulator.add_channel(DEAL, "deal-acme", members=[ALICE, DANA], is_ext_shared=True)
    desk.slack.message("just got off the call with Acme", user=ALICE, channel=DEAL, ts="1764000000.000200")
    desk.emulator.wait_for(lambda calls: any(c.method == "chat.postMessage" and "Debrief" in all_text(c.args)
                                             for c in calls))
    [post] = debriefs(desk.emulator)
    assert "in their words" not in all_text(post) and "next step" in all_text(post).lower()


def test_the_channel_shared_event_makes_the_very_next_post_leave_private_items_out(desk):
    # Expect: a digest in #deal-acme lists the private budget item; Acme's workspace joins the
    # channel and Slack sends channel_shared; the next digest, seconds later, leaves it out.
    desk.slack.command("get budget ceiling is 40k (private)", user=ALICE, channel=DEAL)
    desk.slack.command("digest now", user=ALICE, channel=DEAL)
    [first] = desk.emulator.wait_for_count("chat.postMessage", 1)
    assert "budget ceiling" in all_text(first.args)
    desk.emulator.add_user(DANA, name="dana", real_name="Dana Lee", team_id=PARTNER_TEAM)
    desk.emulator.add_channel(DEAL, "deal-acme", members=[ALICE, DANA], is_ext_shared=True)
    answer = desk.slack.event({"type": "channel_shared", "connected_team_id": PARTNER_TEAM, "channel": DEAL,
                               "event_ts": "1700000000.000100"})
    assert answer.status_code == 200
    desk.slack.command("digest now", user=ALICE, channel=DEAL)
    second = desk.emulator.wait_for_count("chat.postMessage", 2)[1]
    assert "budget ceiling" not in all_text(second.args) and "Weekly digest" in all_text(second.args)


# --- debriefed early, back to back -----------------------------------------------------------

def submit_debrief(desk, post, give="send the SOC2 report"):
    desk.slack.action("debrief_open", action_values(post, "debrief_open")[0], user=ALICE, channel=DEAL)
    desk.emulator.wait_for("views.open")
    values = {"give_1": {"value": {"type": "plain_text_input", "value": give}}}
    assert desk.slack.view_submission("debrief", values, user=ALICE).status_code == 200
    desk.emulator.wait_for("chat.postEphemeral")


def test_a_meeting_debriefed_before_it_ends_is_not_asked_about_again(desk):
    # Expect: 15:00-16:00 with Acme Corp; Alice leaves at 15:20, says "just got off the call
    # with Acme" (a prompt about "Acme") and logs the debrief: at 16:05 no second prompt.
    desk.deal()
    desk.connect(vcalendar(vevent("early", TUE_UTC, minutes=60)))
    desk.at(TUE_UTC + timedelta(minutes=20))
    desk.slack.message("just got off the call with Acme", user=ALICE, channel=DEAL,
                       ts="1764000000.000100")
    desk.emulator.wait_for(lambda calls: any(c.method == "chat.postMessage" and "Debrief" in all_text(c.args)
                                             for c in calls))
    [post] = debriefs(desk.emulator)
    submit_debrief(desk, post)
    assert desk.count(TUE_UTC + timedelta(minutes=66)) == 1
    assert desk.count(TUE_UTC + timedelta(hours=2)) == 1


def test_two_meetings_back_to_back_get_one_prompt_each_at_their_own_end(desk):
    # Expect: 15:00-15:30 and 15:30-16:00 with Acme: one prompt at 15:35, one at 16:05; the
    # first's debrief logged during the second doesn't swallow the second's prompt.
    desk.deal()
    desk.connect(vcalendar(vevent("b2b-1", TUE_UTC, title="Acme Corp demo"),
                           vevent("b2b-2", TUE_UTC + timedelta(minutes=30), title="Acme Corp pricing")))
    assert desk.count(TUE_UTC + timedelta(minutes=33)) == 0
    assert desk.count(TUE_UTC + timedelta(minutes=36), about="demo") == 1
    [first] = debriefs(desk.emulator, about="demo")
    desk.clock.set(TUE_UTC + timedelta(minutes=40))
    submit_debrief(desk, first)
    assert desk.count(TUE_UTC + timedelta(minutes=63)) == 1
    desk.prompted_once_after(TUE_UTC + timedelta(minutes=60), about="pricing")
    assert len(debriefs(desk.emulator)) == 2


def test_three_back_to_back_meetings_in_three_channels_post_one_prompt_in_each(desk):
    desk.deal()
    desk.deal("Globex", "globex.com", channel=GLOBEX)
    desk.deal("Initech", "initech.com", channel=INITECH)
    desk.connect(vcalendar(
        vevent("r1", TUE_UTC, title="Acme call"),
        vevent("r2", TUE_UTC + timedelta(minutes=30), title="Globex call",
               attendees=("alice@ourco.com", "h@globex.com")),
        vevent("r3", TUE_UTC + timedelta(minutes=60), title="Initech call",
               attendees=("alice@ourco.com", "b@initech.com"))))
    desk.at(TUE_UTC + timedelta(hours=3))
    assert [len(debriefs(desk.emulator, c)) for c in (DEAL, GLOBEX, INITECH)] == [1, 1, 1]


def test_the_same_meeting_copied_under_two_uids_is_asked_about_once(desk):
    # Expect: a sync tool duplicated the meeting (same title, time and guests, a second UID):
    # one prompt, not two.
    desk.deal()
    desk.connect(vcalendar(vevent("copy-a", TUE_UTC), vevent("copy-b@sync", TUE_UTC)))
    desk.prompted_once_after(TUE_UTC + timedelta(minutes=30))


def test_a_customer_meeting_on_a_saturday_evening_is_asked_about_like_any_other(desk):
    # Expect: no quiet hours in the product: 18:00-19:00 New York on Saturday 28 November ends
    # at 00:00Z on the 29th and is asked about at 00:05Z.
    desk.deal()
    desk.connect(vcalendar(vevent("saturday", datetime(2026, 11, 28, 18, 0), minutes=60, tzid=NY)))
    desk.prompted_once_after(utc(2026, 11, 29, 0, 0))


def test_a_prompt_planned_for_a_channel_that_is_then_archived_and_restored_still_comes(desk):
    # Expect: archived at 12:00 and unarchived at 14:00: the prompt still comes once.
    desk.deal()
    desk.connect(vcalendar(vevent("restored", TUE_UTC)))
    desk.emulator.add_channel(DEAL, "deal-acme", members=[ALICE], is_archived=True)
    desk.at(utc(2026, 11, 24, 12, 0))
    desk.emulator.add_channel(DEAL, "deal-acme", members=[ALICE])
    desk.at(utc(2026, 11, 24, 14, 0))
    desk.prompted_once_after(TUE_UTC + timedelta(minutes=30))


def test_the_debrief_logged_from_a_calendar_prompt_lands_on_the_deal(desk, bot):
    desk.deal()
    desk.connect(vcalendar(vevent("logged", TUE_UTC)))
    desk.at(TUE_UTC + timedelta(minutes=36))
    [post] = debriefs(desk.emulator)
    submit_debrief(desk, post, give="pilot workspace for 30 days")
    items = bot.runtime.services.ledger.items(Scope("T0001", DEAL))
    assert [(i.what, i.deal) for i in items] == [("pilot workspace for 30 days", "Acme Corp")]


def test_an_owner_who_left_the_deal_channel_before_the_meeting_ended_gets_no_prompt_there(desk):
    # Expect: Alice leaves #deal-acme before 12:00 (Slack sends member_left_channel): the
    # meeting's prompt is cancelled at the next planning, nothing is posted there.
    desk.deal()
    desk.connect(vcalendar(vevent("left", TUE_UTC)))
    desk.emulator.add_channel(DEAL, "deal-acme", members=[BOB])
    left = {"type": "member_left_channel", "user": ALICE, "channel": DEAL, "channel_type": "C"}
    assert desk.slack.event(left).status_code == 200
    desk.at(utc(2026, 11, 24, 12, 0))
    desk.never_prompted(TUE_UTC + timedelta(minutes=30))


def test_disconnecting_and_reconnecting_a_calendar_asks_about_the_meeting_once(desk):
    # Expect: disconnect at 12:00 (the prompt is cancelled), reconnect at 13:00 (planned again):
    # one prompt after 15:30Z.
    desk.deal()
    route = desk.connect(vcalendar(vevent("again", TUE_UTC)))
    desk.clock.set(utc(2026, 11, 24, 12, 0))
    assert "forgot" in reply_text(desk.slack.command("calendar disconnect", user=ALICE, channel=DEAL)).lower()
    desk.at(utc(2026, 11, 24, 12, 30))
    desk.clock.set(utc(2026, 11, 24, 13, 0))
    desk.routes.clear()
    url = desk.feeds.url(f"/{ALICE}.ics")
    assert route is desk.feeds.routes[f"/{ALICE}.ics"]
    assert "Connected" in reply_text(desk.slack.command(f"calendar connect {url}", user=ALICE, channel=DEAL))
    desk.prompted_once_after(TUE_UTC + timedelta(minutes=30))


def test_a_meeting_in_a_private_deal_channel_is_asked_about_there(desk):
    # Expect: a private channel the bot and Alice are in works like a public one.
    desk.emulator.add_channel("G0PRIVATE", "deal-acme-private", members=[ALICE], is_private=True)
    desk.deal(channel="G0PRIVATE")
    desk.connect(vcalendar(vevent("private", TUE_UTC)))
    desk.prompted_once_after(TUE_UTC + timedelta(minutes=30), channel="G0PRIVATE")


def test_a_typed_meeting_in_a_channel_shared_since_gets_the_partner_safe_prompt(desk):
    # Expect: `/partner meeting` planned while #deal-acme was ours alone; Acme's workspace joins
    # before it ends: the prompt is worded for both sides.
    desk.deal()
    desk.slack.command("meeting Acme Corp demo in 30m for 30m", user=ALICE, channel=DEAL)
    desk.emulator.add_user(DANA, name="dana", real_name="Dana Lee", team_id=PARTNER_TEAM)
    desk.emulator.add_channel(DEAL, "deal-acme", members=[ALICE, DANA], is_ext_shared=True)
    desk.at(desk.clock.now() + timedelta(minutes=66))
    [post] = debriefs(desk.emulator)
    assert "in their words" not in all_text(post) and "next step" in all_text(post).lower()


def test_a_zoom_call_debriefed_while_it_was_still_on_is_not_asked_about_again(zoom_bot, zdesk):
    # Expect: Alice leaves the 15:00 Zoom call at 15:20 and logs the debrief from a "just got
    # off the call" prompt; Zoom says the call ended at 15:45: no second prompt.
    zdesk.deal()
    zdesk.clock.set(utc(2026, 11, 24, 15, 20))
    zdesk.slack.message("just got off the call with Acme", user=ALICE, channel=DEAL, ts="1764000000.000300")
    zdesk.emulator.wait_for(lambda calls: any(c.method == "chat.postMessage" and "Debrief" in all_text(c.args)
                                              for c in calls))
    [post] = debriefs(zdesk.emulator)
    submit_debrief(zdesk, post)
    zdesk.clock.set(utc(2026, 11, 24, 15, 46))
    event = ended(topic="Acme Corp pricing", uuid="left-early==", end_time="2026-11-24T15:45:00Z")
    event["payload"]["object"]["start_time"] = "2026-11-24T15:00:00Z"
    assert send(zoom_bot, event).json()["planned"] is True
    zdesk.at(utc(2026, 11, 24, 15, 51))
    zdesk.at(utc(2026, 11, 24, 17, 0))
    assert len(debriefs(zdesk.emulator)) == 1


def test_a_channel_unshared_from_the_partner_gets_our_coaching_back_at_the_next_prompt(desk):
    # Expect: #deal-acme was shared (the bot saw it so); Acme leaves, Slack sends
    # channel_unshared; the prompt after that coaches our team again ("in their words").
    desk.emulator.add_user(DANA, name="dana", real_name="Dana Lee", team_id=PARTNER_TEAM)
    desk.emulator.add_channel(DEAL, "deal-acme", members=[ALICE, DANA], is_ext_shared=True)
    desk.deal()
    desk.connect(vcalendar(vevent("unshared", TUE_UTC)))
    desk.emulator.add_channel(DEAL, "deal-acme", members=[ALICE])
    gone = {"type": "channel_unshared", "previously_connected_team_id": PARTNER_TEAM, "channel": DEAL,
            "is_ext_shared": False, "event_ts": "1700000000.000200"}
    assert desk.slack.event(gone).status_code == 200
    desk.at(TUE_UTC + timedelta(minutes=36))
    [post] = debriefs(desk.emulator)
    assert "in their words" in all_text(post)
