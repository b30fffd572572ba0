"""Hostile or broken feeds through the real app: a clear status, one DM, nothing crashes or hangs."""

from __future__ import annotations

from datetime import timedelta

import pytest

from bot.calendar_fetch import FetchPolicy
from tests.calendar.feed_server import Route, fixture
from tests.calendar.ics import calendar, event
from tests.conftest import ALICE, BOB, DEAL
from tests.e2e.helpers import all_text, reply_text


def status(slack) -> str:
    return reply_text(slack.command("calendar", user=ALICE, channel=DEAL))


def failing_dms(emulator) -> list[dict]:
    return [m for m in emulator.messages() if "can't read the calendar" in all_text(m)]


@pytest.fixture
def schedule(bot):
    return bot.runtime.services.schedule


def connect(slack, url):
    assert "Connected" in reply_text(slack.command(f"calendar connect {url}", user=ALICE, channel=DEAL))


def test_a_sign_in_page_gets_a_clear_status_and_one_dm_however_often_it_fails(
        team, bot, slack, emulator, clock, feeds, schedule):
    url = feeds.serve("/login", Route(b"<!DOCTYPE html><html><form>Sign in</form></html>",
                                      content_type="text/html; charset=utf-8"))
    connect(slack, url)
    for _ in range(40):  # 40 sweeps over hours: backoff, and still one DM
        schedule.sweep()
        clock.advance(timedelta(minutes=10))
    assert "sign-in page" in status(slack) and "times in a row" in status(slack)
    [dm] = failing_dms(emulator)
    assert "sign-in page" in all_text(dm) and "/login" not in str(dm)
    assert len(feeds.hits["/login"]) < 15  # backed off: not one read per sweep


def test_a_feed_that_recovers_and_fails_again_dms_again_once(
        team, bot, slack, emulator, clock, feeds, schedule):
    route = Route(b"", status=404)
    connect(slack, feeds.serve("/flaky.ics", route))
    schedule.sweep()
    assert len(failing_dms(emulator)) == 1 and "404" in status(slack)
    route.status, route.body = 200, fixture("google_alice.ics")
    clock.advance(timedelta(hours=1))
    schedule.sweep()
    assert "failed" not in status(slack)
    route.status = 500
    for _ in range(12):
        clock.advance(timedelta(hours=1))
        schedule.sweep()
    assert len(failing_dms(emulator)) == 2


def test_a_failure_stored_before_refusals_were_stored_still_gets_a_status(
        team, bot, slack, emulator, clock, feeds, schedule):
    url = feeds.serve("/gone.ics", Route(b"", status=404))
    connect(slack, url)
    schedule.sweep()
    assert "doesn't exist any more (404)" in status(slack)
    # A feed document from before: the sentence itself, no error_refusal.
    calendar = bot.runtime.services.calendar
    feed = calendar.feeds.get("T0001", ALICE)  # the emulator's workspace
    legacy = {k: v for k, v in feed.items() if k != "error_refusal"}
    calendar.feeds.put("T0001", ALICE, {**legacy, "error_message": "The calendar server answered HTTP 404."})
    answer = status(slack)
    assert "failed: The calendar feed couldn't be read." in answer and "404" not in answer


def test_a_ten_megabyte_feed_is_refused_with_a_status(team, bot, slack, emulator, clock, feeds, schedule):
    huge = b"BEGIN:VCALENDAR\r\nX-FILLER:" + b"x" * (10 * 1024 * 1024) + b"\r\nEND:VCALENDAR\r\n"
    connect(slack, feeds.serve("/huge.ics", Route(huge)))
    schedule.sweep()
    assert "over 5 MB" in status(slack)


def test_a_malformed_feed_is_refused_with_a_status(team, bot, slack, emulator, clock, feeds, schedule):
    connect(slack, feeds.serve("/broken.ics", Route(b"BEGIN:VCALENDAR\r\nBEGIN:VEVENT\r\nUID:x\r\n")))
    schedule.sweep()
    assert "malformed" in status(slack)


def test_a_redirect_to_loopback_is_refused_when_loopback_isnt_allowed(
        team, bot, slack, emulator, clock, feeds, schedule, outside):
    inside = feeds.serve("/internal.ics", Route(fixture("google_alice.ics")))
    connect(slack, outside.serve("/hop", Route(status=302, location=inside)))
    # As in production, except that 127.0.0.2 stands in for a public address.
    bot.runtime.services.calendar.policy = FetchPolicy(
        allow_http=True, allow_address=lambda address: address == "127.0.0.2")
    schedule.sweep()
    assert "private network" in status(slack)
    assert "/internal.ics" not in feeds.hits


def test_a_slow_feed_times_out_and_the_other_feeds_and_posts_go_on(
        team, bot, slack, emulator, clock, feeds, schedule):
    bot.runtime.services.calendar.policy = FetchPolicy(allow_http=True, allow_address=lambda a: True,
                                                       timeout=1.0)
    slack.command("deal Acme Corp qualified", user=ALICE, channel=DEAL)
    slack.command("deal Acme Corp domain acme.com", user=ALICE, channel=DEAL)
    connect(slack, feeds.serve("/slow.ics", Route(fixture("google_alice.ics"), drip_seconds=0.05)))
    bobs = calendar(event("acme-call", clock.now() + timedelta(minutes=30), title="Acme call",
                          attendees=["bob@ourco.com", "jane@acme.com"]), owner="bob@ourco.com")
    url = feeds.serve("/bob.ics", Route(bobs))
    assert "Connected" in reply_text(slack.command(f"calendar connect {url}", user=BOB, channel=DEAL))
    schedule.sweep()
    assert "too long" in status(slack)
    clock.advance(timedelta(hours=2))
    schedule.sweep()
    # Bob's feed was read meanwhile, and his meeting asked about.
    assert len([m for m in emulator.messages(DEAL) if "Acme call" in all_text(m)]) == 1


def test_a_series_repeating_every_minute_for_months_is_left_out_and_the_rest_still_read(
        team, bot, slack, emulator, clock, feeds, schedule):
    # Expanding a series walks every minute from its start: since 2020 that was a minute of CPU
    # and gigabytes per poll. One this costly is left out; the real meeting is still asked about.
    slack.command("deal Acme Corp qualified", user=ALICE, channel=DEAL)
    slack.command("deal Acme Corp domain acme.com", user=ALICE, channel=DEAL)
    endless = ("BEGIN:VEVENT\r\nDTSTART:20260901T000000Z\r\nDURATION:PT1M\r\nRRULE:FREQ=MINUTELY\r\n"
               "UID:every-minute\r\nSUMMARY:Acme standup\r\n"
               "ATTENDEE;PARTSTAT=ACCEPTED:mailto:jane@acme.com\r\nEND:VEVENT\r\n")
    feed = calendar(endless, event("acme-call", clock.now() + timedelta(minutes=30), title="Acme call"))
    connect(slack, feeds.serve("/endless.ics", Route(feed)))
    schedule.sweep()
    clock.advance(timedelta(hours=2))
    schedule.sweep()
    said = [all_text(m) for m in emulator.messages(DEAL)]
    assert len([t for t in said if "Acme call" in t]) == 1
    assert not [t for t in said if "Acme standup" in t]


def test_a_five_megabyte_feed_of_past_meetings_still_brings_the_next_debrief(
        team, bot, slack, emulator, clock, feeds, schedule):
    # Years of history: parsing it all took a worker a minute of CPU on every poll. The past
    # one-off meetings are skipped unparsed; the meeting about to happen is read as before.
    slack.command("deal Acme Corp qualified", user=ALICE, channel=DEAL)
    slack.command("deal Acme Corp domain acme.com", user=ALICE, channel=DEAL)
    past = [event(f"old-{i}", clock.now() - timedelta(days=7 + i % 900, hours=i % 9), title="Old sync")
            for i in range(14_000)]
    feed = calendar(*past, event("acme-call", clock.now() + timedelta(minutes=30), title="Acme call"))
    assert 4_000_000 < len(feed) < 5 * 1024 * 1024
    connect(slack, feeds.serve("/history.ics", Route(feed)))
    schedule.sweep()
    clock.advance(timedelta(hours=2))
    schedule.sweep()
    said = [all_text(m) for m in emulator.messages(DEAL)]
    assert len([t for t in said if "Acme call" in t]) == 1 and not [t for t in said if "Old sync" in t]
