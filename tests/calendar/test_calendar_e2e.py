"""Calendar meetings → debrief prompts, end to end: signed slash commands to the real app, feeds
served over local HTTP, polls and posts driven by the scheduler's sweep on a FakeClock."""

from __future__ import annotations

import logging
from datetime import UTC, datetime, timedelta

import pytest

from bot.emulator.local_bot import LocalBot
from tests.calendar.feed_server import Route, fixture
from tests.calendar.ics import calendar, event
from tests.calendar.scenario_kit import debriefs
from tests.conftest import ALICE, BOB, CAROL, DEAL, OTHER
from tests.e2e.helpers import action_values, all_text, reply_text

PILOT_ENDS = datetime(2026, 11, 23, 16, 30, tzinfo=UTC)  # "Pilot review" in both fixtures


def acme_deal(slack, channel=DEAL, name="Acme Corp", user=ALICE):
    slack.command(f"deal {name} qualified", user=user, channel=channel)
    answer = reply_text(slack.command(f"deal {name} domain acme.com", user=user, channel=channel))
    assert "acme.com" in answer


def connect(slack, url, user=ALICE, channel=DEAL):
    answer = reply_text(slack.command(f"calendar connect {url}", user=user, channel=channel))
    assert "Connected" in answer, answer
    return answer


def at(clock, schedule, when):
    clock.set(when)
    return schedule.sweep()


@pytest.fixture
def schedule(bot):
    return bot.runtime.services.schedule


def test_a_meeting_with_acme_attendees_posts_exactly_one_debrief_in_the_acme_channel(
        team, bot, slack, emulator, clock, feeds, schedule):
    acme_deal(slack)
    connect(slack, feeds.serve("/alice.ics", Route(fixture("google_alice.ics"))))
    schedule.sweep()
    at(clock, schedule, PILOT_ENDS + timedelta(minutes=4))
    assert debriefs(emulator) == []
    at(clock, schedule, PILOT_ENDS + timedelta(minutes=6))
    at(clock, schedule, PILOT_ENDS + timedelta(minutes=12))
    [post] = debriefs(emulator)
    text = all_text(post)
    assert "Acme Corp" in text and "Pilot review" in text
    assert f"<@{ALICE}>" in text and f"<@{BOB}>" in text  # bob@ourco.com found by users.lookupByEmail
    assert action_values(post, "debrief_open") == ["Acme Corp"]  # the same debrief form
    assert emulator.messages(OTHER) == []


def test_the_debrief_button_opens_the_usual_debrief_form(team, bot, slack, emulator, clock, feeds, schedule):
    acme_deal(slack)
    connect(slack, feeds.serve("/alice.ics", Route(fixture("google_alice.ics"))))
    schedule.sweep()
    at(clock, schedule, PILOT_ENDS + timedelta(minutes=6))
    [post] = debriefs(emulator)
    slack.action("debrief_open", action_values(post, "debrief_open")[0], user=ALICE, channel=DEAL)
    emulator.wait_for("views.open")
    assert emulator.find_view(callback_id="debrief") is not None


def test_internal_meetings_declined_and_all_day_events_post_nothing(
        team, bot, slack, emulator, clock, feeds, schedule):
    acme_deal(slack)
    connect(slack, feeds.serve("/alice.ics", Route(fixture("google_alice.ics"))))
    schedule.sweep()
    # Past the internal "Acme deal prep", the declined dinner and the all-day onsite.
    for hour in range(1, 36):
        at(clock, schedule, datetime(2026, 11, 23, 16, 0, tzinfo=UTC) + timedelta(hours=hour))
    titles = [all_text(m) for m in debriefs(emulator)]
    assert not any("internal" in t or "Dinner" in t or "onsite" in t for t in titles)
    assert len([t for t in titles if "Pilot review" in t]) == 1


def test_a_moved_occurrence_is_asked_about_at_its_new_time_and_a_cancelled_one_never(
        team, bot, slack, emulator, clock, feeds, schedule):
    acme_deal(slack)
    connect(slack, feeds.serve("/alice.ics", Route(fixture("google_alice.ics"))))
    schedule.sweep()
    # The series' usual slot (13:00 New York = 18:00 UTC) was moved to 15:00 New York.
    at(clock, schedule, datetime(2026, 11, 23, 18, 40, tzinfo=UTC))
    assert debriefs(emulator, about="Weekly sync") == []
    at(clock, schedule, datetime(2026, 11, 23, 20, 36, tzinfo=UTC))
    assert len(debriefs(emulator, about="Weekly sync (moved)")) == 1
    # 30 November's occurrence is cancelled.
    for hour in range(0, 30, 2):
        at(clock, schedule, datetime(2026, 11, 30, 12, 0, tzinfo=UTC) + timedelta(hours=hour))
    assert len(debriefs(emulator, about="Weekly sync")) == 1


@pytest.mark.parametrize("etag", [True, False], ids=["etag", "no-etag"])
def test_a_meeting_moved_after_it_was_planned_replans_and_a_cancelled_one_cancels(
        team, bot, slack, emulator, clock, feeds, schedule, etag):
    acme_deal(slack)
    first = datetime(2026, 11, 23, 17, 0, tzinfo=UTC)
    route = Route(calendar(event("move-me", first), event("cancel-me", first, title="Acme pricing")),
                  etag=etag)
    connect(slack, feeds.serve("/alice.ics", route))
    schedule.sweep()
    later = first + timedelta(hours=2)
    route.body = calendar(event("move-me", later), event("cancel-me", first, title="Acme pricing",
                                                           status="CANCELLED"))
    at(clock, schedule, first - timedelta(minutes=10))  # past the poll interval: read again
    at(clock, schedule, first + timedelta(minutes=40))
    assert debriefs(emulator) == []
    at(clock, schedule, later + timedelta(minutes=36))
    [post] = debriefs(emulator)
    assert "Pilot review" in all_text(post)


def test_a_meeting_deleted_from_the_feed_cancels_its_prompt(
        team, bot, slack, emulator, clock, feeds, schedule):
    acme_deal(slack)
    start = datetime(2026, 11, 23, 17, 0, tzinfo=UTC)
    route = Route(calendar(event("deleted", start)))
    connect(slack, feeds.serve("/alice.ics", route))
    schedule.sweep()
    route.body = calendar()
    at(clock, schedule, start - timedelta(minutes=5))
    at(clock, schedule, start + timedelta(hours=2))
    assert debriefs(emulator) == []


def test_the_same_meeting_in_two_connected_calendars_posts_once(
        team, bot, slack, emulator, clock, feeds, schedule):
    acme_deal(slack)
    connect(slack, feeds.serve("/alice.ics", Route(fixture("google_alice.ics"))))
    connect(slack, feeds.serve("/bob.ics", Route(fixture("outlook_bob.ics"))), user=BOB)
    schedule.sweep()
    at(clock, schedule, PILOT_ENDS + timedelta(minutes=6))
    at(clock, schedule, PILOT_ENDS + timedelta(minutes=30))
    assert len(debriefs(emulator, about="Pilot review")) == 1


def test_a_restart_between_planning_and_the_end_still_posts_exactly_once(team, clock, feeds, tmp_path):
    emulator = team
    url = feeds.serve("/alice.ics", Route(fixture("google_alice.ics")))
    with LocalBot(emulator, tmp_path / "db.json", clock) as first:
        acme_deal(first.driver)
        connect(first.driver, url)
        first.runtime.services.schedule.sweep()
    clock.set(PILOT_ENDS + timedelta(minutes=20))  # it ended while the bot was down
    with LocalBot(emulator, tmp_path / "db.json", clock) as second:
        second.runtime.services.schedule.sweep()
        second.runtime.services.schedule.sweep()
    clock.advance(timedelta(minutes=10))
    with LocalBot(emulator, tmp_path / "db.json", clock) as third:
        third.runtime.services.schedule.sweep()
    assert len(debriefs(emulator, about="Pilot review")) == 1


def test_a_meeting_matching_deals_in_two_channels_asks_its_owner_by_dm(
        team, bot, slack, emulator, clock, feeds, schedule):
    emulator.add_channel("C0ACMEEU", "deal-acme-eu", members=[ALICE])
    acme_deal(slack)
    acme_deal(slack, channel="C0ACMEEU", name="Acme EU")
    connect(slack, feeds.serve("/alice.ics", Route(fixture("google_alice.ics"))))
    schedule.sweep()
    at(clock, schedule, PILOT_ENDS + timedelta(minutes=6))
    assert debriefs(emulator) == [] and debriefs(emulator, "C0ACMEEU") == []
    [question] = [m for m in emulator.messages() if "Which deal" in m.get("text", "")]
    values = action_values(question, "calendar_choose")
    assert len(values) == 2
    chosen = next(v for v in values if v.endswith("C0ACMEEU"))
    slack.action("calendar_choose", chosen, user=BOB, channel=question["channel"])
    emulator.wait_for_count("response_url", 1)
    slack.action("calendar_choose", chosen, user=ALICE, channel=question["channel"])
    emulator.wait_for_count("response_url", 2)
    replies = [all_text(c.args) for c in emulator.calls_to("response_url")]
    assert "Only someone whose calendar" in replies[0] and "asking" in replies[1]
    schedule.run_due()
    [post] = debriefs(emulator, "C0ACMEEU")
    assert "Debrief: Acme EU" in all_text(post) and debriefs(emulator) == []
    at(clock, schedule, PILOT_ENDS + timedelta(minutes=30))  # later sweeps keep it that way
    assert len(debriefs(emulator, "C0ACMEEU")) == 1 and debriefs(emulator) == []


def test_meetings_only_go_to_channels_the_owner_is_in(team, bot, slack, emulator, clock, feeds, schedule):
    acme_deal(slack, channel=OTHER, user=CAROL)  # Acme worked in #deal-globex, where Alice isn't
    connect(slack, feeds.serve("/alice.ics", Route(fixture("google_alice.ics"))))
    schedule.sweep()
    at(clock, schedule, PILOT_ENDS + timedelta(minutes=30))
    assert debriefs(emulator, OTHER) == []


def test_status_shows_the_masked_address_last_read_and_next_matched_meetings(
        team, bot, slack, emulator, clock, feeds, schedule):
    acme_deal(slack)
    url = feeds.serve("/alice.ics", Route(fixture("google_alice.ics")))
    connect(slack, url, channel="D0ALICE")  # works from a DM too
    before = reply_text(slack.command("calendar", user=ALICE, channel="D0ALICE"))
    assert "Last read: never" in before
    schedule.sweep()
    status = reply_text(slack.command("calendar", user=ALICE, channel=DEAL))
    assert "http://127.0.0.1/…" in status and "/alice.ics" not in status
    assert "Pilot review" in status and "Weekly sync (moved)" in status and f"<#{DEAL}>" in status
    assert "Dinner" not in status and "internal" not in status
    answer = reply_text(slack.command("calendar disconnect", user=ALICE, channel=DEAL))
    assert "Disconnected" in answer
    clock.set(PILOT_ENDS + timedelta(minutes=30))
    schedule.run_due()  # an alarm, before any sweep re-plans: its prompts went with it already
    assert debriefs(emulator) == []
    schedule.sweep()
    assert debriefs(emulator) == []
    assert "no calendar connected" in reply_text(slack.command("calendar", user=ALICE, channel=DEAL))


def test_deal_list_shows_domains(team, bot, slack):
    acme_deal(slack)
    listing = reply_text(slack.command("deal", user=ALICE, channel=DEAL))
    assert "Acme Corp" in listing and "acme.com" in listing


def test_the_address_is_never_echoed_posted_or_logged(
        team, bot, slack, emulator, clock, feeds, schedule, caplog):
    secret = "/calendar/ical/alice/private-0123456789abcdef/basic.ics"
    url = feeds.serve(secret, Route(b"<html>Sign in</html>", content_type="text/html"))
    with caplog.at_level(logging.DEBUG):
        connect(slack, url)
        schedule.sweep()
        status = reply_text(slack.command("calendar", user=ALICE, channel=DEAL))
    assert "sign-in page" in status
    seen = [str(c.args) for c in emulator.calls] + [r.getMessage() for r in caplog.records]
    assert not any("private-0123456789abcdef" in s for s in seen)


@pytest.mark.parametrize(("text", "says"), [
    ("calendar connect", "Give the calendar's secret iCal address"),
    ("calendar connect not a url", "no spaces"),
    ("calendar connect ftp://example.com/x.ics", "should start with https"),
    ("calendar connect <!channel>", "should start with https"),
    ("calendar connect <http://x|y>", "must use https"),
    ("calendar connect https://169.254.169.254/latest/meta-data", "private network"),
    ("calendar connect https://example.com/" + "x" * 1990, "2000"),
    ("calendar https://calendar.google.com/secret-path", "knows connect"),
    ("deal Acme Corp domain gmail.com", "public mail provider"),
    ("deal Acme Corp domain <!channel>", "isn't a domain"),
    ("deal Nobody domain nobody.com", "no deal “Nobody”"),
])
def test_bad_calendar_and_domain_commands_are_explained_and_store_nothing(
        team, bot, slack, emulator, text, says):
    bot.runtime.services.calendar.allow_private = False  # as in production
    slack.command("deal Acme Corp qualified", user=ALICE, channel=DEAL)
    answer = reply_text(slack.command(text, user=ALICE, channel=DEAL))
    assert says in answer and ":warning:" in answer
    assert "<!channel>" not in answer and "secret-path" not in answer
    assert "no calendar connected" in reply_text(slack.command("calendar", user=ALICE, channel=DEAL))
    assert "acme.com" not in reply_text(slack.command("deal", user=ALICE, channel=DEAL)).replace("gmail", "")


def test_a_retried_connect_keeps_what_was_read_and_planned(
        team, bot, slack, emulator, clock, feeds, schedule):
    acme_deal(slack)
    url = feeds.serve("/alice.ics", Route(fixture("google_alice.ics")))
    connect(slack, url)
    schedule.sweep()
    slack.command(f"calendar connect {url}", user=ALICE, channel=DEAL, retry_num=1)
    assert "Last read: never" not in reply_text(slack.command("calendar", user=ALICE, channel=DEAL))
    at(clock, schedule, PILOT_ENDS + timedelta(minutes=6))
    assert len(debriefs(emulator, about="Pilot review")) == 1


def test_planning_every_minute_asks_slack_for_memberships_only_every_few_minutes(
        team, bot, slack, emulator, clock, feeds, schedule):
    acme_deal(slack)
    connect(slack, feeds.serve("/alice.ics", Route(fixture("google_alice.ics"))))
    before = len(emulator.calls_to("users.conversations"))
    for _ in range(9):
        schedule.sweep()
        clock.advance(timedelta(minutes=1))
    assert len(emulator.calls_to("users.conversations")) - before == 1
