"""Every command the bot teaches works exactly as written, through signed HTTP.

The commands are read from what the bot itself answers (`/partner help`, its welcome, the
Home tab of someone new), never from a copy in the test: a text edited later is checked as
it then stands. A help entry's examples run in order, in a fresh deal channel that already
holds five commitments, since `/partner done 3` needs a #3 and `/partner meeting cancel …`
a meeting to cancel. A newcomer copies them as they are, so each must be understood and
acted on: no refusal, no "I don't know", no usage line.
"""

from __future__ import annotations

import html
import re

import pytest

from bot.domain.commands import SUBCOMMANDS
from bot.store import Scope
from tests.conftest import ALICE, BOB
from tests.e2e.helpers import all_text, reply, reply_text

# One help entry: "*give* — what it does\n`usage`\n_e.g._ `example  ·  example`".
ENTRY = re.compile(r"^\*(?P<name>[a-z]+)\* — [^\n]*\n`[^\n]*`\n_e\.g\._ `(?P<examples>[^\n]+)`$",
                   re.MULTILINE)
CODE = re.compile(r"`(/partner[^`]*)`")
# What an answer says when it did not understand or refused: none may appear.
REFUSED = (":warning:", "I don't know", "Usage:", "nothing changed", "There's no")
# Examples shown with a part to fill in ("`/partner give …`"): not meant to be typed as they are.
PLACEHOLDER = "…"


def typed_commands(code: str) -> list[str]:
    """The commands in one code span of an answer, as one types them after `/partner`."""
    commands = [html.unescape(part).strip() for part in code.split("  ·  ")]
    return [command.removeprefix("/partner").strip() for command in commands]


def help_examples(slack, channel: str) -> dict[str, list[str]]:
    """Each subcommand's examples, as `/partner help` shows them today."""
    answer = reply_text(slack.command("help", user=ALICE, channel=channel))
    return {entry["name"]: typed_commands(entry["examples"]) for entry in ENTRY.finditer(answer)}


def taught_in(text: str) -> list[str]:
    """Every complete `/partner …` command a message teaches, in the order it shows them."""
    commands = [command for code in CODE.findall(text) for command in typed_commands(code)]
    return list(dict.fromkeys(command for command in commands if PLACEHOLDER not in command))


def fresh_channel(emulator, slack, name: str) -> str:
    """A deal channel of its own, with five open commitments (#1–#5) on both sides."""
    channel = "C0EX" + re.sub(r"[^A-Z0-9]", "", name.upper())[:8]
    emulator.add_channel(channel, f"deal-{name}", members=[ALICE, BOB])
    for what in ("give a pilot workspace by Friday", "get an intro to their CFO by Dec 3",
                 "give the security questionnaire by Dec 4", "get a signed NDA by Dec 5",
                 "give a pricing sheet by Dec 7"):
        reply(slack.command(what, user=ALICE, channel=channel))
    return channel


def assert_understood(slack, channel: str, typed: str) -> str:
    answer = reply_text(slack.command(typed, user=ALICE, channel=channel))
    refused = [word for word in REFUSED if word in answer]
    assert not refused, f"`/partner {typed}` answered {refused}: {answer}"
    return answer


def test_help_shows_an_example_for_every_subcommand(slack, emulator):
    channel = fresh_channel(emulator, slack, "every")
    assert set(help_examples(slack, channel)) == set(SUBCOMMANDS)


@pytest.mark.parametrize("name", [name for name in SUBCOMMANDS if name != "calendar"])
def test_each_help_example_works_exactly_as_written(emulator, slack, bot, name):
    channel = fresh_channel(emulator, slack, name)
    examples = help_examples(slack, channel)[name]
    assert examples, f"the help shows no example of {name}"
    for typed in examples:
        # `private`'s entry also shows `shared`; `reopen`'s shows the `done` it undoes first.
        assert typed.split()[0] in (name, "shared", "done" if name == "reopen" else name)
        assert_understood(slack, channel, typed)
    bot.wait_idle()


def test_the_help_examples_change_what_they_say_they_change(emulator, slack, bot):
    """Understood is not enough: `done 3` keeps #3, `drop 4` drops #4, `edit 3` edits #3."""
    channel = fresh_channel(emulator, slack, "effects")
    examples = help_examples(slack, channel)
    for name in ("private", "edit", "drop", "done"):
        for typed in examples[name]:
            assert_understood(slack, channel, typed)
    bot.wait_idle()
    items = {item.number: item for item in bot.runtime.services.ledger.items(Scope("T0001", channel))}
    edited = int(examples["edit"][0].split()[1])
    assert items[edited].what == examples["edit"][0].split(" by ")[0].split(maxsplit=2)[2]
    assert items[int(examples["done"][0].split()[1])].status == "done"
    assert items[int(examples["drop"][0].split()[1])].status == "dropped"


def test_the_calendar_example_pasted_as_it_is_asks_for_your_own_address(emulator, slack, bot):
    """Its address ends in "…" on purpose; connected as it was, it failed at every read."""
    channel = fresh_channel(emulator, slack, "calendar")
    [typed] = help_examples(slack, channel)["calendar"]
    assert PLACEHOLDER in typed
    answer = reply_text(slack.command(typed, user=ALICE, channel=channel))
    assert "That's the example address" in answer and "`/partner help calendar`" in answer
    status = reply_text(slack.command("calendar", user=ALICE, channel=channel))
    assert "Connected" not in status and "calendar.google.com" not in status


def test_the_start_here_line_of_help_works_as_written(emulator, slack, bot):
    channel = "C0EXSTART"
    emulator.add_channel(channel, "deal-start", members=[ALICE, BOB])
    answer = reply_text(slack.command("", user=ALICE, channel=channel))
    start = answer.split("*Start here:*", 1)[1].split("\n", 1)[0]
    commands = taught_in(start)
    assert commands and commands[0].startswith("deal ")
    for typed in commands:
        assert_understood(slack, channel, typed)


def test_every_command_in_the_welcome_works_as_written(emulator, slack, bot):
    channel = "C0EXWELCOME"
    emulator.add_channel(channel, "deal-welcome", members=[ALICE, BOB])
    slack.event({"type": "member_joined_channel", "user": emulator.bot_user_id, "channel": channel,
                 "channel_type": "C", "team": "T0001", "inviter": ALICE})
    bot.wait_idle()
    [welcome] = emulator.messages(channel)
    commands = taught_in(all_text(welcome))
    assert {"give", "get", "deal", "share", "help"} <= {command.split()[0] for command in commands}
    for typed in commands:
        assert_understood(slack, channel, typed)
    bot.wait_idle()
    assert len(bot.runtime.services.ledger.items(Scope("T0001", channel))) >= 2


def test_every_command_on_a_newcomers_home_tab_works_as_written(emulator, slack, bot):
    slack.app_home_opened(BOB)
    bot.wait_idle()
    commands = taught_in(all_text(emulator.home_view(BOB)))
    assert commands
    channel = "C0EXHOME"
    emulator.add_channel(channel, "deal-home", members=[ALICE, BOB])
    for typed in commands:
        assert_understood(slack, channel, typed)


# One help entry's usage line: "*give* — what it does\n`usage`".
USAGE = re.compile(r"^\*(?P<name>[a-z]+)\* — [^\n]*\n`(?P<usage>[^\n]*)`$", re.MULTILINE)
OPTIONS = re.compile(r"^/partner (?P<sub>[a-z]+) \[(?P<options>[^\]]+)\]")


def usage_variants(slack, channel: str) -> list[str]:
    """Each literal choice a usage line offers right after its subcommand, and the bare
    subcommand when that choice is optional: `list [open|all|…]` → `list`, `list open`, …"""
    answer = reply_text(slack.command("help", user=ALICE, channel=channel))
    variants = []
    for entry in USAGE.finditer(answer):
        for shape in html.unescape(entry["usage"]).split("  ·  "):
            options = OPTIONS.match(shape.strip())
            if not options:
                continue
            variants.append(options["sub"])
            variants += [f"{options['sub']} {choice.strip()}" for choice in options["options"].split("|")
                         if "<" not in choice and PLACEHOLDER not in choice]
    return variants


def test_every_literal_choice_a_usage_line_offers_is_accepted(emulator, slack, bot):
    channel = fresh_channel(emulator, slack, "usage")
    variants = usage_variants(slack, channel)
    assert {"list all", "list mine", "share off", "listen auto", "checkins off", "digest now",
            "crm patterns", "calendar disconnect", "plan"} <= set(variants)
    for typed in variants:
        answer = reply_text(slack.command(typed, user=ALICE, channel=channel))
        assert "Usage:" not in answer and "I don't know" not in answer, f"`/partner {typed}`: {answer}"
