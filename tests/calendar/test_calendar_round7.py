"""Calendar debriefs, round 7: a week of real-looking calendars, end to end through the real app
(signed commands and actions, feeds over HTTP, the FakeClock moved and swept as `serve` does).

Each test's first comment is the expectation, written before the scenario was first run. The
clock starts Monday 23 November 2026, 15:00 UTC (10:00 in New York, Alice's zone); "Tuesday"
is 24 November.
"""

from __future__ import annotations

import dataclasses
from datetime import UTC, datetime, timedelta

import pytest

from bot.emulator.local_bot import LocalBot
from bot.store import Scope
from tests.calendar.scenario_kit import Desk, debriefs, stamp, vcalendar, vevent, when
from tests.conftest import ALICE, BOB, CAROL, DEAL, quiet
from tests.e2e.helpers import action_values, all_text

NY = "America/New_York"
TUE_UTC = datetime(2026, 11, 24, 15, 0, tzinfo=UTC)
WED_UTC, THU_UTC, FRI_UTC = (TUE_UTC + timedelta(days=n) for n in (1, 2, 3))
GLOBEX, INITECH, EMEA = "C7GLOBEX", "C7INITECH", "C7ACMEEMEA"
SHARED, DANA, PARTNER_TEAM = "C7SHARED", "U7DANA", "T7PARTNER"
OURS = ("alice@ourco.com", "bob@ourco.com")


def utc(*args: int) -> datetime:
    return datetime(*args, tzinfo=UTC)


@pytest.fixture
def desk(team, bot, slack, emulator, clock, feeds):
    for channel, name in ((GLOBEX, "deal-globex"), (INITECH, "deal-initech"), (EMEA, "deal-acme-emea")):
        emulator.add_channel(channel, name, members=[ALICE, BOB])
    found = Desk(slack, emulator, clock, feeds, bot.runtime.services.schedule)
    found.ledger = bot.runtime.services.ledger
    found.idle = bot.wait_idle  # before asserting that something did not happen
    return found


def items(desk, channel=DEAL):
    return desk.ledger.items(Scope("T0001", channel))


def prompt_ts(desk, channel=DEAL) -> list[str]:
    """The ts of each debrief prompt posted in ``channel``."""
    return [c.response["ts"] for c in desk.emulator.calls_to("chat.postMessage")
            if c.response and c.response.get("ok") and c.args.get("channel") == channel
            and "Debrief" in all_text(c.args) and not c.args.get("thread_ts")]


def nudges(desk, channel=DEAL) -> list[dict]:
    """The reminders posted in a debrief prompt's thread."""
    return [m for m in desk.emulator.messages(channel)
            if m.get("thread_ts") and "debrief" in all_text(m).lower()]


def asked(desk, end: datetime = TUE_UTC + timedelta(minutes=30)) -> None:
    """Sweep as `serve` does just after the prompt for a meeting ending at ``end`` goes out, and
    a few minutes later (when its reminder is planned)."""
    desk.at(end + timedelta(minutes=6))
    desk.at(end + timedelta(minutes=10))


def sweep_until(desk, moment: datetime, step: timedelta = timedelta(minutes=30)) -> None:
    """Sweep every ``step`` until ``moment``, as `serve` keeps doing (every minute) meanwhile."""
    at = desk.clock.now()
    while at < moment:
        at = min(at + step, moment)
        desk.at(at)


def submit(desk, post, give="send the SOC2 report", get="intro to procurement", channel=DEAL):
    """Open the debrief form from the prompt's button and submit one give and one get."""
    desk.slack.action("debrief_open", action_values(post, "debrief_open")[0], user=ALICE, channel=channel)
    desk.emulator.wait_for("views.open")
    answer = desk.slack.view_submission("debrief", {
        "give_1": {"value": {"type": "plain_text_input", "value": give}},
        "get_1": {"value": {"type": "plain_text_input", "value": get}}}, user=ALICE)
    assert answer.status_code == 200, answer.text
    desk.emulator.wait_for("chat.postEphemeral")


def share_with_acme(desk) -> None:
    """#shared-acme is shared with Acme's Slack (Slack Connect); Dana works at Acme."""
    desk.emulator.add_user(DANA, name="dana", real_name="Dana Lee", team_id=PARTNER_TEAM,
                           email="dana@acme.com")
    desk.emulator.add_channel(SHARED, "shared-acme", members=[ALICE, DANA], is_ext_shared=True)


def many(count: int, domains: int, *, extra: tuple[str, ...] = ()) -> tuple[str, ...]:
    """``count`` guests spread over ``domains`` companies, plus ``extra``."""
    return (*OURS, *(f"guest{n}@company{n % domains}.example" for n in range(count)), *extra)


# --- 1. meetings moved after their prompt was planned or posted -------------------------------

def test_a_meeting_postponed_to_next_week_after_its_prompt_went_out_is_asked_again_next_week(desk):
    # Expect: asked Tue 15:35 (it was in the calendar); at 17:00 the organiser moves it to next
    # Tuesday (it didn't happen): one more prompt next Tuesday after its end, saying it was moved.
    desk.deal()
    route = desk.connect(vcalendar(vevent("pp", TUE_UTC)))
    desk.prompted_once_after(TUE_UTC + timedelta(minutes=30))
    route.body = vcalendar(vevent("pp", TUE_UTC + timedelta(days=7)))
    desk.at(TUE_UTC + timedelta(hours=2))
    desk.prompted_once_after(TUE_UTC + timedelta(days=7, minutes=30))
    assert "moved after I asked" in all_text(debriefs(desk.emulator)[-1])
    assert desk.count(TUE_UTC + timedelta(days=8)) == 2


def test_a_meeting_moved_after_its_prompt_and_then_moved_back_is_not_asked_twice(desk):
    # Expect: asked Tue; moved to next week, then back to Tuesday's slot: the Tuesday prompt
    # already covered it, nothing next week.
    desk.deal()
    route = desk.connect(vcalendar(vevent("back", TUE_UTC)))
    desk.prompted_once_after(TUE_UTC + timedelta(minutes=30))
    route.body = vcalendar(vevent("back", TUE_UTC + timedelta(days=7)))
    desk.at(TUE_UTC + timedelta(hours=2))
    route.body = vcalendar(vevent("back", TUE_UTC))
    desk.at(TUE_UTC + timedelta(hours=4))
    desk.never_prompted(TUE_UTC + timedelta(days=7, minutes=30))
    assert len(debriefs(desk.emulator)) == 1


def test_a_meeting_moved_after_its_prompt_and_then_cancelled_gets_no_second_prompt(desk):
    # Expect: asked Tue; moved to Thursday; cancelled Wednesday: nothing on Thursday.
    desk.deal()
    route = desk.connect(vcalendar(vevent("mc", TUE_UTC)))
    desk.prompted_once_after(TUE_UTC + timedelta(minutes=30))
    route.body = vcalendar(vevent("mc", THU_UTC))
    desk.at(TUE_UTC + timedelta(hours=2))
    route.body = vcalendar(vevent("mc", THU_UTC, status="CANCELLED"))
    desk.at(WED_UTC)
    desk.never_prompted(THU_UTC + timedelta(minutes=30))
    assert len(debriefs(desk.emulator)) == 1


def test_a_meeting_that_ran_over_and_had_its_end_corrected_after_the_prompt_is_not_asked_again(desk):
    # Expect: 10:00-10:30 NY asked at 10:35; at 10:50 its end is corrected to 11:00 (it ran
    # over): it had begun when we asked, so no second prompt.
    desk.deal()
    route = desk.connect(vcalendar(vevent("over", TUE_UTC)))
    desk.prompted_once_after(TUE_UTC + timedelta(minutes=30))
    route.body = vcalendar(vevent("over", TUE_UTC, minutes=60))
    desk.at(TUE_UTC + timedelta(minutes=50))
    desk.never_prompted(TUE_UTC + timedelta(minutes=60))


def test_an_occurrence_of_a_series_moved_to_thursday_after_its_prompt_is_asked_again_thursday(desk):
    # Expect: weekly Tuesday call; Tuesday's was asked about, then that occurrence alone is moved
    # to Thursday: asked Thursday; next Tuesday's occurrence is asked as usual.
    desk.deal()
    series = vevent("wk", TUE_UTC, lines=["RRULE:FREQ=WEEKLY;COUNT=3"])
    route = desk.connect(vcalendar(series))
    desk.prompted_once_after(TUE_UTC + timedelta(minutes=30))
    route.body = vcalendar(series, vevent("wk", THU_UTC, lines=[when("RECURRENCE-ID", TUE_UTC)]))
    desk.at(TUE_UTC + timedelta(hours=3))
    desk.prompted_once_after(THU_UTC + timedelta(minutes=30))
    desk.prompted_once_after(TUE_UTC + timedelta(days=7, minutes=30))
    assert len(debriefs(desk.emulator)) == 3


def test_a_meeting_moved_twice_after_its_prompt_is_asked_again_once_at_its_final_time(desk):
    # Expect: asked Tue; moved to Wed, then (before Wed) to Fri: one prompt Friday, none Wed.
    desk.deal()
    route = desk.connect(vcalendar(vevent("twice", TUE_UTC)))
    desk.prompted_once_after(TUE_UTC + timedelta(minutes=30))
    route.body = vcalendar(vevent("twice", WED_UTC))
    desk.at(TUE_UTC + timedelta(hours=2))
    route.body = vcalendar(vevent("twice", FRI_UTC))
    desk.at(TUE_UTC + timedelta(hours=4))
    desk.never_prompted(WED_UTC + timedelta(minutes=30))
    desk.prompted_once_after(FRI_UTC + timedelta(minutes=30))
    assert len(debriefs(desk.emulator)) == 2


def test_a_meeting_answered_and_then_reused_for_next_weeks_follow_up_is_asked_about_the_follow_up(desk):
    # Expect: asked and answered with the button Tue; the organiser drags the same event to next
    # Tuesday for the follow-up: that meeting is asked about too, once.
    desk.deal()
    route = desk.connect(vcalendar(vevent("reuse", TUE_UTC)))
    asked(desk)
    submit(desk, debriefs(desk.emulator)[0])
    route.body = vcalendar(vevent("reuse", TUE_UTC + timedelta(days=7)))
    desk.at(TUE_UTC + timedelta(hours=3))
    desk.prompted_once_after(TUE_UTC + timedelta(days=7, minutes=30))
    assert len(debriefs(desk.emulator)) == 2


def test_a_meeting_postponed_after_its_prompt_seen_only_after_its_new_end_is_asked_then_saying_so(desk):
    # Expect: asked Tue 10:35 NY; the feed shows at 14:00 NY that it was held 12:00-12:30 NY
    # instead: asked again at once, saying it ended about an hour ago and was moved.
    desk.deal()
    route = desk.connect(vcalendar(vevent("later", TUE_UTC)))
    asked(desk)
    route.body = vcalendar(vevent("later", TUE_UTC + timedelta(hours=2)))
    assert desk.count(TUE_UTC + timedelta(hours=4)) == 2
    text = all_text(debriefs(desk.emulator)[-1])
    assert "ended about 1 hour ago" in text and "moved after I asked" in text


def test_a_meeting_matching_two_channels_moved_after_its_prompt_is_asked_again_where_its_owner_chose(desk):
    # Expect: Acme and Globex guests; Alice chose #deal-globex; posted there; the call is
    # postponed to Thursday: asked again in #deal-globex Thursday, no second DM.
    desk.deal()
    desk.deal("Globex", "globex.com", channel=GLOBEX)
    guests = (*OURS, "jane@acme.com", "hans@globex.com")
    route = desk.connect(vcalendar(vevent("jc", TUE_UTC, title="Joint call", attendees=guests)))
    asked(desk)
    [dm] = [m for m in desk.emulator.messages(ALICE) if GLOBEX in str(m)]
    [value] = [v for v in action_values(dm, "calendar_choose") if v.endswith(GLOBEX)]
    desk.slack.action("calendar_choose", value, user=ALICE, channel="D" + ALICE)
    desk.idle()
    desk.at(TUE_UTC + timedelta(minutes=40))
    route.body = vcalendar(vevent("jc", THU_UTC, title="Joint call", attendees=guests))
    desk.at(TUE_UTC + timedelta(hours=2))
    desk.prompted_once_after(THU_UTC + timedelta(minutes=30), channel=GLOBEX)
    assert debriefs(desk.emulator, DEAL) == []
    assert len([m for m in desk.emulator.messages(ALICE) if GLOBEX in str(m)]) == 1


def test_a_meeting_pulled_forward_before_its_prompt_to_a_slot_long_past_is_not_asked(desk):
    # Expect: planned for Friday; on Thursday someone backdates it to Monday morning (a record
    # of a call that happened days ago): too old to ask about, nothing then or on Friday.
    desk.deal()
    route = desk.connect(vcalendar(vevent("backdated", FRI_UTC)))
    route.body = vcalendar(vevent("backdated", utc(2026, 11, 23, 16, 0)))
    desk.at(THU_UTC)
    desk.never_prompted(FRI_UTC + timedelta(minutes=30))
    assert debriefs(desk.emulator) == []


def test_a_meeting_moved_after_its_prompt_survives_a_restart_and_is_asked_again_once(
        team, emulator, clock, feeds, tmp_path):
    # Expect: asked Tue; moved to Thu; the bot restarts Wed: exactly one more prompt Thursday.
    db = tmp_path / "db.json"
    with LocalBot(emulator, db, clock) as first:
        quiet(first)
        desk = Desk(first.driver, emulator, clock, feeds, first.runtime.services.schedule)
        desk.deal()
        route = desk.connect(vcalendar(vevent("rs", TUE_UTC)))
        asked(desk)
        route.body = vcalendar(vevent("rs", THU_UTC))
        desk.at(TUE_UTC + timedelta(hours=2))
    clock.set(WED_UTC)
    with LocalBot(emulator, db, clock) as second:
        quiet(second)
        desk = Desk(second.driver, emulator, clock, feeds, second.runtime.services.schedule)
        desk.prompted_once_after(THU_UTC + timedelta(minutes=30))
    assert len(debriefs(emulator)) == 2


def test_a_meeting_moved_after_its_prompt_to_a_different_company_goes_to_that_channel(desk):
    # Expect: asked in #deal-acme Tue; the slot is reused Thursday with Globex's people: asked
    # in #deal-globex Thursday, and not again in #deal-acme.
    desk.deal()
    desk.deal("Globex", "globex.com", channel=GLOBEX)
    route = desk.connect(vcalendar(vevent("swap", TUE_UTC)))
    desk.prompted_once_after(TUE_UTC + timedelta(minutes=30))
    route.body = vcalendar(vevent("swap", THU_UTC, title="Quarterly review",
                                  attendees=("alice@ourco.com", "hans@globex.com")))
    desk.at(TUE_UTC + timedelta(hours=2))
    desk.prompted_once_after(THU_UTC + timedelta(minutes=30), channel=GLOBEX)
    assert len(debriefs(desk.emulator, DEAL)) == 1


def test_a_meeting_moved_after_its_prompt_in_a_shared_channel_is_asked_again_in_partner_safe_words(desk):
    # Expect: shared channel with Acme; asked Tue; moved to Wed: Wednesday's prompt leaves our
    # coaching out ("in their words") like every prompt there.
    share_with_acme(desk)
    desk.deal(channel=SHARED)
    route = desk.connect(vcalendar(vevent("sh", TUE_UTC)))
    desk.prompted_once_after(TUE_UTC + timedelta(minutes=30), channel=SHARED)
    route.body = vcalendar(vevent("sh", WED_UTC))
    desk.at(TUE_UTC + timedelta(hours=2))
    desk.prompted_once_after(WED_UTC + timedelta(minutes=30), channel=SHARED)
    text = all_text(debriefs(desk.emulator, SHARED)[-1])
    assert "in their words" not in text and "next step" in text.lower()


def test_a_meeting_moved_earlier_the_same_morning_before_its_prompt_is_asked_once_at_the_new_end(desk):
    # Expect: planned 12:00-12:30 NY; moved to 09:00-09:30 NY, seen at 09:10: one prompt 09:35.
    desk.deal()
    route = desk.connect(vcalendar(vevent("early", TUE_UTC + timedelta(hours=2))))
    desk.at(TUE_UTC - timedelta(hours=3))
    route.body = vcalendar(vevent("early", TUE_UTC - timedelta(hours=1)))
    desk.at(TUE_UTC - timedelta(minutes=50))
    desk.prompted_once_after(TUE_UTC - timedelta(minutes=30))
    desk.never_prompted(TUE_UTC + timedelta(hours=2, minutes=30))
    assert len(debriefs(desk.emulator)) == 1


# --- 2. a week of real calendars ---------------------------------------------------------------

def test_an_internal_one_to_one_about_the_deal_asks_nothing(desk):
    # Expect: "1:1 Alice / Bob: Acme Corp pipeline", only our people: no prompt anywhere.
    desk.deal()
    desk.connect(vcalendar(vevent("oneone", TUE_UTC, title="1:1 Alice / Bob: Acme Corp pipeline",
                                  attendees=OURS)))
    desk.never_prompted(TUE_UTC + timedelta(minutes=30))


def test_an_internal_prep_with_a_meeting_room_booked_is_still_internal(desk):
    # Expect: our two people plus a Google room resource: a room is not a guest: no prompt.
    desk.deal()
    desk.connect(vcalendar(vevent("room", TUE_UTC, title="Acme Corp prep",
                                  attendees=(*OURS, "c_1888abc@resource.calendar.google.com"))))
    desk.never_prompted(TUE_UTC + timedelta(minutes=30))


def test_a_partner_call_with_a_room_booked_is_asked_about(desk):
    # Expect: our people, the room and Jane from Acme: one prompt in #deal-acme.
    desk.deal()
    desk.connect(vcalendar(vevent("room2", TUE_UTC, title="Pilot review", attendees=(
        *OURS, "c_1888abc@resource.calendar.google.com", "jane@acme.com"))))
    desk.prompted_once_after(TUE_UTC + timedelta(minutes=30))


def test_a_webinar_with_three_hundred_attendees_from_many_companies_asks_nothing(desk):
    # Expect: "What's new in Q4" with 300 guests from 120 companies, one of them Acme and one
    # Globex: a broadcast, not a conversation with either: no prompt, no DM asking where.
    desk.deal()
    desk.deal("Globex", "globex.com", channel=GLOBEX)
    desk.connect(vcalendar(vevent("webinar", TUE_UTC, minutes=60, title="What's new in Q4",
                                  attendees=many(300, 60, extra=("jane@acme.com", "hans@globex.com")))))
    desk.never_prompted(TUE_UTC + timedelta(minutes=60))
    desk.never_prompted(TUE_UTC + timedelta(minutes=60), channel=GLOBEX)
    assert [m for m in desk.emulator.messages() if "which deal" in all_text(m).lower()] == []


def test_a_webinar_co_hosted_with_the_partner_and_named_after_them_is_asked_about_in_their_channel(desk):
    # Expect: "Acme Corp x OurCo webinar", 300 guests from 120 companies (Globex among them):
    # the title names Acme: one prompt in #deal-acme, none in #deal-globex.
    desk.deal()
    desk.deal("Globex", "globex.com", channel=GLOBEX)
    desk.connect(vcalendar(vevent("cohost", TUE_UTC, minutes=60, title="Acme Corp x OurCo webinar",
                                  attendees=many(300, 60, extra=("jane@acme.com", "hans@globex.com")))))
    desk.prompted_once_after(TUE_UTC + timedelta(minutes=60))
    desk.never_prompted(TUE_UTC + timedelta(minutes=60), channel=GLOBEX)


def test_a_customer_all_hands_with_three_hundred_of_their_people_is_asked_about(desk):
    # Expect: we were invited to Acme's all-hands: 300 guests, all @acme.com: one prompt.
    desk.deal()
    guests = tuple(f"person{n}@acme.com" for n in range(300))
    desk.connect(vcalendar(vevent("allhands", TUE_UTC, minutes=60, title="Acme all-hands",
                                  attendees=("alice@ourco.com", *guests))))
    desk.prompted_once_after(TUE_UTC + timedelta(minutes=60))


def test_a_call_with_two_partners_at_once_asks_the_owner_where_and_posts_once_there(desk):
    # Expect: Acme and Globex on one call (two deal channels): a DM to Alice with both channels;
    # she picks Globex: one prompt in #deal-globex, none in #deal-acme.
    desk.deal()
    desk.deal("Globex", "globex.com", channel=GLOBEX)
    desk.connect(vcalendar(vevent("joint", TUE_UTC, title="Joint integration call",
                                  attendees=(*OURS, "jane@acme.com", "hans@globex.com"))))
    asked(desk)
    [dm] = [m for m in desk.emulator.messages(ALICE) if GLOBEX in str(m)]
    [value] = [v for v in action_values(dm, "calendar_choose") if v.endswith(GLOBEX)]
    desk.slack.action("calendar_choose", value, user=ALICE, channel="D" + ALICE)
    desk.idle()
    desk.at(TUE_UTC + timedelta(minutes=40))
    assert len(debriefs(desk.emulator, GLOBEX)) == 1 and debriefs(desk.emulator, DEAL) == []
    assert desk.count(TUE_UTC + timedelta(hours=2), GLOBEX) == 1


def test_an_attendee_from_a_regional_subdomain_in_capitals_matches_the_deal(desk):
    # Expect: Jane@EMEA.Acme.COM is Acme's acme.com: one prompt.
    desk.deal()
    desk.connect(vcalendar(vevent("sub", TUE_UTC, title="Roadmap", attendees=("alice@ourco.com",
                                                                            "Jane@EMEA.Acme.COM"))))
    desk.prompted_once_after(TUE_UTC + timedelta(minutes=30))


def test_an_attendee_from_the_partners_alias_domain_matches_once_the_alias_is_set(desk):
    # Expect: Acme also mails from acme.io; with "domain acme.com acme.io" a guest @acme.io
    # matches (the title names no deal).
    desk.deal(domains="acme.com acme.io")
    desk.connect(vcalendar(vevent("alias", TUE_UTC, title="Roadmap", attendees=("alice@ourco.com",
                                                                              "jo@acme.io"))))
    desk.prompted_once_after(TUE_UTC + timedelta(minutes=30))


def test_an_alias_domain_nobody_set_and_a_title_naming_no_deal_asks_nothing(desk):
    # Expect: guest @acme.io, deal has only acme.com, title "Roadmap": no way to know: nothing.
    desk.deal()
    desk.connect(vcalendar(vevent("noalias", TUE_UTC, title="Roadmap", attendees=("alice@ourco.com",
                                                                                "jo@acme.io"))))
    desk.never_prompted(TUE_UTC + timedelta(minutes=30))


def test_partner_staff_on_personal_gmail_match_by_the_deal_named_in_the_title(desk):
    # Expect: Jane joins from jane.doe@gmail.com; title "Acme Corp pricing": one prompt.
    desk.deal()
    desk.connect(vcalendar(vevent("gm", TUE_UTC, title="Acme Corp pricing",
                                  attendees=("alice@ourco.com", "jane.doe@gmail.com"))))
    desk.prompted_once_after(TUE_UTC + timedelta(minutes=30))


def test_a_partner_champion_on_gmail_registered_with_the_deal_matches_a_meeting_naming_no_deal(desk):
    # Expect: "/partner deal Acme Corp domain acme.com <mailto:jane.doe@gmail.com|…>" (Slack's
    # link of a typed address) keeps her address; "Coffee" with her alone: one prompt in
    # #deal-acme; a "Coffee" with another gmail user: nothing.
    desk.deal(domains="acme.com <mailto:jane.doe@gmail.com|jane.doe@gmail.com>")
    desk.connect(vcalendar(
        vevent("coffee", TUE_UTC, title="Coffee", attendees=("alice@ourco.com", "Jane.Doe@gmail.com")),
        vevent("coffee2", WED_UTC, title="Coffee", attendees=("alice@ourco.com", "someone@gmail.com"))))
    desk.prompted_once_after(TUE_UTC + timedelta(minutes=30))
    desk.never_prompted(WED_UTC + timedelta(minutes=30))


def test_a_company_address_given_as_a_deal_domain_is_refused_and_changes_nothing(desk):
    # Expect: "domain jane@acme.com": refused, pointing at the bare domain; the deal keeps none.
    desk.deal(domains=None)
    answer = all_text(desk.slack.command("deal Acme Corp domain jane@acme.com", user=ALICE,
                                         channel=DEAL).json())
    assert "just the part after the @" in answer
    listing = all_text(desk.slack.command("deal", user=ALICE, channel=DEAL).json())
    assert "acme.com" not in listing


def test_a_lunch_with_someone_on_gmail_naming_no_deal_asks_nothing(desk):
    # Expect: "Lunch" with a gmail address: nothing.
    desk.deal()
    desk.connect(vcalendar(vevent("lunch", TUE_UTC, title="Lunch",
                                  attendees=("alice@ourco.com", "jane.doe@gmail.com"))))
    desk.never_prompted(TUE_UTC + timedelta(minutes=30))


def test_a_meeting_organised_from_the_partner_side_is_asked_about(desk):
    # Expect: ORGANIZER is jane@acme.com, Alice an attendee who never answered the invitation
    # (NEEDS-ACTION): it is in her calendar and not declined: one prompt.
    desk.deal()
    event = vevent("theirs", TUE_UTC, title="Weekly sync", attendees=()).replace(
        "END:VEVENT", "ORGANIZER;CN=Jane:mailto:jane@acme.com\r\n"
        "ATTENDEE;PARTSTAT=NEEDS-ACTION:mailto:alice@ourco.com\r\nEND:VEVENT")
    desk.connect(vcalendar(event))
    desk.prompted_once_after(TUE_UTC + timedelta(minutes=30))


def test_a_meeting_organised_by_the_partner_that_the_owner_declined_asks_nothing(desk):
    # Expect: same, Alice DECLINED: nothing.
    desk.deal()
    event = vevent("theirs2", TUE_UTC, title="Weekly sync", attendees=()).replace(
        "END:VEVENT", "ORGANIZER;CN=Jane:mailto:jane@acme.com\r\n"
        "ATTENDEE;PARTSTAT=DECLINED:mailto:alice@ourco.com\r\nEND:VEVENT")
    desk.connect(vcalendar(event))
    desk.never_prompted(TUE_UTC + timedelta(minutes=30))


def test_an_optional_attendee_who_went_still_gets_the_prompt(desk):
    # Expect: Alice is ROLE=OPT-PARTICIPANT, accepted: one prompt.
    desk.deal()
    event = vevent("opt", TUE_UTC, title="Security review", attendees=("jane@acme.com",)).replace(
        "END:VEVENT", "ATTENDEE;ROLE=OPT-PARTICIPANT;PARTSTAT=ACCEPTED:mailto:alice@ourco.com\r\nEND:VEVENT")
    desk.connect(vcalendar(event))
    desk.prompted_once_after(TUE_UTC + timedelta(minutes=30))


def test_a_title_naming_the_deal_with_odd_case_and_punctuation_matches(desk):
    # Expect: "ACME-corp: QBR" with no attendees listed (Outlook): one prompt.
    desk.deal()
    desk.connect(vcalendar(vevent("qbr", TUE_UTC, title="ACME-corp: QBR", attendees=())))
    desk.prompted_once_after(TUE_UTC + timedelta(minutes=30))


def test_a_video_call_vendor_address_naming_no_deal_asks_nothing(desk):
    # Expect: guests are ours and a Zoom room address (room@zoom.us), title "Team retro": nothing.
    desk.deal()
    desk.connect(vcalendar(vevent("zr", TUE_UTC, title="Team retro", attendees=(*OURS, "room@zoom.us"))))
    desk.never_prompted(TUE_UTC + timedelta(minutes=30))


def test_a_week_of_meetings_asks_about_the_partner_calls_only(desk):
    # Expect: Mon-Fri: a daily internal standup, Tue Acme call, Wed a 300-guest webinar, Thu a
    # Globex call, Fri Acme again: 2 prompts in #deal-acme, 1 in #deal-globex, none else.
    desk.deal()
    desk.deal("Globex", "globex.com", channel=GLOBEX)
    desk.connect(vcalendar(
        vevent("standup", TUE_UTC - timedelta(hours=1), minutes=15, title="Standup", attendees=OURS,
               lines=["RRULE:FREQ=DAILY;COUNT=5"]),
        vevent("tue", TUE_UTC, title="Pilot review"),
        vevent("wed", WED_UTC, minutes=60, title="Webinar",
               attendees=many(300, 50, extra=("jane@acme.com",))),
        vevent("thu", THU_UTC, title="Intro", attendees=("alice@ourco.com", "hans@globex.com")),
        vevent("fri", FRI_UTC, title="Acme Corp pricing")))
    for day in range(5):
        desk.at(TUE_UTC + timedelta(days=day, hours=2))
    assert len(debriefs(desk.emulator, DEAL)) == 2
    assert len(debriefs(desk.emulator, GLOBEX)) == 1
    assert debriefs(desk.emulator, INITECH) == debriefs(desk.emulator, EMEA) == []


# --- lost and signed deals ---------------------------------------------------------------------

def test_a_meeting_with_a_signed_customer_asks_about_delivering_what_was_promised(desk):
    # Expect: the deal is signed: the prompt says so and asks about what's still open from
    # before the signature, not the pre-sale "what's in it for them".
    desk.deal(stage="signed")
    desk.connect(vcalendar(vevent("signed", TUE_UTC, title="Onboarding kickoff")))
    asked(desk)
    [post] = debriefs(desk.emulator)
    text = all_text(post)
    assert "is signed" in text and "still open" in text and "in it for them" not in text


def test_a_deal_signed_between_planning_and_the_prompt_gets_the_signed_wording(desk):
    # Expect: planned while in negotiation; signed during the meeting: the signed wording.
    desk.deal(stage="negotiation")
    desk.connect(vcalendar(vevent("signing", TUE_UTC, title="Signing call")))
    desk.at(TUE_UTC + timedelta(minutes=10))
    desk.slack.command("deal Acme Corp signed", user=ALICE, channel=DEAL)
    desk.idle()
    asked(desk)
    assert "is signed" in all_text(debriefs(desk.emulator)[0])


def test_a_renewal_meeting_is_asked_about_as_a_signed_partnership(desk):
    # Expect: stage renewal: the signed wording too.
    desk.deal(stage="renewal")
    desk.connect(vcalendar(vevent("renew", TUE_UTC, title="Renewal")))
    asked(desk)
    assert "is signed" in all_text(debriefs(desk.emulator)[0])


def test_a_signed_deal_in_a_shared_channel_keeps_the_partner_safe_wording(desk):
    # Expect: signed, channel shared with Acme: no coaching lines, the both-sides wording.
    share_with_acme(desk)
    desk.deal(channel=SHARED, stage="signed")
    desk.connect(vcalendar(vevent("ss", TUE_UTC)))
    asked(desk)
    text = all_text(debriefs(desk.emulator, SHARED)[0])
    assert "each side commit" in text and "promises are the product" not in text


def test_a_deal_lost_while_the_meeting_was_on_gets_the_lost_wording(desk):
    # Expect: planned in play; marked lost during the call: the prompt says it is lost.
    desk.deal()
    desk.connect(vcalendar(vevent("lostnow", TUE_UTC)))
    desk.at(TUE_UTC + timedelta(minutes=10))
    desk.slack.command("deal Acme Corp lost", user=ALICE, channel=DEAL)
    desk.idle()
    asked(desk)
    assert "marked *lost*" in all_text(debriefs(desk.emulator)[0])


def test_a_company_with_a_lost_deal_in_one_channel_and_a_live_one_in_another_goes_to_the_live_one(desk):
    # Expect: #deal-acme's "Acme Corp" is lost; #deal-acme-emea works "Acme EMEA" (live), both
    # acme.com: a meeting with Jane goes to #deal-acme-emea, no DM asking where.
    desk.deal(stage="lost")
    desk.deal("Acme EMEA", "acme.com", channel=EMEA)
    desk.connect(vcalendar(vevent("two", TUE_UTC, title="Roadmap")))
    desk.prompted_once_after(TUE_UTC + timedelta(minutes=30), channel=EMEA)
    assert debriefs(desk.emulator, DEAL) == []
    assert [m for m in desk.emulator.messages(ALICE) if "Roadmap" in all_text(m)] == []


def test_a_company_with_only_lost_deals_in_two_channels_still_asks_where(desk):
    # Expect: both channels' deals are lost: nothing to prefer: the owner is asked by DM.
    desk.deal(stage="lost")
    desk.deal("Acme EMEA", "acme.com", channel=EMEA, stage="lost")
    desk.connect(vcalendar(vevent("twolost", TUE_UTC, title="Roadmap")))
    asked(desk)
    assert [m for m in desk.emulator.messages(ALICE) if "Roadmap" in all_text(m)]
    assert debriefs(desk.emulator, DEAL) == debriefs(desk.emulator, EMEA) == []


# --- answering, and reminding ------------------------------------------------------------------

def test_a_prompt_answered_with_the_button_gets_no_reminder(desk):
    # Expect: answered through the form 20 minutes after the prompt: no reminder in its thread.
    desk.deal()
    desk.connect(vcalendar(vevent("btn", TUE_UTC)))
    asked(desk)
    submit(desk, debriefs(desk.emulator)[0])
    sweep_until(desk, TUE_UTC + timedelta(hours=5))
    sweep_until(desk, TUE_UTC + timedelta(hours=24), step=timedelta(hours=6))
    assert nudges(desk) == []
    assert {(i.side, i.what) for i in items(desk)} == {("give", "send the SOC2 report"),
                                                       ("get", "intro to procurement")}


def test_an_unanswered_prompt_gets_one_reminder_in_its_thread_and_no_more(desk):
    # Expect: nobody answers: 3 hours after the prompt, one reminder in its thread naming the
    # meeting; nothing more the next days.
    desk.deal()
    desk.connect(vcalendar(vevent("quiet", TUE_UTC)))
    asked(desk)
    [ts] = prompt_ts(desk)
    sweep_until(desk, TUE_UTC + timedelta(hours=2))
    assert nudges(desk) == []
    sweep_until(desk, TUE_UTC + timedelta(hours=3, minutes=40))
    [nudge] = nudges(desk)
    assert nudge["thread_ts"] == ts and "Acme Corp pilot review" in all_text(nudge)
    sweep_until(desk, TUE_UTC + timedelta(days=3), step=timedelta(hours=6))
    assert len(nudges(desk)) == 1 and len(debriefs(desk.emulator)) == 1


def test_a_prompt_answered_in_its_thread_and_logged_from_the_offer_gets_no_reminder(desk):
    # Expect: Alice replies in the thread "I'll send the SOC2 report by Friday"; the bot offers
    # it to her (listen mode suggest); she logs it: the debrief is on the ledger: no reminder.
    desk.deal()
    desk.connect(vcalendar(vevent("thread", TUE_UTC)))
    asked(desk)
    [ts] = prompt_ts(desk)
    desk.slack.message("I'll send the SOC2 report by Friday", user=ALICE, channel=DEAL, thread_ts=ts,
                       ts="1795100000.000100")
    desk.idle()
    desk.emulator.wait_for("chat.postEphemeral")
    [offer] = desk.emulator.ephemerals(DEAL, ALICE)
    desk.slack.action("listen_log_give", action_values(offer, "listen_log_give")[0], user=ALICE, channel=DEAL)
    desk.idle()
    desk.emulator.wait_for_count("chat.postEphemeral", 1)
    sweep_until(desk, TUE_UTC + timedelta(hours=5))
    assert nudges(desk) == []
    assert [i.what for i in items(desk)] == ["send the SOC2 report"]


def test_a_thread_answer_that_logs_nothing_still_counts_as_the_answer(desk):
    # First expectation: a reply in the thread that logs nothing ("went fine, no promises either
    # way") still gets the reminder to put it on the ledger. Decided instead, on review: someone
    # answered the prompt, and a reminder would nag the person who just replied; whatever the
    # reply promised is offered to be logged like any message's.
    desk.deal()
    desk.connect(vcalendar(vevent("said", TUE_UTC)))
    asked(desk)
    [ts] = prompt_ts(desk)
    desk.slack.message("went fine, no promises either way", user=ALICE, channel=DEAL, thread_ts=ts,
                       ts="1795100000.000200")
    desk.idle()
    sweep_until(desk, TUE_UTC + timedelta(hours=5))
    assert nudges(desk) == []


def test_a_reply_in_another_thread_does_not_silence_the_reminder(desk):
    # Expect: someone replies in the thread of an unrelated message: the reminder still comes.
    desk.deal()
    desk.connect(vcalendar(vevent("other", TUE_UTC)))
    asked(desk)
    desk.slack.message("lunch?", user=BOB, channel=DEAL, ts="1795100000.000300")
    desk.idle()
    desk.slack.message("sure", user=ALICE, channel=DEAL, thread_ts="1795100000.000300",
                       ts="1795100000.000400")
    desk.idle()
    sweep_until(desk, TUE_UTC + timedelta(hours=5))
    assert len(nudges(desk)) == 1


def test_a_meeting_cancelled_after_its_prompt_went_out_gets_no_reminder(desk):
    # Expect: asked Tue; an hour later the calendar marks it cancelled (it didn't take place):
    # no reminder, no second prompt.
    desk.deal()
    route = desk.connect(vcalendar(vevent("offnow", TUE_UTC)))
    asked(desk)
    route.body = vcalendar(vevent("offnow", TUE_UTC, status="CANCELLED"))
    sweep_until(desk, TUE_UTC + timedelta(hours=1))
    sweep_until(desk, TUE_UTC + timedelta(hours=5))
    assert nudges(desk) == [] and len(debriefs(desk.emulator)) == 1


def test_the_reminder_stops_once_the_meeting_moved_to_next_week(desk):
    # Expect: asked Tue, unanswered; an hour later the meeting is moved to next week: no
    # reminder for the prompt that was about a meeting that didn't happen.
    desk.deal()
    route = desk.connect(vcalendar(vevent("mv", TUE_UTC)))
    asked(desk)
    route.body = vcalendar(vevent("mv", TUE_UTC + timedelta(days=7)))
    sweep_until(desk, TUE_UTC + timedelta(hours=1))
    sweep_until(desk, TUE_UTC + timedelta(hours=5))
    assert nudges(desk) == []


def test_a_meeting_missing_from_one_read_after_its_prompt_still_gets_its_one_reminder(desk):
    # Expect: the prompt went out; at 16:00 the feed glitches (the meeting is missing), at
    # 16:10 it is back: the reminder still comes once, at 18:35.
    desk.deal()
    route = desk.connect(vcalendar(vevent("glitch", TUE_UTC)))
    asked(desk)
    desk.at(TUE_UTC + timedelta(minutes=40))  # the reminder is planned
    route.body = vcalendar()
    sweep_until(desk, TUE_UTC + timedelta(hours=1, minutes=1))
    route.body = vcalendar(vevent("glitch", TUE_UTC))
    for minutes in (67, 72, 120, 216, 240, 600):
        desk.at(TUE_UTC + timedelta(minutes=minutes))
    assert len(nudges(desk)) == 1 and len(debriefs(desk.emulator)) == 1


def test_a_reminder_is_in_the_thread_and_pings_nobody_by_channel(desk):
    # Expect: the reminder mentions the people who were in the meeting, never @channel/@here.
    desk.deal()
    desk.connect(vcalendar(vevent("ping", TUE_UTC)))
    asked(desk)
    sweep_until(desk, TUE_UTC + timedelta(hours=4))
    [nudge] = nudges(desk)
    text = str(nudge)
    assert f"<@{ALICE}>" in text and "<!channel>" not in text and "<!here>" not in text


def test_a_typed_debrief_logged_before_the_reminder_counts_as_the_answer(desk):
    # Expect: nobody used the button, but "/partner give" was logged after the meeting began:
    # no reminder (what was promised is on the ledger).
    desk.deal()
    desk.connect(vcalendar(vevent("typed", TUE_UTC)))
    asked(desk)
    desk.slack.command("give the SOC2 report by Friday", user=ALICE, channel=DEAL)
    desk.idle()
    sweep_until(desk, TUE_UTC + timedelta(hours=5))
    assert nudges(desk) == []


# --- many channels -----------------------------------------------------------------------------

def test_one_company_worked_in_two_live_channels_asks_the_owner_once(desk):
    # Expect: Acme in #deal-acme and Acme EMEA in #deal-acme-emea, both live: one DM with two
    # buttons; nothing posted until she chooses.
    desk.deal()
    desk.deal("Acme EMEA", "acme.com", channel=EMEA)
    desk.connect(vcalendar(vevent("both", TUE_UTC, title="Roadmap")))
    asked(desk)
    desk.at(TUE_UTC + timedelta(minutes=50))
    dms = [m for m in desk.emulator.messages(ALICE) if "Roadmap" in all_text(m)]
    assert len(dms) == 1 and len(action_values(dms[0], "calendar_choose")) == 2
    assert debriefs(desk.emulator, DEAL) == debriefs(desk.emulator, EMEA) == []


def test_six_channels_matching_one_meeting_show_five_choices_and_count_the_rest(team, bot, slack, emulator,
                                                                               clock, feeds):
    # Expect: six live deal channels for acme.com: the DM offers five and says one more.
    desk = Desk(slack, emulator, clock, feeds, bot.runtime.services.schedule)
    for n in range(6):
        channel = f"C7ACME{n}"
        emulator.add_channel(channel, f"deal-acme-{n}", members=[ALICE])
        desk.deal(f"Acme Region {n}", "acme.com", channel=channel)
    desk.connect(vcalendar(vevent("six", TUE_UTC, title="Roadmap")))
    asked(desk)
    [dm] = [m for m in emulator.messages(ALICE) if "Roadmap" in all_text(m)]
    assert len(action_values(dm, "calendar_choose")) == 5 and "1 more" in all_text(dm)


def test_a_meeting_matching_two_channels_only_one_of_which_the_owner_is_in_goes_there(desk):
    # Expect: #deal-initech also works Acme (Initech's reseller deal), but Alice isn't in it:
    # straight to #deal-acme, no DM.
    desk.emulator.add_channel("C7NOTIN", "deal-acme-partner", members=[CAROL])
    desk.deal()
    desk.deal("Acme Resale", "acme.com", channel="C7NOTIN", user=CAROL)
    desk.connect(vcalendar(vevent("one", TUE_UTC, title="Roadmap")))
    desk.prompted_once_after(TUE_UTC + timedelta(minutes=30))
    assert debriefs(desk.emulator, "C7NOTIN") == []


# --- feed refresh storms -----------------------------------------------------------------------

@pytest.fixture
def minutely(team, emulator, clock, feeds, tmp_path):
    """The bot reading feeds every minute (PARTNER_COACH_CALENDAR_POLL_SECONDS=60, the least)."""
    local = LocalBot(emulator, tmp_path / "db.json", clock)
    local.settings = dataclasses.replace(local.settings, calendar_poll_seconds=60)
    local.start()
    quiet(local)
    for channel, name in ((GLOBEX, "deal-globex"), (INITECH, "deal-initech"), (EMEA, "deal-acme-emea")):
        emulator.add_channel(channel, name, members=[ALICE, BOB])
    yield Desk(local.driver, emulator, clock, feeds, local.runtime.services.schedule)
    local.stop()


def storm(desk, route, bodies, start: datetime, minutes: int) -> None:
    """The feed changes every minute for ``minutes`` minutes, swept (and read) every minute."""
    for minute in range(minutes):
        route.body = bodies(minute)
        desk.at(start + timedelta(minutes=minute))


def test_a_feed_rewritten_every_minute_with_a_new_stamp_asks_once(minutely):
    desk = minutely
    # Expect: every minute for an hour the feed is served with a new DTSTAMP and SEQUENCE (a
    # sync tool touching it): one prompt.
    desk.deal()
    route = desk.connect(vcalendar(vevent("touch", TUE_UTC)))

    def touched(minute):
        return vcalendar(vevent("touch", TUE_UTC, lines=[f"SEQUENCE:{minute}"]).replace(
            "DTSTAMP:20261120T120000Z", f"DTSTAMP:{stamp(TUE_UTC - timedelta(minutes=30 - minute))}"))

    storm(desk, route, touched, TUE_UTC - timedelta(minutes=20), 70)
    desk.at(TUE_UTC + timedelta(hours=2))
    assert len(debriefs(desk.emulator)) == 1


def test_a_meeting_whose_end_flips_every_minute_until_it_ends_asks_once(minutely):
    desk = minutely
    # Expect: the end alternates 10:30 / 10:45 each minute (two organisers editing): one prompt.
    desk.deal()
    route = desk.connect(vcalendar(vevent("flip", TUE_UTC)))
    storm(desk, route, lambda m: vcalendar(vevent("flip", TUE_UTC, minutes=30 if m % 2 else 45)),
          TUE_UTC, 60)
    desk.at(TUE_UTC + timedelta(hours=2))
    assert len(debriefs(desk.emulator)) == 1


def test_a_meeting_vanishing_and_returning_every_minute_asks_once(minutely):
    desk = minutely
    # Expect: the meeting is missing from every other read for an hour around its end: one prompt.
    desk.deal()
    route = desk.connect(vcalendar(vevent("blink", TUE_UTC)))
    storm(desk, route, lambda m: vcalendar(vevent("blink", TUE_UTC)) if m % 2 else vcalendar(),
          TUE_UTC, 60)
    desk.at(TUE_UTC + timedelta(hours=2))
    assert len(debriefs(desk.emulator)) == 1


def test_three_calendars_changing_every_minute_with_the_same_meeting_ask_once(minutely):
    desk = minutely
    # Expect: Alice, Bob and Carol all have it; each feed changes every minute: one prompt.
    desk.emulator.add_channel(DEAL, "deal-acme", members=[ALICE, BOB, CAROL])
    desk.deal()
    people = ("alice@ourco.com", "bob@ourco.com", "carol@ourco.com", "jane@acme.com")
    owners = {ALICE: "alice@ourco.com", BOB: "bob@ourco.com", CAROL: "carol@ourco.com"}
    routes = {u: desk.connect(vcalendar(vevent("shared", TUE_UTC, attendees=people), owner=owners[u]), user=u)
              for u in owners}
    for minute in range(45):
        for n, (user, route) in enumerate(routes.items()):
            touched = vevent("shared", TUE_UTC, attendees=people, lines=[f"SEQUENCE:{minute + n}"])
            route.body = vcalendar(touched, owner=owners[user])
        desk.at(TUE_UTC + timedelta(minutes=minute))
    desk.at(TUE_UTC + timedelta(hours=2))
    assert len(debriefs(desk.emulator)) == 1


def test_a_feed_adding_a_new_internal_meeting_every_minute_still_asks_about_the_customer_once(minutely):
    desk = minutely
    # Expect: each refresh adds one more internal meeting: one prompt, for the Acme meeting only.
    desk.deal()
    route = desk.connect(vcalendar(vevent("cust", TUE_UTC)))

    def growing(minute):
        internal = [vevent(f"int{n}", TUE_UTC + timedelta(hours=1, minutes=n), minutes=5, title="Sync",
                           attendees=OURS) for n in range(minute)]
        return vcalendar(vevent("cust", TUE_UTC), *internal)

    storm(desk, route, growing, TUE_UTC, 50)
    desk.at(TUE_UTC + timedelta(hours=3))
    assert len(debriefs(desk.emulator)) == 1


def test_a_storm_that_moves_a_posted_meeting_back_and_forth_asks_at_most_once_more(minutely):
    desk = minutely
    # Expect: asked Tue; for 30 minutes the feed flips between Tuesday and Thursday each minute,
    # ending on Thursday: one more prompt on Thursday, never more.
    desk.deal()
    route = desk.connect(vcalendar(vevent("pingpong", TUE_UTC)))
    asked(desk)
    storm(desk, route, lambda m: vcalendar(vevent("pingpong", THU_UTC if m % 2 == 0 else TUE_UTC)),
          TUE_UTC + timedelta(hours=1), 31)
    desk.prompted_once_after(THU_UTC + timedelta(minutes=30))
    assert desk.count(FRI_UTC) == 2


def test_a_reminder_due_while_the_bot_was_down_for_hours_is_not_posted_late(
        team, emulator, clock, feeds, tmp_path):
    # Expect: the prompt went out Tue 15:35; the bot is down from 16:00 until Tue 21:00 (the
    # reminder was due at 18:35): no reminder hours late, and the prompt isn't repeated.
    db = tmp_path / "db.json"
    with LocalBot(emulator, db, clock) as first:
        quiet(first)
        desk = Desk(first.driver, emulator, clock, feeds, first.runtime.services.schedule)
        desk.deal()
        desk.connect(vcalendar(vevent("down", TUE_UTC)))
        asked(desk)
        desk.at(TUE_UTC + timedelta(minutes=40))
    clock.set(TUE_UTC + timedelta(hours=6))
    with LocalBot(emulator, db, clock) as second:
        quiet(second)
        desk = Desk(second.driver, emulator, clock, feeds, second.runtime.services.schedule)
        desk.at(TUE_UTC + timedelta(hours=6, minutes=5))
        desk.at(TUE_UTC + timedelta(hours=9))
    assert nudges(desk) == [] and len(debriefs(emulator)) == 1


def test_the_reminder_survives_a_restart_and_is_posted_once(team, emulator, clock, feeds, tmp_path):
    # Expect: prompt Tue 15:35; restart at 17:00; the reminder comes once at 18:35.
    db = tmp_path / "db.json"
    with LocalBot(emulator, db, clock) as first:
        quiet(first)
        desk = Desk(first.driver, emulator, clock, feeds, first.runtime.services.schedule)
        desk.deal()
        desk.connect(vcalendar(vevent("again", TUE_UTC)))
        asked(desk)
        desk.at(TUE_UTC + timedelta(minutes=40))
    clock.set(TUE_UTC + timedelta(hours=2))
    with LocalBot(emulator, db, clock) as second:
        quiet(second)
        desk = Desk(second.driver, emulator, clock, feeds, second.runtime.services.schedule)
        assert nudges(desk) == []
        for minutes in (200, 220, 300, 600):
            desk.at(TUE_UTC + timedelta(minutes=minutes))
    assert len(nudges(desk)) == 1


def test_a_hostile_title_stays_text_in_the_moved_prompt_and_in_the_reminder(desk):
    # Expect: title "Acme Corp <!channel> <@U0BOB> <http://x|y>": the re-asked prompt and its
    # reminder show it as text; nobody is pinged, no link is forged.
    desk.deal()
    title = "Acme Corp <!channel> <@U0BOB> <http://x|y>"
    route = desk.connect(vcalendar(vevent("hostile", TUE_UTC, title=title)))
    asked(desk)
    route.body = vcalendar(vevent("hostile", WED_UTC, title=title))
    desk.at(TUE_UTC + timedelta(hours=1))
    desk.at(WED_UTC + timedelta(minutes=36))
    sweep_until(desk, WED_UTC + timedelta(hours=4))
    posts = [*debriefs(desk.emulator), *nudges(desk)]
    assert len(posts) == 3
    for post in posts:
        text = str(post)
        assert "<!channel>" not in text and "<@U0BOB>" not in text and "<http://x|y>" not in text
        assert "&lt;!channel&gt;" in text


def test_the_reminder_in_a_channel_shared_with_the_partner_speaks_to_both_sides(desk):
    # Expect: shared with Acme, unanswered: the reminder asks what each side committed to,
    # without our internal "what did we get" coaching.
    share_with_acme(desk)
    desk.deal(channel=SHARED)
    desk.connect(vcalendar(vevent("shr", TUE_UTC)))
    asked(desk)
    sweep_until(desk, TUE_UTC + timedelta(hours=4))
    [nudge] = nudges(desk, SHARED)
    text = all_text(nudge)
    assert "each side" in text and "what did we get" not in text


def test_a_partners_reply_in_a_shared_prompts_thread_answers_it(desk):
    # Expect: Dana (Acme, Slack Connect) replies in the prompt's thread: the prompt was
    # answered, no reminder; nothing is logged on our ledger by her reply alone.
    share_with_acme(desk)
    desk.deal(channel=SHARED)
    desk.connect(vcalendar(vevent("dana", TUE_UTC)))
    asked(desk)
    [ts] = prompt_ts(desk, SHARED)
    desk.slack.message("Thanks! We'll get the PO signed by Friday", user=DANA, channel=SHARED, thread_ts=ts,
                       ts="1795100000.000500", user_team=PARTNER_TEAM)
    desk.idle()
    sweep_until(desk, TUE_UTC + timedelta(hours=5))
    assert nudges(desk, SHARED) == [] and items(desk, SHARED) == []


def test_a_title_renamed_every_minute_asks_once_with_the_last_title(minutely):
    # Expect: the organiser keeps renaming it ("Acme sync v0", "v1", …) until it ends: one
    # prompt, naming the title the feed had last.
    desk = minutely
    desk.deal()
    route = desk.connect(vcalendar(vevent("rename", TUE_UTC, title="Acme sync v0")))
    storm(desk, route, lambda m: vcalendar(vevent("rename", TUE_UTC, title=f"Acme sync v{m}")),
          TUE_UTC, 30)
    desk.at(TUE_UTC + timedelta(hours=1))
    [post] = debriefs(desk.emulator)
    assert "Acme sync v29" in all_text(post)
