"""Adversarial content on every surface, through HTTP, judged by the stricter Block Kit checker.

What the other Block Kit tests leave out: a person with a 300-character unicode name in 100
deal channels on one Home tab, a channel of 210 commitments whose counterparts have the
longest names a command takes, empty and oversized input to every subcommand, every modal
submitted with values far past its inputs' max_length (a forged submission: Slack's client
would stop at the limit), and the welcome into a channel that already holds many deals.
The emulator refuses what Slack would, by the rules of bot/emulator/block_kit.py and
bot/emulator/block_kit_structure.py; each test reads every answer it gave. Where a surface
can't show everything, it must say how to see the rest.
"""

from __future__ import annotations

from datetime import timedelta

from bot.domain.commands import MAX_COMMAND_TEXT, MAX_DEAL_NAME, MAX_WHAT
from bot.emulator.driver import state_value
from bot.store import Scope
from tests.conftest import ALICE, DEAL, NOBOT
from tests.e2e.helpers import all_text, reply
from tests.e2e.test_block_kit_extremes import buttons, walk_every_surface
from tests.e2e.test_block_kit_limits import (
    assert_inert,
    dense,
    hostile,
    refusals,
    sent_texts,
    templates_fit_by_themselves,  # noqa: F401 - an autouse fixture, used by being imported
)

# 300 characters of names as people write them: Hebrew, an emoji (2 UTF-16 units), a
# combining accent, CJK and a right-to-left mark.
LONG_NAME = ("\u05e9\u05dc\u05d5\u05dd \U0001F600 Jose\u0301 \u5f20\u4f1f \u200f" * 30)[:300]
LONG = "U0LONGNAME"


def test_a_person_with_a_300_character_name_in_100_deal_channels_sees_a_home_tab_slack_takes(
        slack, bot, emulator):
    emulator.add_user(LONG, name=LONG_NAME, real_name=LONG_NAME, tz="Asia/Kolkata")
    channels = [f"C0HUNDRED{n:03d}" for n in range(100)]
    for n, channel in enumerate(channels):
        emulator.add_channel(channel, f"deal-{n:03d}-{'z' * 70}", members=[ALICE, LONG])
        body = dense(MAX_DEAL_NAME - 5) if n % 2 else hostile(MAX_DEAL_NAME - 5, seed=n).replace(" ", "_")
        name = f"H{n:03d}-{body}"
        slack.command(f"deal {name} negotiation", user=LONG, channel=channel)
        slack.command(f"give {n} {hostile(MAX_WHAT - 4, seed=n)} by Friday", user=LONG, channel=channel)
    bot.wait_idle()
    assert len(bot.runtime.services.ledger.items(Scope("T0001", channels[-1]))) == 1
    slack.app_home_opened(LONG)
    bot.wait_idle()
    home = emulator.home_view(LONG)
    assert home is not None, refusals(emulator)
    text = all_text(home)
    # 100 items and 100 deals can't all be shown: what is left out is counted, with where to look.
    assert "more" in text and "/partner list" in text, text[-800:]
    home_done = buttons(home, "item_done")
    slack.home_action(home_done[-1]["action_id"], home_done[-1]["value"], user=LONG)
    for command in ("list mine", "deal", "help", "share", "export"):
        reply(slack.command(command, user=LONG, channel=channels[0]))
    bot.wait_idle()
    assert refusals(emulator) == []
    assert_inert(sent_texts(emulator))


def test_210_commitments_with_the_longest_counterpart_names_on_every_surface(slack, bot, emulator, clock):
    """Counterparts as long as a command can carry, on every listing, reminder DM (batched,
    a third of them due tomorrow), digest, check-in, modal and the Home tab."""
    emulator.add_user("U0EVIL", name="evil")
    for n in range(210):
        due = " by tomorrow" if n % 3 == 0 else ""
        what = f"{n} " + hostile(MAX_WHAT - 40, seed=n)
        room = MAX_COMMAND_TEXT - len(f"get {what} from {due}") - 4
        counterpart = (LONG_NAME + dense(room))[:room].strip()
        response = slack.command(f"get {what} from {counterpart}{due}", user=ALICE, channel=DEAL)
        assert response.status_code == 200
    bot.wait_idle()
    items = bot.runtime.services.ledger.items(Scope("T0001", DEAL))
    assert len(items) == 210 and min(len(item.counterpart or "") for item in items) > 1000
    clicked = walk_every_surface(slack, bot, emulator, clock)
    assert {"item_done", "item_drop", "reminder_done", "reminder_snooze", "home item_done"} <= clicked
    assert refusals(emulator) == []
    assert_inert(sent_texts(emulator))


SUBCOMMANDS = ["give", "get", "list", "done", "drop", "edit", "deal", "meeting", "digest",
               "checkins", "listen", "crm", "calendar", "share", "export", "help", "private",
               "nonsense"]


def test_empty_and_oversized_input_to_every_subcommand_gets_an_answer_slack_takes(slack, bot, emulator):
    slack.command("give a pilot workspace by Friday", user=ALICE, channel=DEAL)
    bot.wait_idle()
    before = [item.what for item in bot.runtime.services.ledger.items(Scope("T0001", DEAL))]
    over = hostile(MAX_COMMAND_TEXT + 500, seed=4)
    for sub in SUBCOMMANDS:
        for rest in ("", " ", "\u200b", over):
            answer = reply(slack.command(f"{sub} {rest}".strip() or sub, user=ALICE, channel=DEAL))
            assert all_text(answer).strip(), (sub, rest[:20])
    # Past the command's room nothing is recorded: the answer says so and how long it may be.
    too_long = reply(slack.command(f"give {over}", user=ALICE, channel=DEAL))
    assert str(MAX_COMMAND_TEXT) in all_text(too_long).replace(",", "")
    for sub, size in (("give", MAX_WHAT + 1), ("deal", MAX_DEAL_NAME + 1), ("edit 1", MAX_WHAT + 1)):
        reply(slack.command(f"{sub} {dense(size)}", user=ALICE, channel=DEAL))
    slack.command("nonsense", user=ALICE, channel=NOBOT)  # a channel the bot is not in
    bot.wait_idle()
    assert [item.what for item in bot.runtime.services.ledger.items(Scope("T0001", DEAL))] == before
    assert bot.runtime.services.deals.all(Scope("T0001", DEAL)) == []
    assert refusals(emulator) == []
    assert_inert(sent_texts(emulator))


def forged(view: dict, size: int) -> dict:
    """Every input of ``view`` filled with ``size`` characters of hostile text, past its max_length."""
    values = {}
    for block in view["blocks"]:
        if block.get("type") != "input":
            continue
        element = block["element"]
        if element["type"] == "plain_text_input":
            value = state_value("plain_text_input", hostile(size, seed=len(values)))
        elif element["type"] == "datepicker":
            value = state_value("datepicker", "2099-12-31")
        else:
            continue
        values[block["block_id"]] = {element["action_id"]: value}
    return values


def test_every_modal_submitted_far_past_its_limits_answers_as_slack_takes(slack, bot, emulator, clock):
    slack.command(f"deal {hostile(MAX_DEAL_NAME, seed=8).replace(' ', '_')} negotiation",
                  user=ALICE, channel=DEAL)
    slack.command(f"meeting {hostile(120, seed=3)} in 30m for 30m", user=ALICE, channel=DEAL)
    bot.wait_idle()
    record = [b for m in emulator.messages(DEAL) for side in ("record_give", "record_get")
              for b in buttons(m, side)]
    assert len(record) >= 2
    for button in record[:2]:
        slack.action(button["action_id"], button["value"], user=ALICE, channel=DEAL)
        bot.wait_idle()
        view = emulator.calls_to("views.open")[-1].args["view"]
        for size in (MAX_COMMAND_TEXT, 5000):
            answer = reply(slack.view_submission("record_item", forged(view, size), user=ALICE))
            # The modal stays open and says, beside each input, what to shorten.
            assert answer["response_action"] == "errors" and str(MAX_WHAT) in answer["errors"]["what"]
    clock.advance(timedelta(hours=2))
    bot.runtime.services.schedule.run_due()
    bot.wait_idle()
    debrief = [b for m in emulator.messages(DEAL) for b in buttons(m, "debrief_open")]
    assert debrief, refusals(emulator)
    slack.action(debrief[0]["action_id"], debrief[0]["value"], user=ALICE, channel=DEAL)
    bot.wait_idle()
    view = emulator.find_view(callback_id="debrief")
    assert view is not None, refusals(emulator)
    for size in (MAX_COMMAND_TEXT, 5000):
        answer = reply(slack.view_submission("debrief", forged(view, size), user=ALICE))
        assert answer["response_action"] == "errors" and str(MAX_WHAT) in answer["errors"]["give_1"]
    bot.wait_idle()
    items = bot.runtime.services.ledger.items(Scope("T0001", DEAL))
    assert all(len(item.what) <= MAX_WHAT for item in items)
    assert refusals(emulator) == []
    assert_inert(sent_texts(emulator))


def test_the_welcome_into_a_channel_of_many_long_deals(slack, bot, emulator):
    """Invited back into a channel that holds 60 deals of the longest names: the welcome lists
    what fits and counts the rest."""
    for n in range(60):
        body = dense(MAX_DEAL_NAME - 4) if n % 2 else hostile(MAX_DEAL_NAME - 4, seed=n).replace(" ", "_")
        slack.command(f"deal W{n:02d}{body} qualified", user=ALICE, channel=DEAL)
    bot.wait_idle()
    event = {"type": "member_joined_channel", "user": emulator.bot_user_id, "channel": DEAL,
             "channel_type": "C", "team": "T0001", "inviter": ALICE}
    assert slack.event(event).status_code == 200
    bot.wait_idle()
    welcome = [m for m in emulator.messages(DEAL) if "Partner Coach" in all_text(m)]
    assert welcome, refusals(emulator)
    text = all_text(welcome[-1])
    assert "and 55 more" in text and "`/partner deal` lists them" in text
    assert refusals(emulator) == []
    assert_inert(sent_texts(emulator))
