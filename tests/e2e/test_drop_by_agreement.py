"""The Drop button's choice, over signed HTTP: *Drop by agreement* records a cancellation both
sides chose (never a broken promise), *Drop* records a plain drop as before; a click in the
wrong channel, on an unknown id or by a Slack Connect partner is refused and changes nothing."""

from __future__ import annotations

from datetime import timedelta

import pytest

from bot.store import Scope
from tests.conftest import ALICE, BOB, DEAL, OTHER
from tests.e2e import test_slack_connect
from tests.e2e.helpers import action_values, all_text, nudges, reply
from tests.e2e.test_slack_connect import DANA, SHARED, items

connect = test_slack_connect.connect  # the Slack Connect channel fixture, shared

SCOPE = Scope("T0001", DEAL)


def ledger(bot, scope=SCOPE):
    return {c.number: c for c in bot.runtime.services.ledger.items(scope)}


def click(slack, bot, emulator, action_id, value, user=ALICE, channel=DEAL):
    """Click a button on a channel's message; the answer the person saw (a response_url post)."""
    before = len(emulator.responses())
    assert slack.action(action_id, value, user=user, channel=channel).status_code == 200
    bot.wait_idle()  # the listener finished: what did not change has not changed
    [answer] = emulator.responses()[before:]
    return answer


@pytest.fixture
def late(slack, clock):
    """Two promises of ours two days past their due date, and one of theirs still open."""
    slack.command("give security pack by Nov 25", user=ALICE, channel=DEAL)  # 1
    slack.command("get usage report by Dec 18", user=ALICE, channel=DEAL)  # 2
    slack.command("give onboarding call by Nov 25", user=ALICE, channel=DEAL)  # 3
    clock.advance(timedelta(days=4))
    return reply(slack.command("list", user=ALICE, channel=DEAL))


def confirm_texts(listing, action_id):
    return {block["block_id"]: element["confirm"]["text"]["text"]
            for block in listing["blocks"] if block["type"] == "actions"
            for element in block["elements"] if element["action_id"].partition(":")[0] == action_id}


def test_every_open_item_offers_drop_and_drop_by_agreement_each_confirmed(late):
    assert sorted(action_values(late, "item_drop")) == ["1", "2", "3"]
    assert action_values(late, "item_drop_agreed") == action_values(late, "item_drop")
    plain, agreed = confirm_texts(late, "item_drop"), confirm_texts(late, "item_drop_agreed")
    assert "counts as broken" in plain["item_1"] and "“Drop by agreement”" in plain["item_1"]
    assert "never as a promise someone failed to keep" in agreed["item_1"]
    buttons = [e for b in late["blocks"] if b["type"] == "actions" for e in b["elements"]]
    ids = [e["action_id"] for e in buttons]
    assert len(ids) == len(set(ids))  # Slack wants unique action ids in a message
    assert all(len(e["confirm"]["text"]["text"]) <= 300 and len(e["confirm"]["title"]["text"]) <= 100
               for e in buttons if "confirm" in e)


def test_drop_by_agreement_records_a_cancellation_the_coach_does_not_call_broken(slack, bot, emulator, late):
    assert "1" in action_values(late, "item_drop_agreed")
    answer = click(slack, bot, emulator, "item_drop_agreed", "1")
    item = ledger(bot)[1]
    assert (item.status, item.mutual, item.is_broken, item.closed_by) == ("dropped", True, False, ALICE)
    text = all_text(answer)
    assert "Dropped by agreement *#1*" in text and "broken" not in text
    assert "own_broken" not in nudges(answer)
    everything = all_text(reply(slack.command("list all", user=ALICE, channel=DEAL)))
    assert "_dropped by agreement_" in everything and "after its due date_" not in everything
    # A second click says it was already dropped and changes nothing.
    again = click(slack, bot, emulator, "item_drop_agreed", "1")
    assert "already dropped" in all_text(again) and ledger(bot)[1] == item


def test_plain_drop_still_counts_a_late_promise_of_ours_as_broken(slack, bot, emulator, late):
    assert "3" in action_values(late, "item_drop")
    click(slack, bot, emulator, "item_drop_agreed", "1")  # else #1, still late, is the nudge
    answer = click(slack, bot, emulator, "item_drop", "3")
    item = ledger(bot)[3]
    assert (item.status, item.mutual, item.is_broken) == ("dropped", False, True)
    assert "own_broken" in nudges(answer)
    assert "Dropped *#3*" in all_text(answer)
    # Agreed afterwards with the button: no longer counted as broken.
    later = click(slack, bot, emulator, "item_drop_agreed", "3")
    assert "Dropped by agreement *#3*" in all_text(later)
    assert ledger(bot)[3].mutual and not ledger(bot)[3].is_broken


@pytest.mark.parametrize(("value", "said"), [
    ("99", "There is no commitment #99 in this channel"),
    # Anything but a plain number must carry the server's seal (bot.slack.seal).
    *((value, "That button doesn't check out") for value in
      ("garbage", "", "-1", "1.5", "<!channel>", f"{OTHER}:1", "²")),
])
def test_drop_by_agreement_on_an_unknown_or_forged_id_changes_nothing(
        slack, bot, emulator, late, value, said):
    slack.command("give a deck", user=BOB, channel=OTHER)  # OTHER has a #1 too
    before, others = ledger(bot), ledger(bot, Scope("T0001", OTHER))
    text = all_text(click(slack, bot, emulator, "item_drop_agreed", value))
    assert said in text and "<!channel>" not in text
    assert ledger(bot) == before and ledger(bot, Scope("T0001", OTHER)) == others


def test_drop_by_agreement_with_another_channels_genuine_value_is_refused(slack, bot, emulator, late):
    slack.command("give a deck", user=BOB, channel=OTHER)
    others = ledger(bot, Scope("T0001", OTHER))
    sealed = bot.runtime.services.seal.sign(f"{OTHER}:1")  # what a Home-tab button of OTHER carries
    # On a message in DEAL, the value's channel is not the message's channel.
    assert "another channel" in all_text(click(slack, bot, emulator, "item_drop_agreed", sealed))
    # From Alice's Home tab: she is not a member of OTHER.
    slack.home_action("item_drop_agreed", sealed, user=ALICE)
    bot.wait_idle()
    assert "only change commitments of channels you're in" in all_text(
        emulator.calls_to("views.publish")[-1].args["view"])
    assert ledger(bot, Scope("T0001", OTHER)) == others and others[1].is_open


def test_a_slack_connect_partner_cannot_drop_our_item_by_agreement(connect, bot, emulator):
    before = items(bot)
    for number in ("1", "2"):
        answer = click(connect, bot, emulator, "item_drop_agreed", number, user=DANA, channel=SHARED)
        assert "Only the team that logged an item" in all_text(answer)
    assert items(bot) == before and all(item.is_open for item in before.values() if item.number < 3)


def test_help_on_drop_names_the_agreed_word_and_the_button(slack):
    text = all_text(reply(slack.command("help drop", user=ALICE, channel=DEAL)))
    assert "add `agreed`" in text and "*Drop by agreement* button" in text
