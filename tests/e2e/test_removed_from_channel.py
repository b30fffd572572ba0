"""The bot removed from a deal channel: the person a scheduled post there was for hears it by
DM, once per removal, and again only after the bot was invited back and removed again.

Slack is the emulator; the bot is removed by telling the emulator it is no longer a member
(as Slack then answers ``not_in_channel``); the clock moves, and due posts run.
"""

from __future__ import annotations

from datetime import timedelta

from bot.emulator.slack_api import dm_channel_id
from bot.store import Scope
from tests.conftest import ALICE, BOB, DEAL
from tests.e2e.helpers import all_text


def removed(emulator, channel: str = DEAL, **state) -> None:
    """Someone removed the bot from the channel (or archived it: ``is_archived=True``)."""
    emulator.add_channel(channel, "deal-acme", members=[ALICE, BOB], is_member=False, **state)


def invited_back(local_bot, emulator, channel: str = DEAL, event_id: str = "EvBACK1") -> None:
    """`/invite @Partner Coach` again: Slack's `member_joined_channel` for the bot itself."""
    emulator.add_channel(channel, "deal-acme", members=[ALICE, BOB])
    event = {"type": "member_joined_channel", "user": emulator.bot_user_id, "channel": channel,
             "channel_type": "C", "team": "T0001", "inviter": ALICE}
    assert local_bot.driver.event(event, event_id=event_id).status_code == 200
    local_bot.wait_idle()


def run_due(local_bot, clock, hours: float = 0) -> None:
    """Move the clock and post whatever is due, twice: a failure's DM is due right away."""
    clock.advance(timedelta(hours=hours))
    local_bot.runtime.services.schedule.run_due()
    local_bot.runtime.services.schedule.run_due()
    local_bot.wait_idle()


def dms(emulator, user: str) -> list[str]:
    return [all_text(m) for m in emulator.messages(dm_channel_id(user))]


def test_the_person_who_asked_for_a_debrief_is_told_once_that_the_bot_was_removed(bot, slack, emulator,
                                                                                  clock):
    slack.command("meeting Acme demo in 30m for 45m", user=ALICE, channel=DEAL)
    slack.command("meeting Acme pricing call in 2h for 30m", user=ALICE, channel=DEAL)
    removed(emulator)
    run_due(bot, clock, hours=2)
    [told] = dms(emulator, ALICE)
    assert "debrief prompt for *Acme demo*" in told and f"<#{DEAL}>" in told
    assert "no longer in the channel" in told and "/invite @Partner Coach" in told
    assert dms(emulator, BOB) == []
    # The second meeting's prompt fails too: no second DM.
    run_due(bot, clock, hours=3)
    jobs = bot.runtime.services.schedule.jobs.find(Scope("T0001", DEAL))
    assert sum(j["status"] == "failed" for j in jobs) == 2
    assert len(dms(emulator, ALICE)) == 1


def test_invited_back_then_removed_again_tells_again(bot, slack, emulator, clock):
    slack.command("meeting Acme demo in 30m for 45m", user=ALICE, channel=DEAL)
    removed(emulator)
    run_due(bot, clock, hours=2)
    assert len(dms(emulator, ALICE)) == 1
    invited_back(bot, emulator)
    slack.command("meeting Acme pricing call in 30m for 30m", user=ALICE, channel=DEAL)
    removed(emulator, is_archived=True)
    run_due(bot, clock, hours=2)
    told = dms(emulator, ALICE)
    assert len(told) == 2 and "the channel is archived" in told[-1]


def test_a_check_in_that_cannot_be_posted_is_told_to_whoever_signed_the_deal(bot, slack, emulator, clock):
    slack.command("give the pilot workspace", user=ALICE, channel=DEAL)
    slack.command("deal Acme signed", user=BOB, channel=DEAL)
    bot.wait_idle()
    removed(emulator)
    run_due(bot, clock, hours=8 * 24)
    [told] = dms(emulator, BOB)
    assert "7-day check-in for *Acme*" in told
    assert dms(emulator, ALICE) == []


def test_a_channel_that_is_only_slow_tells_nobody(bot, slack, emulator, clock):
    """Only Slack's answers that the channel is out of reach count; a failure a retry can fix
    (a 500) is retried as before, and nobody is bothered."""
    slack.command("meeting Acme demo in 30m for 45m", user=ALICE, channel=DEAL)
    emulator.fail_next("chat.postMessage", "internal_error", status=500)
    run_due(bot, clock, hours=2)
    assert dms(emulator, ALICE) == []


def test_a_digest_that_cannot_be_posted_is_told_to_whoever_logged_the_latest_commitment(
        bot, slack, emulator, clock):
    slack.command("give the pilot workspace", user=ALICE, channel=DEAL)
    slack.command("get the signed order form from Dana", user=BOB, channel=DEAL)
    bot.wait_idle()
    bot.runtime.services.schedule.sweep()  # plans next Monday's digest
    removed(emulator)
    run_due(bot, clock, hours=7 * 24)
    [told] = dms(emulator, BOB)
    assert "the weekly digest" in told and f"<#{DEAL}>" in told
    assert dms(emulator, ALICE) == []


def test_a_partners_logged_promise_does_not_make_them_the_one_told(bot, slack, emulator, clock):
    """With `listen auto`, a guest's own promise is logged with them as its author; the
    channel's latest commitment is then theirs. The DM about our bot goes to our colleague
    who logged the one before, never to someone of the other side."""
    emulator.add_user("U0GUEST", name="dana", guest=True)
    emulator.add_channel(DEAL, "deal-acme", members=[ALICE, BOB, "U0GUEST"])
    slack.command("give the pilot workspace", user=ALICE, channel=DEAL)
    slack.command("listen auto", user=ALICE, channel=DEAL)
    slack.message("I'll send the signed order form by Friday", user="U0GUEST", channel=DEAL,
                  ts="1700009000.000100")
    bot.wait_idle()
    items = bot.runtime.services.ledger.items(Scope("T0001", DEAL))
    assert [i.created_by for i in items] == [ALICE, "U0GUEST"]
    bot.runtime.services.schedule.sweep()  # plans next Monday's digest
    removed(emulator)
    run_due(bot, clock, hours=7 * 24)
    assert dms(emulator, "U0GUEST") == []
    [told] = dms(emulator, ALICE)
    assert "the weekly digest" in told
