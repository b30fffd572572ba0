"""Check-ins, weekly digests and reminders end to end: signed HTTP in, a FakeClock moved by hand,
``run_due``/``sweep`` called where the scheduler would, the emulator's records out."""

from __future__ import annotations

import json
import time
from datetime import UTC, datetime, timedelta

import pytest
from slack_sdk.http_retry.builtin_handlers import RateLimitErrorRetryHandler

from bot.slack.client import RATE_LIMIT_RETRIES
from bot.store import Scope
from tests.conftest import ALICE, BOB, CAROL, DEAL, OTHER
from tests.e2e.helpers import action_values, all_text, reply_text, visible

SCOPE = Scope("T0001", DEAL)
INJECTIONS = ["<!channel>", "<@U0BOB>", "<http://evil.example|click me>", "<!here|here>"]


def wait_until(predicate, timeout: float = 5.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(0.01)
    raise AssertionError("timed out waiting")


@pytest.fixture
def schedule(bot):
    return bot.runtime.services.schedule


def jobs(local_bot, kind: str, scope: Scope = SCOPE, status: str | None = None):
    docs = local_bot.runtime.services.schedule.jobs.find(scope, lambda d: d["type"] == kind)
    return sorted((d for d in docs if status in (None, d["status"])), key=lambda d: d["due_at"])


def posted(emulator, job_prefix: str, channel: str | None = None):
    return [m for m in emulator.messages(channel)
            if (m.get("metadata") or {}).get("event_payload", {}).get("job_id", "").startswith(job_prefix)]


def sign(slack, bot, deal: str = "Acme", user: str = ALICE, channel: str = DEAL, count: int = 3):
    slack.command(f"deal {deal} signed", user=user, channel=channel)
    return wait_until(lambda: len(jobs(bot, "checkin", Scope("T0001", channel))) >= count and
                      jobs(bot, "checkin", Scope("T0001", channel)))


# --------------------------------------------------------------------------- check-ins


def test_signed_deal_gets_three_checkins_at_10am_local_on_weekdays(slack, bot, schedule):
    # Alice (New York) signs on Monday 2026-11-23; +90 days is a Sunday.
    checkins = sign(slack, bot)
    assert [(d["id"], d["due_at"]) for d in checkins] == [
        ("checkin:acme:7", "2026-11-30T15:00:00+00:00"),
        ("checkin:acme:30", "2026-12-23T15:00:00+00:00"),
        ("checkin:acme:90", "2027-02-22T15:00:00+00:00"),
    ]
    text = reply_text(slack.command("checkins", user=BOB, channel=DEAL))
    assert "Mon 30 Nov 2026, 10:00 EST" in text and "Wed 23 Dec 2026, 10:00 EST" in text
    assert "Mon 22 Feb 2027, 10:00 EST" in text and "America/New_York" in text


def test_checkins_follow_the_signers_time_zone_across_dst(slack, bot, schedule, emulator, clock):
    emulator.add_user("U0DIETER", name="dieter", tz="Europe/Berlin")
    emulator.add_channel("C0BERLIN", "deal-berlin", members=["U0DIETER"])
    clock.set(datetime(2027, 3, 22, 9, 0, tzinfo=UTC))  # Monday 10:00 CET
    slack.command("checkins 6d 7d", user="U0DIETER", channel="C0BERLIN")
    checkins = sign(slack, bot, "Bahn", user="U0DIETER", channel="C0BERLIN", count=2)
    # +6 is Sunday 2027-03-28 (the clocks spring forward) -> Monday; both at 10:00 CEST.
    assert [d["due_at"] for d in checkins] == ["2027-03-29T08:00:00+00:00"] * 2


def test_checkins_post_once_each_as_time_passes(slack, bot, schedule, emulator, clock):
    slack.command("give pilot workspace by Friday", user=ALICE, channel=DEAL)
    slack.command("give onboarding call", user=ALICE, channel=DEAL)
    slack.command("get case study from Dana by Dec 1", user=ALICE, channel=DEAL)
    sign(slack, bot)
    slack.command("done 1", user=ALICE, channel=DEAL)
    clock.set(datetime(2026, 11, 30, 14, 59, tzinfo=UTC))
    assert schedule.run_due().posted == []
    clock.set(datetime(2026, 11, 30, 15, 0, tzinfo=UTC))
    assert schedule.run_due().posted == ["checkin:acme:7"]
    assert schedule.run_due().posted == []
    [checkin] = posted(emulator, "checkin:", DEAL)
    text = all_text(checkin)
    assert "7-day check-in: Acme" in text
    assert "Kept since the signature (1)" in text and "pilot workspace" in text  # celebrated
    assert "we give (1)" in text and "onboarding call" in text and "case study" in text
    clock.set(datetime(2026, 12, 23, 15, 0, tzinfo=UTC))
    schedule.run_due()
    assert "Overdue (1)" in all_text(posted(emulator, "checkin:acme:30")[0])  # due Dec 1, still open
    clock.set(datetime(2027, 3, 1, tzinfo=UTC))
    schedule.run_due()
    schedule.run_due()
    assert [m["metadata"]["event_payload"]["job_id"] for m in posted(emulator, "checkin:")] == [
        "checkin:acme:7", "checkin:acme:30", "checkin:acme:90"]


def test_checkins_survive_a_restart(slack, bot, schedule, emulator, clock, restart):
    sign(slack, bot)
    clock.set(datetime(2026, 11, 30, 15, tzinfo=UTC))
    assert schedule.run_due().posted == ["checkin:acme:7"]
    again = restart()
    assert [d["status"] for d in jobs(again, "checkin")] == ["done", "pending", "pending"]
    clock.set(datetime(2026, 12, 23, 15, tzinfo=UTC))
    assert again.runtime.services.schedule.run_due().posted == ["checkin:acme:30"]
    assert len(posted(emulator, "checkin:")) == 2


def test_a_checkin_missed_while_down_runs_once_at_start_up(slack, bot, schedule, emulator, clock, restart):
    sign(slack, bot)
    bot.stop()
    clock.set(datetime(2026, 12, 2, 12, tzinfo=UTC))  # two days after the 7-day check-in
    again = restart()
    again.runtime.start_background()  # what `serve` does: the scheduler sweeps at once
    scheduler = again.runtime.services.schedule.scheduler
    try:
        wait_until(lambda: jobs(again, "checkin")[0]["status"] == "done")
    finally:
        scheduler.stop()
    restart().runtime.services.schedule.sweep()  # a later start-up leaves it alone
    assert [m["metadata"]["event_payload"]["job_id"] for m in posted(emulator, "checkin:")] == [
        "checkin:acme:7"]


def test_crash_between_post_and_record_does_not_double_after_restart(
    slack, bot, schedule, emulator, clock, restart
):
    sign(slack, bot)
    clock.set(datetime(2026, 11, 30, 15, tzinfo=UTC))

    def crash(*args):
        raise RuntimeError("killed between post and record")

    schedule.dispatcher.record_posted = crash
    schedule.run_due()
    assert len(posted(emulator, "checkin:acme:7")) == 1
    assert jobs(bot, "checkin")[0]["status"] == "sending"
    again = restart()
    report = again.runtime.services.schedule.sweep()
    assert report.recovered == ["checkin:acme:7"] and report.posted == []
    assert len(posted(emulator, "checkin:acme:7")) == 1
    assert jobs(again, "checkin")[0]["status"] == "done"


def test_cadence_change_reschedules_pending_checkins(slack, bot, schedule, clock):
    sign(slack, bot)
    clock.set(datetime(2026, 11, 30, 15, tzinfo=UTC))
    schedule.run_due()  # the 7-day check-in is history now
    text = reply_text(slack.command("checkins 2w 60d 3m", user=ALICE, channel=DEAL))
    assert "14, 60, 90 days" in text
    by_id = {d["id"]: d for d in jobs(bot, "checkin")}
    assert by_id["checkin:acme:7"]["status"] == "done"
    assert by_id["checkin:acme:30"]["status"] == "cancelled"
    assert by_id["checkin:acme:14"]["due_at"] == "2026-12-07T15:00:00+00:00"
    assert by_id["checkin:acme:60"]["due_at"] == "2027-01-22T15:00:00+00:00"
    assert by_id["checkin:acme:90"]["status"] == "pending"
    assert "now *off*" in reply_text(slack.command("checkins off", user=ALICE, channel=DEAL))
    assert jobs(bot, "checkin", status="pending") == []
    assert bot.runtime.services.settings.get(SCOPE)["checkin_days"] == []
    slack.command("checkins 7d 30d 90d", user=ALICE, channel=DEAL)
    assert [d["id"] for d in jobs(bot, "checkin", status="pending")] == [
        "checkin:acme:30", "checkin:acme:90"]  # 7 days is done; 14 and 60 stay cancelled
    assert schedule.run_due().posted == []


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("checkins 7x", "isn't an interval"),
        ("checkins 0d", "1 to 730"),
        ("checkins 1000d", "1 to 730"),
        ("checkins 1d 2d 3d 4d 5d 6d 7d", "6 at most"),
        ("checkins sometimes", "isn't an interval"),
        ("digest sometimes", "I don't know"),
        ("digest weekly", "Give a day and a time"),
        ("digest weekly someday 09:00", "isn't a day of the week"),
        ("digest weekly monday 25:00", "isn't a time"),
        ("digest weekly monday 09:00 Mars/Base", "isn't a time zone"),
        ("digest weekly monday 09:00 UTC extra", "Give a day and a time"),
    ],
)
def test_bad_schedule_arguments_get_a_friendly_answer_and_change_nothing(
    slack, bot, schedule, text, expected
):
    sign(slack, bot)
    before_settings = bot.runtime.services.settings.get(SCOPE)
    before_jobs = jobs(bot, "checkin") + jobs(bot, "digest")
    answer = reply_text(slack.command(text, user=ALICE, channel=DEAL))
    assert expected in answer and ":warning:" in answer and "Usage" in answer
    assert bot.runtime.services.settings.get(SCOPE) == before_settings
    assert jobs(bot, "checkin") + jobs(bot, "digest") == before_jobs


# --------------------------------------------------------------------------- digests


def digest_ids(ids):
    return sorted(i for i in ids if i.startswith("digest:"))


def busy_week(slack):
    slack.command("give pilot workspace by Wednesday", user=ALICE, channel=DEAL)
    slack.command("get intro to their CFO from Dana by Friday", user=BOB, channel=DEAL)
    slack.command("give security review", user=ALICE, channel=DEAL)
    slack.command("done 3", user=ALICE, channel=DEAL)
    slack.command("deal Acme negotiation", user=ALICE, channel=DEAL)


def test_digest_now_posts_one_digest_for_a_busy_channel(slack, bot, schedule, emulator):
    busy_week(slack)
    answer = reply_text(slack.command("digest now", user=ALICE, channel=DEAL))
    assert "Posting" in answer
    emulator.wait_for(lambda calls: any(
        "Weekly partnership digest" in all_text(m) for m in emulator.messages(DEAL)))
    bot.wait_idle()
    digests = [m for m in emulator.messages(DEAL) if "Weekly partnership digest" in all_text(m)]
    assert len(digests) == 1
    text = all_text(digests[0])
    assert "3 made · 1 kept" in text and "Acme* — Negotiation" in text
    assert "security review" in text and "pilot workspace" in text and "intro to their CFO" in text
    assert len(digests[0]["blocks"]) <= 50
    assert text.index("This week") < text.index("Deals")  # the compact summary comes first


def test_digest_now_in_an_empty_channel_explains_instead(slack, bot, schedule, emulator):
    answer = reply_text(slack.command("digest now", user=CAROL, channel=OTHER))
    assert "nothing to digest" in answer.lower()
    bot.wait_idle()
    assert emulator.calls_to("chat.postMessage") == []


def test_weekly_digest_posts_for_busy_channels_and_skips_quiet_ones(slack, bot, schedule, emulator, clock):
    slack.command("give globex pilot", user=CAROL, channel=OTHER)
    busy_week(slack)
    schedule.sweep()  # plans next Monday's digests (09:00 in each channel's zone)
    by_channel = {c: [d["due_at"] for d in jobs(bot, "digest", Scope("T0001", c))] for c in (DEAL, OTHER)}
    assert by_channel == {DEAL: ["2026-11-30T14:00:00+00:00"],  # 09:00 New York
                          OTHER: ["2026-11-30T00:00:00+00:00"]}  # 09:00 Tokyo
    clock.set(datetime(2026, 11, 30, 14, 0, tzinfo=UTC))
    report = schedule.sweep()
    assert digest_ids(report.posted) == ["digest:2026-W49", "digest:2026-W49"]
    # Week two: only the deal channel has news.
    slack.command("give deck", user=ALICE, channel=DEAL)
    clock.set(datetime(2026, 12, 7, 14, 0, tzinfo=UTC))
    report = schedule.sweep()
    assert digest_ids(report.posted) == digest_ids(report.skipped) == ["digest:2026-W50"]
    assert len(posted(emulator, "digest:", DEAL)) == 2
    assert len(posted(emulator, "digest:", OTHER)) == 1
    second = all_text(posted(emulator, "digest:2026-W50", DEAL)[0])
    # Week one ended at 2 gives / 1 get; the deck makes it 3 / 1: the lean grew from 1 to 2.
    assert ("More one-sided than last week — we've promised more than we've asked of them "
            "(we give +1, we get +0).") in second
    assert "First digest" in all_text(posted(emulator, "digest:2026-W49", DEAL)[0])
    schedule.sweep()
    assert len(posted(emulator, "digest:")) == 3


def test_digest_schedule_can_move_and_stop(slack, bot, schedule, emulator, clock):
    busy_week(slack)
    schedule.sweep()
    text = reply_text(slack.command("digest weekly fri 16:30 europe/berlin", user=ALICE, channel=DEAL))
    assert "Fridays at 16:30" in text and "Europe/Berlin" in text and "Fri 27 Nov 2026, 16:30 CET" in text
    assert [(d["id"], d["status"], d["due_at"]) for d in jobs(bot, "digest")] == [
        ("digest:2026-W48", "pending", "2026-11-27T15:30:00+00:00"),
        ("digest:2026-W49", "cancelled", "2026-11-30T14:00:00+00:00"),
    ]
    assert "off" in reply_text(slack.command("digest off", user=ALICE, channel=DEAL))
    clock.set(datetime(2026, 12, 20, tzinfo=UTC))
    schedule.sweep()
    assert posted(emulator, "digest:") == []
    assert "Fridays at 16:30" in reply_text(slack.command("digest on", user=ALICE, channel=DEAL))
    assert [d["status"] for d in jobs(bot, "digest")][-1] == "pending"


@pytest.mark.parametrize("injection", INJECTIONS)
def test_item_text_reaches_the_digest_escaped(slack, bot, schedule, emulator, clock, injection):
    slack.command(f"give {injection} pilot & more by Wednesday", user=ALICE, channel=DEAL)
    slack.command(f"deal {injection} Corp negotiation", user=ALICE, channel=DEAL)
    schedule.sweep()
    clock.set(datetime(2026, 11, 30, 14, tzinfo=UTC))
    schedule.sweep()
    [digest] = posted(emulator, "digest:", DEAL)
    raw = json.dumps(visible(digest))
    assert "<!channel>" not in raw and "<!here" not in raw and "<http://evil" not in raw
    assert "<@U0BOB>" not in raw
    assert "&amp; more" in raw


def test_a_huge_week_stays_inside_block_kit_limits(slack, bot, schedule, emulator, clock):
    store = bot.runtime.services.ledger
    for i in range(40):
        store.add(SCOPE, side="give" if i % 2 else "get", what=("&<>" * 100)[:300], owner=ALICE,
                  created_by=ALICE, due_on=clock.now().date() + timedelta(days=1))
    for i in range(12):
        bot.runtime.services.deals.set_stage(SCOPE, f"Deal {i} " + "&" * 70, __import__(
            "bot.domain.stages", fromlist=["Stage"]).Stage.PROPOSAL, ALICE)
    schedule.sweep()
    clock.set(datetime(2026, 11, 30, 14, tzinfo=UTC))
    assert digest_ids(schedule.sweep().posted) == ["digest:2026-W49"]
    [digest] = posted(emulator, "digest:", DEAL)
    assert len(digest["blocks"]) <= 50
    assert all(len(b.get("text", {}).get("text", "")) <= 3000 for b in digest["blocks"])
    assert "…and 15 more (`/partner list" in all_text(digest)


def test_a_429_during_a_digest_run_still_posts_each_digest_once(slack, bot, schedule, emulator, clock):
    for channel, user in ((DEAL, ALICE), (OTHER, CAROL)):
        slack.command("give pilot", user=user, channel=channel)
    emulator.add_channel("C0THIRD", "deal-third", members=[ALICE])
    slack.command("give deck", user=ALICE, channel="C0THIRD")
    schedule.sweep()
    clock.set(datetime(2026, 12, 1, tzinfo=UTC))
    # One 429 that slack-sdk's handler waits out (Retry-After: 0), then one that outlasts it.
    emulator.fail_next("chat.postMessage", "ratelimited", retry_after=0)
    report = schedule.sweep()
    assert len(digest_ids(report.posted)) == 3
    emulator.fail_next("chat.postMessage", "ratelimited", retry_after=0, times=RATE_LIMIT_RETRIES + 1)
    [handler] = [h for h in bot.runtime.client.retry_handlers if isinstance(h, RateLimitErrorRetryHandler)]
    handler.max_retry_count = 0  # let the 429 reach the dispatcher without slack-sdk's sleeps
    slack.command("give more", user=ALICE, channel=DEAL)
    slack.command("give more", user=CAROL, channel=OTHER)
    clock.set(datetime(2026, 12, 8, tzinfo=UTC))
    report = schedule.sweep()
    assert len(report.retrying) >= 1
    for _ in range(RATE_LIMIT_RETRIES + 2):
        clock.advance(timedelta(minutes=5))
        schedule.run_due()
    digests = posted(emulator, "digest:")
    keys = sorted((m["channel"], m["metadata"]["event_payload"]["job_id"]) for m in digests)
    assert keys == sorted({(c, w) for c in (DEAL, OTHER) for w in ("digest:2026-W49", "digest:2026-W50")}
                          | {("C0THIRD", "digest:2026-W49")})


def test_digests_due_together_are_paced(slack, bot, schedule, emulator, clock):
    sleeps = schedule.limiter.sleep
    for channel in ("C0A", "C0B", "C0C"):
        emulator.add_channel(channel, channel.lower(), members=[ALICE])
        slack.command("give pilot", user=ALICE, channel=channel)
    schedule.sweep()
    clock.set(datetime(2026, 11, 30, 14, tzinfo=UTC))
    sleeps.clear()
    assert len(digest_ids(schedule.sweep().posted)) == 3
    assert len(sleeps) == 2 and all(0.9 <= s <= 1.0 for s in sleeps)  # one per second, workspace-wide


# --------------------------------------------------------------------------- reminders


def dms(emulator, user=ALICE):
    return posted(emulator, "reminder:", user)


def test_owner_is_reminded_once_the_day_before_and_once_when_overdue(slack, bot, schedule, emulator, clock):
    slack.command("give pilot workspace by Wednesday", user=ALICE, channel=DEAL)
    slack.command("get intro from Dana <@U0BOB|bob> by Wednesday", user=ALICE, channel=DEAL)
    slack.command("give no date", user=ALICE, channel=DEAL)
    schedule.sweep()
    assert dms(emulator) == []
    clock.set(datetime(2026, 11, 24, 14, 0, tzinfo=UTC))  # Tuesday 09:00 New York
    schedule.sweep()
    schedule.sweep()
    [alice] = dms(emulator, ALICE)
    assert dms(emulator, BOB) == []  # 06:00 in Los Angeles: Bob hears at 09:00 his time
    clock.set(datetime(2026, 11, 24, 17, 0, tzinfo=UTC))
    schedule.sweep()
    [bob] = dms(emulator, BOB)
    assert "due tomorrow" in all_text(alice) and "pilot workspace" in all_text(alice)
    assert "<#C0DEAL>" in all_text(alice)
    assert "intro" in all_text(bob) and "We get" in all_text(bob)
    assert action_values(alice, "reminder_done") and action_values(alice, "reminder_snooze")
    clock.set(datetime(2026, 11, 26, 17, 0, tzinfo=UTC))  # Thursday: overdue for both
    schedule.sweep()
    schedule.sweep()
    assert len(dms(emulator, ALICE)) == 2 and "overdue since Wed 25 Nov" in all_text(dms(emulator)[1])
    clock.advance(timedelta(days=5))
    schedule.sweep()
    assert len(dms(emulator, ALICE)) == 2 and len(dms(emulator, BOB)) == 2


def test_no_reminder_dm_to_an_owner_outside_the_channel(slack, bot, schedule, emulator, clock):
    # Carol isn't in the deal channel: a DM would show her its ledger.
    slack.command("give pilot workspace <@U0CAROL|carol> by Wednesday", user=ALICE, channel=DEAL)
    clock.set(datetime(2026, 11, 25, 2, 0, tzinfo=UTC))  # Wednesday 11:00 in Tokyo
    schedule.sweep()
    schedule.sweep()
    assert dms(emulator, "U0CAROL") == []


def click(slack, emulator, action_id, message, user=ALICE):
    value = action_values(message, action_id)[0]
    before = len(emulator.responses())
    slack.action(action_id, value, user=user, channel="D" + user[1:])
    wait_until(lambda: len(emulator.responses()) > before)
    return emulator.responses()[-1]


def test_done_button_on_a_reminder_closes_the_item(slack, bot, schedule, emulator, clock):
    slack.command("give pilot by Wednesday", user=ALICE, channel=DEAL)
    clock.set(datetime(2026, 11, 24, 14, tzinfo=UTC))
    schedule.sweep()
    [reminder] = dms(emulator)
    answer = click(slack, emulator, "reminder_done", reminder)
    assert "Kept" in all_text(answer) and answer.get("replace_original") in (True, "true")
    assert bot.runtime.services.ledger.get(SCOPE, 1).status == "done"
    clock.set(datetime(2026, 11, 26, 14, tzinfo=UTC))
    schedule.sweep()
    assert len(dms(emulator)) == 1  # closed: no overdue reminder


def test_snooze_button_re_arms_the_reminder_two_days_later(slack, bot, schedule, emulator, clock):
    slack.command("give pilot by Wednesday", user=ALICE, channel=DEAL)
    clock.set(datetime(2026, 11, 24, 14, tzinfo=UTC))
    schedule.sweep()
    [reminder] = dms(emulator)
    answer = click(slack, emulator, "reminder_snooze", reminder)
    assert "Thu 26 Nov 2026, 09:00 EST" in all_text(answer)
    clock.set(datetime(2026, 11, 26, 13, 59, tzinfo=UTC))
    schedule.sweep()
    assert len(dms(emulator)) == 1  # held back, also the overdue one
    clock.set(datetime(2026, 11, 26, 14, 0, tzinfo=UTC))
    schedule.sweep()
    schedule.sweep()
    assert len(dms(emulator)) == 2 and "overdue" in all_text(dms(emulator)[1])


def test_reminder_buttons_are_refused_outside_the_channel(slack, bot, schedule, emulator, clock):
    slack.command("give pilot by Wednesday", user=ALICE, channel=DEAL)
    clock.set(datetime(2026, 11, 24, 14, tzinfo=UTC))
    schedule.sweep()
    [reminder] = dms(emulator)
    for action in ("reminder_done", "reminder_snooze"):
        answer = click(slack, emulator, action, reminder, user=CAROL)
        assert "channels you're in" in all_text(answer)
    assert bot.runtime.services.ledger.get(SCOPE, 1).status == "open"
    assert jobs(bot, "reminder")[0]["status"] == "done" and jobs(bot, "reminder")[0]["arm"] == 0


def test_a_reminder_dm_crashed_before_its_record_is_not_sent_twice(slack, bot, schedule, emulator, clock):
    slack.command("give pilot by Wednesday", user=ALICE, channel=DEAL)
    clock.set(datetime(2026, 11, 24, 14, tzinfo=UTC))
    real = schedule.dispatcher.record_posted
    schedule.dispatcher.record_posted = lambda *a: (_ for _ in ()).throw(RuntimeError("crash"))
    schedule.sweep()
    schedule.dispatcher.record_posted = real
    schedule.sweep()
    assert len(dms(emulator)) == 1
    assert jobs(bot, "reminder")[0]["status"] == "done"


def test_a_persons_dm_is_opened_once_and_reminders_go_to_its_id(slack, bot, schedule, emulator, clock):
    slack.command("give pilot by Wednesday", user=ALICE, channel=DEAL)
    slack.command("give onboarding call by Thursday", user=ALICE, channel=DEAL)
    clock.set(datetime(2026, 11, 24, 14, tzinfo=UTC))
    schedule.sweep()
    clock.set(datetime(2026, 11, 25, 14, tzinfo=UTC))
    schedule.sweep()
    assert len(dms(emulator)) >= 2
    assert [c.args["users"] for c in emulator.calls_to("conversations.open")] == [ALICE]
    assert {m["channel"] for m in dms(emulator)} == {"D0ALICE"}


def test_without_im_write_the_reminder_still_goes_out_by_user_id(slack, bot, schedule, emulator, clock):
    emulator.fail_next("conversations.open", "missing_scope")
    slack.command("give pilot by Wednesday", user=ALICE, channel=DEAL)
    clock.set(datetime(2026, 11, 24, 14, tzinfo=UTC))
    schedule.sweep()
    [reminder] = dms(emulator)
    assert reminder["channel"] == ALICE
    assert jobs(bot, "reminder")[0]["status"] == "done"


# --------------------------------------------------------------------------- debriefs on the same machinery


def test_schedule_post_posts_a_message_once_when_due(bot, schedule, emulator, clock):
    from bot.services.outcome import Message

    due = clock.now() + timedelta(minutes=45)
    message = Message("calendar_chosen", {"channel": DEAL, "title": "How did the Acme meeting go?"})
    assert schedule.schedule_post(SCOPE, "debrief:m1", due, message)
    assert not schedule.schedule_post(SCOPE, "debrief:m1", due, message)
    schedule.run_due()
    assert posted(emulator, "debrief:") == []
    clock.advance(timedelta(minutes=45))
    schedule.run_due()
    schedule.run_due()
    [post] = posted(emulator, "debrief:")
    assert "How did the Acme meeting go?" in all_text(post)


def test_long_overdue_items_are_left_to_the_digest_not_a_dm(slack, bot, schedule, emulator, clock):
    slack.command("give pilot by Wednesday", user=ALICE, channel=DEAL)
    clock.set(datetime(2026, 12, 20, 14, tzinfo=UTC))  # first sweep ever, weeks after the date
    schedule.sweep()
    assert dms(emulator) == []


def test_a_crm_signature_plans_checkins_in_the_channels_known_zone(slack, bot, schedule, emulator):
    slack.command("digest weekly monday 09:00", user=ALICE, channel=DEAL)  # Alice: New York
    services = bot.runtime.services
    actor = services.actor("T0001", DEAL, "crm-webhook")
    services.on_signed(actor, "Globex")
    assert [d["due_at"] for d in jobs(bot, "checkin")][0] == "2026-11-30T15:00:00+00:00"
