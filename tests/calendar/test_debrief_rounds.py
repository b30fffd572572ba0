"""The pure rules behind moved meetings, reminders and broadcast meetings (bot.domain)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from bot.domain.calendar_match import DealTarget, DomainError, match_deals, parse_domains
from bot.domain.debrief_rounds import (
    REMIND_AFTER,
    already_asked,
    answered_since,
    reminder_is_late,
    reminder_job_id,
    round_job_id,
)

NINE = datetime(2026, 11, 24, 9, 0, tzinfo=UTC)
ACME = DealTarget(channel="C1", deal="Acme Corp", domains=("acme.com",))
GLOBEX = DealTarget(channel="C2", deal="Globex", domains=("globex.com",))


def test_a_prompt_sent_after_the_meeting_began_asked_about_it():
    assert already_asked([NINE + timedelta(minutes=35)], NINE)
    assert already_asked([NINE], NINE)  # the very moment it began


def test_a_prompt_sent_before_the_meeting_as_now_scheduled_began_did_not():
    assert not already_asked([NINE - timedelta(minutes=1)], NINE)
    assert not already_asked([], NINE)


def test_any_of_several_asks_after_the_start_settles_it():
    assert already_asked([NINE - timedelta(days=7), NINE + timedelta(hours=1)], NINE)


def test_the_first_round_keeps_the_plain_job_id_and_later_rounds_number_theirs():
    assert round_job_id("calendar:abc", 0) == "calendar:abc"
    assert round_job_id("calendar:abc", 2) == "calendar:abc:2"
    assert reminder_job_id("abc", 0) != reminder_job_id("abc", 1)


def test_something_logged_since_the_start_answers_the_prompt_and_earlier_items_do_not():
    assert answered_since([NINE + timedelta(minutes=50)], NINE)
    assert not answered_since([NINE - timedelta(days=3)], NINE)


def test_a_room_is_no_guest():
    room = "c_1888abc@resource.calendar.google.com"
    assert match_deals("Acme Corp prep", ["alice@ourco.com", room], [ACME], ["ourco.com"]) == []
    assert match_deals("Prep", ["alice@ourco.com", room, "jo@acme.com"], [ACME], ["ourco.com"]) == [ACME]


def test_guests_from_five_companies_are_a_conversation_and_from_six_a_broadcast():
    five = ["alice@ourco.com", "jo@acme.com", "hans@globex.com", *(f"x@c{n}.example" for n in range(3))]
    assert {t.deal for t in match_deals("Partner council", five, [ACME, GLOBEX], ["ourco.com"])} == {
        "Acme Corp", "Globex"}
    six = [*five, "y@c9.example"]
    assert match_deals("Partner council", six, [ACME, GLOBEX], ["ourco.com"]) == []
    assert match_deals("Acme Corp webinar", six, [ACME, GLOBEX], ["ourco.com"]) == [ACME]


def test_personal_addresses_name_no_company_and_do_not_make_a_broadcast():
    guests = ["alice@ourco.com", "jo@acme.com", *(f"fan{n}@gmail.com" for n in range(40))]
    assert match_deals("Roadmap", guests, [ACME], ["ourco.com"]) == [ACME]


def test_a_personal_address_of_partner_staff_is_kept_whole_and_matches_only_that_person():
    assert parse_domains("acme.com <mailto:Jane.Doe@Gmail.com|Jane.Doe@Gmail.com>") == [
        "acme.com", "jane.doe@gmail.com"]
    deal = DealTarget(channel="C1", deal="Acme Corp", domains=("acme.com", "jane.doe@gmail.com"))
    assert match_deals("Coffee", ["alice@ourco.com", "jane.doe@gmail.com"], [deal], ["ourco.com"]) == [deal]
    assert match_deals("Coffee", ["alice@ourco.com", "joe@gmail.com"], [deal], ["ourco.com"]) == []


def test_a_company_address_or_a_mangled_personal_one_is_refused():
    for text in ("jane@acme.com", "ja ne@gmail.com", "@@gmail.com"):
        with pytest.raises(DomainError):
            parse_domains(text)


def test_a_reminder_is_posted_up_to_an_hour_late_and_not_after():
    due = NINE + REMIND_AFTER
    assert not reminder_is_late(due, due + timedelta(minutes=59))
    assert reminder_is_late(due, due + timedelta(minutes=61))
