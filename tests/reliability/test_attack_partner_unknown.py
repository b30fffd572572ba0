"""A Slack Connect partner can't pass for one of us while Slack doesn't say who they are.

Which organisation someone belongs to comes from ``users.info`` (a slash command doesn't
say). When Slack didn't tell (an error, or "user_not_visible", which it answers for some
people of other organisations), the bot took the person for a colleague: in a channel
shared with the partner's organisation, the partner then read our private items and wrote
our side of the ledger. In a shared channel, someone Slack hasn't vouched for now gets
the partner's view, as the partner would.
"""

from __future__ import annotations

import pytest

from bot.store import Scope
from tests.conftest import ALICE
from tests.e2e.helpers import reply_text

SHARED = "C0SHARED"
DANA = "U0DANA"  # works at the partner, in their own Slack workspace


@pytest.fixture
def shared(emulator, slack, bot):
    emulator.add_user(DANA, name="dana", real_name="Dana Lee", team_id="T0PARTNER")
    emulator.add_channel(SHARED, "shared-acme", members=[ALICE, DANA], is_ext_shared=True)
    slack.command("get the signed NDA from Dana by Dec 3", user=ALICE, channel=SHARED)  # 1, theirs
    slack.command("get budget ceiling is 40k (private)", user=ALICE, channel=SHARED)  # 2, private
    bot.wait_idle()
    return slack


@pytest.mark.parametrize(("error", "status"), [("user_not_visible", 200), ("internal_error", 500)])
def test_a_partner_slack_cannot_vouch_for_sees_no_private_item_and_writes_nothing(
        shared, bot, emulator, error, status):
    emulator.fail_next("users.info", error, status=status, times=50)
    listed = reply_text(shared.command("list", user=DANA, channel=SHARED))
    assert "the signed NDA" in listed and "40k" not in listed and "budget ceiling" not in listed
    refused = reply_text(shared.command("give a free year of service", user=DANA, channel=SHARED))
    assert "Logged" not in refused
    bot.wait_idle()
    items = bot.runtime.services.ledger.items(Scope("T0001", SHARED))
    assert [i.what for i in items] == ["the signed NDA", "budget ceiling is 40k"]


def test_in_a_channel_not_shared_a_colleague_slack_described_before_keeps_writing(
        bot, slack, emulator, restart):
    slack.command("list", user=ALICE, channel="C0DEAL")  # Slack says who Alice is, once
    again = restart()  # nothing cached in memory
    emulator.fail_next("users.info", "internal_error", status=500, times=50)
    assert "Logged" in reply_text(again.driver.command("give a pilot", user=ALICE, channel="C0DEAL"))


def test_in_a_channel_not_shared_someone_slack_never_described_is_told_why_and_writes_nothing(
        bot, slack, emulator):
    # Could be a guest account of our workspace (round 6): the safe side until Slack answers.
    emulator.fail_next("users.info", "internal_error", status=500, times=50)
    answer = reply_text(slack.command("give a pilot", user=ALICE, channel="C0DEAL"))
    assert "Logged" not in answer and "Slack didn't tell me just now" in answer
    bot.wait_idle()
    assert bot.runtime.services.ledger.items(Scope("T0001", "C0DEAL")) == []


@pytest.mark.parametrize(("error", "status"),
                         [("internal_error", 500), ("ratelimited", 429), ("fatal_error", 200)])
def test_a_partner_stays_a_partner_while_slack_cannot_say_the_channel_is_shared(
        emulator, slack, bot, error, status):
    # Dana's organisation is known (users.info answered); only conversations.info fails.
    emulator.add_user(DANA, name="dana", real_name="Dana Lee", team_id="T0PARTNER")
    emulator.add_channel(SHARED, "shared-acme", members=[ALICE, DANA], is_ext_shared=True)
    slack.command("get budget ceiling is 40k (private)", user=ALICE, channel=SHARED)  # 1, private
    bot.wait_idle()
    emulator.fail_next("conversations.info", error, status=status, times=50)
    listed = reply_text(slack.command("list", user=DANA, channel=SHARED))
    assert "40k" not in listed and "budget ceiling" not in listed
    refused = reply_text(slack.command("give a free year of service", user=DANA, channel=SHARED))
    assert "Logged" not in refused
    bot.wait_idle()
    items = bot.runtime.services.ledger.items(Scope("T0001", SHARED))
    assert [i.what for i in items] == ["budget ceiling is 40k"]
