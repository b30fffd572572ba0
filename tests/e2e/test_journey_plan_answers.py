"""A new rep looking for the mutual plan, through signed HTTP: the words they reach for get
an answer that names where the plan is, and the plan's own answers read right."""

from __future__ import annotations

import pytest

from bot.store import Scope
from tests.conftest import ALICE, DEAL
from tests.e2e.helpers import all_text, reply, reply_text


def scope() -> Scope:
    return Scope("T0001", DEAL)


@pytest.mark.parametrize("typed", ["plan", "mutual plan", "confirm 3", "cosign 1", "Plan please"])
def test_asking_for_the_plan_names_list_share_and_export_and_changes_nothing(slack, bot, typed):
    """`plan` used to answer "Did you mean `list`?", then ":warning: “plan” isn't a command of
    its own"; now it shows the plan, and `confirm` says that only the partner confirms."""
    answer = reply_text(slack.command(typed, user=ALICE, channel=DEAL))
    for command in ("/partner list", "/partner share", "/partner export"):
        assert command in answer, answer
    assert "only they confirm their side" in answer
    assert "I don't know" not in answer
    bot.wait_idle()
    assert bot.runtime.services.ledger.items(scope()) == []
    assert "/plans/" not in answer  # no link is made by asking about it


def test_share_on_is_the_same_as_share(slack, bot):
    first = reply_text(slack.command("share on", user=ALICE, channel=DEAL))
    again = reply_text(slack.command("share", user=ALICE, channel=DEAL))
    links = [[word for word in text.split() if "/plans/" in word] for text in (first, again)]
    assert links[0] and links[0] == links[1]


def test_share_with_another_word_still_says_what_share_takes(slack, bot):
    answer = reply_text(slack.command("share now", user=ALICE, channel=DEAL))
    assert "`share off` turns it off" in answer and "`share new` replaces it" in answer
    assert "Usage: `/partner share [new | off]`" in answer


def test_the_export_counts_one_item_in_the_singular(slack, bot, emulator):
    slack.command("give a pilot workspace by Friday", user=ALICE, channel=DEAL)
    body = reply(slack.command("export", user=ALICE, channel=DEAL))
    assert body["text"] == "Exporting the mutual plan (1 shared item)"
    slack.command("get an intro to their CFO by Friday", user=ALICE, channel=DEAL)
    body = reply(slack.command("export", user=ALICE, channel=DEAL))
    assert body["text"] == "Exporting the mutual plan (2 shared items)"
    assert "2 shared items" in all_text(body)


def test_the_home_tab_counts_the_deals_it_leaves_out(slack, bot, emulator):
    """Fifteen deals fit; the rest were left out without a word."""
    for n in range(20):
        channel = f"C0MANY{n:02d}"
        emulator.add_channel(channel, f"deal-{n:02d}", members=[ALICE])
        slack.command(f"deal Deal {n:02d} qualified", user=ALICE, channel=channel)
    bot.wait_idle()
    slack.app_home_opened(ALICE)
    bot.wait_idle()
    text = all_text(emulator.home_view(ALICE))
    assert "…and 5 more, needing you less" in text
    assert text.count("Qualified in") == 15


@pytest.mark.parametrize("topic", ["plan", "mutual plan", "confirm"])
def test_help_on_the_plan_explains_it_and_shows_its_commands_only(slack, topic):
    """`help plan` answered "There's no `plan` command" and listed all seventeen."""
    answer = reply_text(slack.command(f"help {topic}", user=ALICE, channel=DEAL))
    assert "*The mutual plan* is this channel's shared items" in answer
    assert "There's no" not in answer
    shown = {line.split("*")[1] for line in answer.splitlines() if line.startswith("*") and " — " in line}
    assert shown == {"plan", "list", "share", "export", "private"}


def test_a_deal_named_with_a_number_keeps_it(slack, bot):
    """`deal Project 2 qualified` named the deal "Project" and lost the 2 without a word."""
    answer = reply_text(slack.command("deal Project 2 qualified", user=ALICE, channel=DEAL))
    assert "*Project 2* is now *Qualified*" in answer
    other = reply_text(slack.command("deal Project 3 proposal", user=ALICE, channel=DEAL))
    assert "*Project 3* is now *Proposal" in other
    bot.wait_idle()
    names = sorted(deal.name for deal in bot.runtime.services.deals.all(scope()))
    assert names == ["Project 2", "Project 3"]


def test_a_partner_pages_through_a_long_plan(emulator, slack, bot):
    """In a Slack Connect channel the partner saw the first ten a side and no way to the rest."""
    from tests.e2e.test_block_kit_limits import refusals
    from tests.e2e.test_slack_connect import DANA, PARTNER_TEAM, SHARED

    emulator.add_user(DANA, name="dana", real_name="Dana Lee", team_id=PARTNER_TEAM)
    emulator.add_channel(SHARED, "shared-acme", members=[ALICE, DANA], is_ext_shared=True)
    for n in range(25):
        slack.command(f"get document {n} from Dana by Friday", user=ALICE, channel=SHARED)
    for n in range(4):
        slack.command(f"give answer {n} by Friday", user=ALICE, channel=SHARED)
    first = all_text(reply(slack.command("list", user=DANA, channel=SHARED)))
    assert "1–10 of 25" in first and "`/partner list page 2` shows the next 10 a side (page 1 of 3)" in first
    second = reply(slack.command("list page 2", user=DANA, channel=SHARED))
    assert "11–20 of 25" in all_text(second) and "All 4 are on earlier pages" in all_text(second)
    assert "document 10" in all_text(second) and "document 9\n" not in all_text(second)
    third = all_text(reply(slack.command("list page 3", user=DANA, channel=SHARED)))
    assert "21–25 of 25" in third and "list page 4" not in third
    bot.wait_idle()
    assert refusals(emulator) == []
