"""Uninstall events over signed HTTP (single-token mode, TinyDB): what was scheduled for the
workspace stops, records stay, retries change nothing, and a reinstall resumes."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from bot.schedule.jobs import ACTIVE
from bot.store import Scope
from tests.conftest import ALICE, DEAL, quiet
from tests.e2e.helpers import reply_text
from tests.e2e.test_schedule import jobs, posted, sign, wait_until

SCOPE = Scope("T0001", DEAL)


def active(local_bot) -> list[str]:
    return sorted(d["id"] for d in local_bot.runtime.services.schedule.jobs.find(
        SCOPE, lambda d: d["status"] in ACTIVE))


def all_jobs(local_bot) -> dict[str, tuple[str, str | None]]:
    return {d["id"]: (d["status"], d.get("error"))
            for d in local_bot.runtime.services.schedule.jobs.find(SCOPE)}


def plan_something(slack, bot):
    """A commitment due Friday (reminder), a signed deal (check-ins), this week's digest."""
    slack.command("give pilot workspace by Friday", user=ALICE, channel=DEAL)
    sign(slack, bot)
    bot.runtime.services.schedule.sweep()
    planned = active(bot)
    assert {"checkin:acme:7", "checkin:acme:30", "checkin:acme:90"} <= set(planned)
    assert any(job.startswith("digest:") for job in planned)
    return planned


def test_app_uninstalled_cancels_everything_scheduled_and_keeps_the_records(slack, bot, emulator, clock):
    planned = plan_something(slack, bot)
    workspaces = bot.runtime.services.workspaces
    assert slack.event({"type": "app_uninstalled"}).status_code == 200
    wait_until(lambda: active(bot) == [])
    assert workspaces.is_uninstalled("T0001")
    statuses = all_jobs(bot)
    assert {job: statuses[job] for job in planned} == dict.fromkeys(planned, ("cancelled", "uninstalled"))
    # Weeks pass: nothing is planned again, nothing is posted.
    messages_before = len(emulator.messages())
    clock.set(datetime(2027, 3, 1, 15, tzinfo=UTC))
    report = bot.runtime.services.schedule.sweep()
    assert report.posted == [] and active(bot) == []
    assert len(emulator.messages()) == messages_before
    # The team's records are kept for a reinstall.
    assert [i.what for i in bot.runtime.services.ledger.items(SCOPE)] == ["pilot workspace"]
    assert [d.name for d in bot.runtime.services.deals.all(SCOPE)] == ["Acme"]


def test_a_retried_uninstall_event_changes_nothing(slack, bot, clock):
    plan_something(slack, bot)
    sent_at = int(clock.now().timestamp())
    first_delivery = slack.event({"type": "app_uninstalled"}, event_id="Ev0UNINSTALL", event_time=sent_at)
    assert first_delivery.status_code == 200
    workspaces = bot.runtime.services.workspaces
    wait_until(lambda: workspaces.is_uninstalled("T0001") and active(bot) == [])
    store = bot.runtime.services.store
    first = store.find(Scope("T0001", "_workspace"), "install_status")
    after_first = all_jobs(bot)
    clock.advance(timedelta(minutes=3))
    # Slack's retries (same event id), and a second delivery the de-duplication can't
    # recognise (another event id, as after a restart): the handler itself is idempotent.
    for event_id, retry in (("Ev0UNINSTALL", 1), ("Ev0UNINSTALL", 2), ("Ev0OTHERID", None)):
        assert slack.event({"type": "app_uninstalled"}, event_id=event_id, event_time=sent_at,
                           retry_num=retry).status_code == 200
    bot.wait_idle()
    assert store.find(Scope("T0001", "_workspace"), "install_status") == first
    assert all_jobs(bot) == after_first


def test_a_late_uninstall_event_does_not_undo_a_reinstall(slack, bot, clock):
    planned = plan_something(slack, bot)
    uninstalled_at = int(clock.now().timestamp())
    workspaces = bot.runtime.services.workspaces
    assert slack.event({"type": "app_uninstalled"}, event_time=uninstalled_at).status_code == 200
    wait_until(lambda: workspaces.is_uninstalled("T0001") and active(bot) == [])
    clock.advance(timedelta(minutes=2))
    assert workspaces.installed("T0001")  # reinstalled (what a restart with the new token does)
    assert active(bot) == planned
    # The same uninstall, delivered late under another id: older than the reinstall, ignored.
    assert slack.event({"type": "app_uninstalled"}, event_time=uninstalled_at).status_code == 200
    assert not workspaces.uninstalled("T0001", "app_uninstalled",
                                      datetime.fromtimestamp(uninstalled_at, UTC))
    assert not workspaces.is_uninstalled("T0001") and active(bot) == planned


def test_a_post_refused_for_a_revoked_token_waits_for_the_reinstall(slack, bot, emulator, clock):
    plan_something(slack, bot)
    clock.set(datetime(2026, 11, 30, 15, tzinfo=UTC))  # the 7-day check-in is due
    emulator.fail_next("chat.postMessage", "token_revoked", times=5)
    schedule = bot.runtime.services.schedule
    schedule.run_due()
    assert all_jobs(bot)["checkin:acme:7"] == ("cancelled", "uninstalled")
    # The app_uninstalled event arrives; later the workspace reinstalls before the 30-day one.
    bot.runtime.services.workspaces.uninstalled("T0001", "app_uninstalled")
    assert bot.runtime.services.workspaces.installed("T0001")
    assert all_jobs(bot)["checkin:acme:30"] == ("pending", None)
    assert all_jobs(bot)["checkin:acme:7"] == ("cancelled", "uninstalled")  # came due meanwhile


def test_a_job_due_during_the_uninstall_is_cancelled_not_posted(slack, bot, emulator, clock):
    """The clean-up may be cut short by a crash: the mark alone stops the scheduler."""
    plan_something(slack, bot)
    mark = {"state": "uninstalled", "at": "2026-11-23T15:00:00+00:00", "reason": "test"}
    bot.runtime.services.store.add_once(Scope("T0001", "_workspace"), "install_status", "status", mark)
    clock.set(datetime(2026, 11, 30, 15, tzinfo=UTC))  # the 7-day check-in is due
    report = bot.runtime.services.schedule.run_due()
    assert report.posted == [] and posted(emulator, "checkin:") == []
    assert all_jobs(bot)["checkin:acme:7"] == ("cancelled", "uninstalled")


def test_tokens_revoked_for_the_bot_is_an_uninstall_for_people_only_it_is_not(slack, bot):
    planned = plan_something(slack, bot)
    workspaces = bot.runtime.services.workspaces
    people_only = {"type": "tokens_revoked", "tokens": {"oauth": [ALICE]}}
    assert slack.event(people_only).status_code == 200
    bogus = {"type": "tokens_revoked", "tokens": "<!channel>"}
    assert slack.event(bogus).status_code == 200
    assert not workspaces.is_uninstalled("T0001") and active(bot) == planned
    assert slack.event({"type": "tokens_revoked", "tokens": {"bot": ["UBOT"]}}).status_code == 200
    wait_until(lambda: active(bot) == [])
    assert workspaces.is_uninstalled("T0001")


def test_reinstall_resumes_what_is_still_ahead(slack, bot, emulator, clock, tmp_path):
    from bot.emulator.local_bot import LocalBot

    plan_something(slack, bot)
    assert slack.event({"type": "app_uninstalled"}).status_code == 200
    wait_until(lambda: active(bot) == [])
    clock.set(datetime(2026, 12, 10, 12, tzinfo=UTC))  # past the 7-day check-in, before the 30-day
    bot.stop()
    # Reinstalled: the operator starts the bot with the new token, which proves the install.
    with LocalBot(emulator, tmp_path / "db.json", clock) as again:
        quiet(again)
        assert not again.runtime.services.workspaces.is_uninstalled("T0001")
        statuses = {d["id"]: d["status"] for d in jobs(again, "checkin")}
        assert statuses == {"checkin:acme:7": "cancelled", "checkin:acme:30": "pending",
                            "checkin:acme:90": "pending"}
        schedule = again.runtime.services.schedule
        schedule.sweep()
        assert any(job.startswith("digest:") for job in active(again))  # digests planned again
        clock.set(datetime(2026, 12, 23, 15, tzinfo=UTC))
        assert "checkin:acme:30" in schedule.run_due().posted
        assert posted(emulator, "checkin:acme:7") == []
        assert "pilot workspace" in reply_text(again.driver.command("list", user=ALICE, channel=DEAL))
