"""Every surface at the sizes a channel really reaches, judged by Slack's Block Kit rules.

A deal channel with 0, 1, 60, 150 and 500 items, each at the longest the bot takes and
written in the characters that escape or count longest; then every ``/partner``
subcommand, every button and modal, the Home tab, the digest, the check-ins, the plan page
and the export. The emulator refuses what Slack would, and more strictly where Slack only
advises (bot/emulator/block_kit.py); these tests read every answer it gave, and no
template may lean on the renderer's last-resort cut.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
import requests

from bot.action_ids import base_action_id
from bot.domain.commands import MAX_WHAT
from bot.emulator.driver import state_value
from bot.store import Scope
from tests.conftest import ALICE, BOB, DEAL
from tests.e2e.helpers import all_text, reply
from tests.e2e.test_block_kit_limits import (
    assert_inert,
    dense,
    hostile,
    refusals,
    seed_items,
    sent_texts,
    templates_fit_by_themselves,  # noqa: F401 - an autouse fixture, used by being imported
)

# Every subcommand `/partner help` lists, in each of its shapes that only reads or shows.
READING = ["", "help", "list", "list all", "list overdue", "list mine", "list all page 2",
           "list all page 99", "deal", "meeting", "digest", "checkins", "checkins list",
           "listen", "crm", "crm patterns", "calendar", "share", "export"]
TOPICS = ["give", "get", "list", "done", "drop", "edit", "deal", "meeting", "digest", "checkins",
          "listen", "crm", "share", "export", "calendar", "private", "help", "nonsense"]


def buttons(payload: Any, name: str) -> list[dict[str, Any]]:
    """The buttons standing for ``name`` (numbered repeats included), in order."""
    found = []
    stack = [payload]
    while stack:
        node = stack.pop(0)
        if isinstance(node, dict):
            if isinstance(node.get("action_id"), str) and base_action_id(node["action_id"]) == name:
                found.append(node)
            stack.extend(node.values())
        elif isinstance(node, list):
            stack.extend(node)
    return found


def walk_every_surface(slack, bot, emulator, clock) -> set[str]:
    """Each subcommand, button, modal, the Home tab and the scheduled posts, once; returns
    the buttons it found and clicked."""
    clicked: set[str] = set()
    for command in READING:
        reply(slack.command(command, user=ALICE, channel=DEAL))
    for topic in TOPICS:
        reply(slack.command(f"help {topic}", user=ALICE, channel=DEAL))
    listed = reply(slack.command("list all", user=ALICE, channel=DEAL))
    # The last Done of the list is a numbered repeat once there are two: it must still work.
    done = buttons(listed, "item_done")
    if done:
        slack.action(done[-1]["action_id"], done[-1]["value"], user=ALICE, channel=DEAL)
        clicked.add("item_done")
    drop = buttons(listed, "item_drop")
    if drop:
        slack.action(drop[0]["action_id"], drop[0]["value"], user=BOB, channel=DEAL)
        clicked.add("item_drop")
    slack.command(f"edit 1 {dense(MAX_WHAT)}", user=ALICE, channel=DEAL)
    slack.command("done 2", user=ALICE, channel=DEAL)
    slack.command("private 3", user=ALICE, channel=DEAL)
    slack.command(f"deal {hostile(60, seed=11).replace(' ', '_')} negotiation", user=ALICE, channel=DEAL)
    bot.wait_idle()
    record = [b for call in emulator.calls_to("chat.postMessage") for b in buttons(call.args, "record_give")]
    if record:
        slack.action(record[-1]["action_id"], record[-1]["value"], user=ALICE, channel=DEAL)
        clicked.add("record_give")
        bot.wait_idle()
        view = emulator.find_view(callback_id="record_item")
        assert view is not None, refusals(emulator)
        slack.view_submission("record_item", {"what": {"what": state_value(
            "plain_text_input", hostile(300, seed=2))}}, user=ALICE)
    slack.command("meeting Acme demo in 30m for 30m", user=ALICE, channel=DEAL)
    slack.command("digest weekly monday 09:00 Europe/Berlin", user=ALICE, channel=DEAL)
    slack.command("checkins 1d 7d 30d", user=ALICE, channel=DEAL)
    slack.command("digest now", user=ALICE, channel=DEAL)
    slack.command(f"deal {hostile(60, seed=11).replace(' ', '_')} signed", user=ALICE, channel=DEAL)
    bot.wait_idle()
    # An hour on: the debrief prompt (a debrief is asked for within hours of the meeting, never
    # a day late). Then daily for three days: the reminders the day before and when overdue;
    # then a week on: the digest and the first check-ins. A sweep plans, then posts.
    clock.advance(timedelta(hours=1))
    bot.runtime.services.schedule.sweep()
    for days in (1, 1, 1, 6):
        clock.advance(timedelta(days=days))
        bot.runtime.services.schedule.sweep()
    bot.wait_idle()
    posts = [call.args for call in emulator.calls_to("chat.postMessage")]
    reminded = [args for args in posts if str(args.get("channel", "")).startswith(("U", "D"))
                and buttons(args, "reminder_done")]
    # A DM lists every reminder of a person due at that moment: Done on the first item
    # listed, Snooze on the last (another item whenever there are two).
    for name, pick in (("reminder_done", 0), ("reminder_snooze", -1)):
        found = [button for args in reminded for button in buttons(args, name)]
        if found:
            slack.action(found[pick]["action_id"], found[pick]["value"], user=ALICE, channel="D" + ALICE[1:])
            clicked.add(name)
    get = [b for args in posts for b in buttons(args, "record_get")]
    if get:
        slack.action(get[-1]["action_id"], get[-1]["value"], user=ALICE, channel=DEAL)
        clicked.add("record_get")
    debrief = [b for args in posts for b in buttons(args, "debrief_open")]
    if debrief:
        slack.action(debrief[0]["action_id"], debrief[0]["value"], user=ALICE, channel=DEAL)
        clicked.add("debrief_open")
        bot.wait_idle()
        assert emulator.find_view(callback_id="debrief") is not None, refusals(emulator)
    slack.app_home_opened(ALICE)
    bot.wait_idle()
    home = emulator.home_view(ALICE)
    assert home is not None, refusals(emulator)
    home_done = buttons(home, "item_done")
    if home_done:
        slack.home_action(home_done[-1]["action_id"], home_done[-1]["value"], user=ALICE)
        clicked.add("home item_done")
    bot.wait_idle()
    return clicked


@pytest.mark.parametrize("size", [0, 1, 60, 150, 500])
def test_a_channel_of_n_items_shows_on_every_surface_as_slack_takes_it(slack, bot, emulator, clock, size):
    emulator.add_user("U0EVIL", name="evil")  # a mention standing last in the hostile text owns it
    # One item in three is due tomorrow, one in twenty-five of 500: their reminders come as
    # one DM per moment, which must fit Slack's limits however many there are.
    seed_items(slack, size, due_every=25 if size > 150 else 3)
    bot.wait_idle()
    assert len(bot.runtime.services.ledger.items(Scope("T0001", DEAL))) == size
    clicked = walk_every_surface(slack, bot, emulator, clock)
    assert {"record_give", "record_get", "debrief_open"} <= clicked
    if size >= 60:
        assert clicked >= {"item_done", "item_drop", "reminder_done", "reminder_snooze", "home item_done"}
    assert refusals(emulator) == []
    assert_inert(sent_texts(emulator))
    link = [line for line in all_text(reply(slack.command("share", user=ALICE, channel=DEAL))).split()
            if "/plans/" in line]
    assert link, "the share answer gives a link"
    page = requests.get(link[0], timeout=10)
    assert page.status_code == 200


def test_a_summary_never_hides_items_without_saying_how_many(slack, bot, emulator):
    """Past one message's room, a listing pages and says what is left, never drops it."""
    emulator.add_user("U0EVIL", name="evil")
    seed_items(slack, 150)
    bot.wait_idle()
    body = reply(slack.command("list all", user=ALICE, channel=DEAL))
    text = all_text(body)
    assert "page 2" in text, text[-600:]
    last = reply(slack.command("list all page 99", user=ALICE, channel=DEAL))
    assert "#149" in all_text(last) or "page" in all_text(last)
    assert refusals(emulator) == []


def test_numbered_repeats_of_a_button_each_act_on_their_own_item(slack, bot, emulator):
    for n in range(3):
        slack.command(f"give item {n} by Friday", user=ALICE, channel=DEAL)
    body = reply(slack.command("list", user=ALICE, channel=DEAL))
    done = buttons(body, "item_done")
    assert [b["action_id"] for b in done] == ["item_done", "item_done:2", "item_done:3"]
    slack.action(done[2]["action_id"], done[2]["value"], user=ALICE, channel=DEAL)
    bot.wait_idle()
    items = {item.number: item for item in bot.runtime.services.ledger.items(Scope("T0001", DEAL))}
    assert [n for n, item in items.items() if not item.is_open] == [int(done[2]["value"])]
    assert refusals(emulator) == []


def test_a_numbered_repeat_of_a_sealed_button_is_still_checked(slack, bot, emulator):
    """The seal goes by the button's name: a forged Home-tab value under a numbered id is refused."""
    slack.command("give a pilot by Friday", user=ALICE, channel=DEAL)
    bot.wait_idle()
    slack.app_home_opened(ALICE)
    bot.wait_idle()
    slack.home_action("item_done:7", f"{DEAL}:1", user=ALICE)  # unsealed: as if edited
    bot.wait_idle()
    [item] = bot.runtime.services.ledger.items(Scope("T0001", DEAL))
    assert item.is_open


def test_long_names_many_channels_and_many_meetings(slack, bot, emulator, clock):
    """A user and channels with the longest names Slack allows, 40 channels on one Home tab,
    30 meetings and every check-in."""
    long_name = ("\u05e9\u05dc\u05d5\u05dd\U0001F600e\u0301" * 20)[:80]
    emulator.add_user("U0LONG", name="x" * 80, real_name=long_name, tz="Asia/Kolkata")
    channels = [f"C0MANY{n:02d}" for n in range(40)]
    for n, channel in enumerate(channels):
        emulator.add_channel(channel, f"deal-{n:02d}-" + "y" * 70, members=[ALICE, "U0LONG"])
        slack.command(f"deal D{n}-{dense(70)} qualified", user="U0LONG", channel=channel)
        slack.command(f"give {hostile(200, seed=n)} by Friday", user="U0LONG", channel=channel)
    for n in range(30):
        topic = f"topic {n} {hostile(80, seed=n)}"
        slack.command(f"meeting {topic} in {n + 1}h", user="U0LONG", channel=channels[0])
    slack.command("checkins " + " ".join(f"{d}d" for d in range(1, 31)), user="U0LONG", channel=channels[0])
    for command in ("meeting", "checkins", "list mine", "deal"):
        reply(slack.command(command, user="U0LONG", channel=channels[0]))
    bot.wait_idle()
    slack.app_home_opened("U0LONG")
    bot.wait_idle()
    home = emulator.home_view("U0LONG")
    assert home is not None, refusals(emulator)
    assert "more" in all_text(home)  # 40 items and 40 deals: what doesn't fit is counted
    clock.advance(timedelta(days=2))
    bot.runtime.services.schedule.run_due()
    bot.wait_idle()
    assert refusals(emulator) == []
    assert_inert(sent_texts(emulator))


def test_the_partners_confirmations_and_longest_proposals_are_posted_as_slack_takes_them(
        slack, bot, emulator, clock):
    """From the plan page: confirmations announced in the channel, proposals of the longest
    hostile wording sent to the owner, accepted and declined."""
    from tests.e2e.test_mutual_plan import csrf_of, share, submit

    for n in range(4):
        slack.command(f"get {n}{hostile(MAX_WHAT - 20, seed=n)} by Dec 20", user=ALICE, channel=DEAL)
    link = share(slack)
    csrf = csrf_of(requests.get(link, timeout=10))
    assert submit(link, "confirm", 1, csrf=csrf).status_code == 303
    for number in (2, 3):
        answer = submit(link, "propose", number, csrf=csrf, what=dense(MAX_WHAT), due_on="2027-01-15")
        assert answer.status_code == 303, answer.text[:300]
    bot.wait_idle()
    dms = emulator.messages(ALICE)
    accepts = [b for dm in dms for b in buttons(dm, "plan_accept")]
    declines = [b for dm in dms for b in buttons(dm, "plan_decline")]
    assert len(accepts) == 2 and len(declines) == 2
    slack.action(accepts[0]["action_id"], accepts[0]["value"], user=ALICE, channel="D0ALICE")
    slack.action(declines[1]["action_id"], declines[1]["value"], user=ALICE, channel="D0ALICE")
    bot.wait_idle()
    assert refusals(emulator) == []
    assert_inert(sent_texts(emulator))
    assert "accepted the partner's change" in sent_texts(emulator)


def test_ten_crm_patterns_of_the_longest_escaping_text_are_each_shown(slack, bot, emulator):
    """All ten patterns sat in one section: at 300 characters of ``<`` and ``&`` (four and five
    once escaped) the renderer had to cut most of them away, and no one could see what to remove."""
    from bot.domain.user_patterns import MAX_PATTERN_LENGTH

    for n in range(10):
        head = f"(?P<deal>.+) n{n} (?P<stage>\\w+)"
        filler = "<&>" * MAX_PATTERN_LENGTH
        answer = reply(slack.command(f"crm pattern {head}{filler[:MAX_PATTERN_LENGTH - len(head)]}",
                                     user=ALICE, channel=DEAL))
        assert "Added" in all_text(answer), all_text(answer)[:300]
    listed = all_text(reply(slack.command("crm patterns", user=ALICE, channel=DEAL)))
    for n in range(10):  # each whole, as typed (plain_text: Slack shows it literally)
        head = f"(?P<deal>.+) n{n} (?P<stage>\\w+)"
        assert f"{n + 1}. {head}{filler[:MAX_PATTERN_LENGTH - len(head)]}" in listed
    bot.wait_idle()
    assert refusals(emulator) == []
