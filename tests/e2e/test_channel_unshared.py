"""A channel that stops being shared with the partner (Slack Connect ends) is ours alone again
at once: `channel_unshared` drops what the bot remembered about who reads it, so the next
post shows our private items again instead of a minute later."""

from __future__ import annotations

from tests.conftest import ALICE, BOB, DEAL
from tests.e2e.helpers import all_text

DANA = "U0DANA"  # works at the partner, in their own Slack workspace
PARTNER_TEAM = "T0PARTNER"


def test_the_channel_unshared_event_makes_the_very_next_post_show_private_items_again(slack, bot, emulator):
    emulator.add_user(DANA, name="dana", real_name="Dana Lee", team_id=PARTNER_TEAM)
    emulator.add_channel(DEAL, "deal-acme", members=[ALICE, BOB, DANA], is_ext_shared=True)
    slack.command("get budget ceiling is 40k (private)", user=ALICE, channel=DEAL)
    slack.command("digest now", user=ALICE, channel=DEAL)
    [shared] = emulator.wait_for_count("chat.postMessage", 1)
    assert "Weekly digest" in all_text(shared.args) and "budget ceiling" not in all_text(shared.args)
    emulator.add_channel(DEAL, "deal-acme", members=[ALICE, BOB], is_ext_shared=False)
    answer = slack.event({"type": "channel_unshared", "previously_connected_team_id": PARTNER_TEAM,
                          "channel": DEAL, "is_ext_shared": False, "event_ts": "1700000000.000200"})
    assert answer.status_code == 200
    bot.wait_idle()
    slack.command("digest now", user=ALICE, channel=DEAL)
    ours = emulator.wait_for_count("chat.postMessage", 2)[1]
    assert "budget ceiling" in all_text(ours.args)
